#include "adapters/fhir/codec.h"

namespace metrogw::adapters {
namespace {

// Placeholder until the codec lands: refuses everything.
class Placeholder final : public Codec {
 public:
  std::string_view dialect() const override { return "fhir-r4"; }
  StatusOr<model::EnvelopeT> decode(std::string_view) const override {
    return Status::invalidArgument("fhir-r4: not implemented yet");
  }
  StatusOr<std::string> encode(const model::EnvelopeT&) const override {
    return Status::invalidArgument("fhir-r4: not implemented yet");
  }
};

}  // namespace

const Codec& fhirR4Codec() {
  static const Placeholder codec;
  return codec;
}

}  // namespace metrogw::adapters
