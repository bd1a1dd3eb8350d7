#include <array>

#include "adapters/codec.h"
#include "adapters/fhir/codec.h"
#include "adapters/hl7v2/codec.h"
#include "adapters/hl7v3/codec.h"

namespace metrogw::adapters {
namespace {

[[nodiscard]] const std::array<const Codec*, 3>& codecs() {
  static const std::array<const Codec*, 3> all = {&fhirR4Codec(), &hl7v2Codec(), &hl7v3CdaCodec()};
  return all;
}

}  // namespace

const Codec* findCodec(std::string_view dialect) {
  for (const Codec* c : codecs()) {
    if (c->dialect() == dialect) return c;
  }
  return nullptr;
}

std::vector<std::string_view> dialectNames() {
  std::vector<std::string_view> names;
  for (const Codec* c : codecs()) names.push_back(c->dialect());
  return names;
}

}  // namespace metrogw::adapters
