#include "adapters/hl7v3/codec.h"

namespace metrogw::adapters {
namespace {

// Placeholder until the codec lands: refuses everything.
class Placeholder final : public Codec {
 public:
  std::string_view dialect() const override { return "hl7v3-cda"; }
  StatusOr<model::EnvelopeT> decode(std::string_view) const override {
    return Status::invalidArgument("hl7v3-cda: not implemented yet");
  }
  StatusOr<std::string> encode(const model::EnvelopeT&) const override {
    return Status::invalidArgument("hl7v3-cda: not implemented yet");
  }
};

}  // namespace

const Codec& hl7v3CdaCodec() {
  static const Placeholder codec;
  return codec;
}

}  // namespace metrogw::adapters
