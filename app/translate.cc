#include "app/translate.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "adapters/codec.h"
#include "common/status.h"
#include "model/model.h"

namespace metrogw::app {
namespace {

// Larger inputs are refused: no real message or document comes close.
constexpr size_t kMaxInputBytes = size_t{16} * 1024 * 1024;

void usage(FILE* out) {
  std::string dialects;
  for (std::string_view d : adapters::dialectNames()) {
    if (!dialects.empty()) dialects += "|";
    dialects += d;
  }
  std::fprintf(out,
               "usage: metrogw translate --dialect {%s} [--compact] FILE\n"
               "  Reads one message or document (FILE, or - for stdin), detects its kind and prints\n"
               "  the canonical form as JSON. Exit 0 translated, 1 bad input, 2 usage error.\n",
               dialects.c_str());
}

[[nodiscard]] StatusOr<std::string> readInput(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::ioError("cannot open file");
    std::ostringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  }
  if (text.size() > kMaxInputBytes) {
    return Status::resourceExhausted("input larger than " + std::to_string(kMaxInputBytes) + " bytes");
  }
  return text;
}

// Replaces line breaks so the error stays one line whatever a codec put into it.
[[nodiscard]] std::string oneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

[[nodiscard]] StatusOr<std::string> translate(const adapters::Codec& codec, const std::string& path,
                                              bool indent) {
  ASSIGN_OR_RETURN(const std::string input, readInput(path));
  ASSIGN_OR_RETURN(model::EnvelopeT envelope, codec.decode(input));
  return model::toJson(model::pack(envelope), indent);
}

}  // namespace

int runTranslate(int argc, char** argv) {
  std::string dialect;
  std::string path;
  bool indent = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dialect" && i + 1 < argc) {
      dialect = argv[++i];
    } else if (arg == "--compact") {
      indent = false;
    } else if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else if (path.empty() && (arg == "-" || arg.rfind("--", 0) != 0)) {
      path = arg;
    } else {
      std::fprintf(stderr, "metrogw translate: unexpected argument '%s'\n", arg.c_str());
      usage(stderr);
      return 2;
    }
  }
  const adapters::Codec* codec = adapters::findCodec(dialect);
  if (codec == nullptr || path.empty()) {
    std::fprintf(stderr, "metrogw translate: %s\n",
                 path.empty() ? "missing FILE" : ("unknown dialect '" + dialect + "'").c_str());
    usage(stderr);
    return 2;
  }
  auto json = translate(*codec, path, indent);
  if (!json.isOk()) {
    std::fprintf(stderr, "metrogw translate: %s: %s: %s\n", path.c_str(),
                 std::string(codec->dialect()).c_str(), oneLine(json.status().message()).c_str());
    return 1;
  }
  std::fwrite(json->data(), 1, json->size(), stdout);
  return 0;
}

}  // namespace metrogw::app
