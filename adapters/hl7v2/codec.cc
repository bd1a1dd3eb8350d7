#include "adapters/hl7v2/codec.h"

namespace metrogw::adapters {
namespace {

// Placeholder until the codec lands: refuses everything.
class Placeholder final : public Codec {
 public:
  std::string_view dialect() const override { return "hl7v2"; }
  StatusOr<model::EnvelopeT> decode(std::string_view) const override {
    return Status::invalidArgument("hl7v2: not implemented yet");
  }
  StatusOr<std::string> encode(const model::EnvelopeT&) const override {
    return Status::invalidArgument("hl7v2: not implemented yet");
  }
};

}  // namespace

const Codec& hl7v2Codec() {
  static const Placeholder codec;
  return codec;
}

}  // namespace metrogw::adapters
