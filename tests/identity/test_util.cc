// Helpers for the identity tests.
#include "tests/identity/test_util.h"

#include <fstream>
#include <sstream>

#include "identity/resident_id.h"

namespace metrogw::identity::testing {

std::string makeId(std::string_view region, std::string_view birth, std::string_view sequence) {
  std::string first17;
  first17.append(region).append(birth).append(sequence);
  return first17 + checkCharacter(first17);
}

std::string withWrongCheck(const std::string& id) {
  std::string out = id;
  out.back() = out.back() == '0' ? '1' : '0';
  return out;
}

std::string sampleText(std::string_view file) {
  std::ifstream in(std::string(METROGW_SAMPLES_DIR) + "/" + std::string(file), std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string sampleExtension(std::string_view file, std::string_view root) {
  const std::string text = sampleText(file);
  const std::string anchor = "root=\"" + std::string(root) + "\" extension=\"";
  const size_t at = text.find(anchor);
  if (at == std::string::npos) return {};
  const size_t start = at + anchor.size();
  return text.substr(start, text.find('"', start) - start);
}

bool leaksInput(std::string_view message, std::string_view input, size_t run) {
  if (input.size() < run) return false;
  for (size_t i = 0; i + run <= input.size(); ++i) {
    if (message.find(input.substr(i, run)) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace metrogw::identity::testing
