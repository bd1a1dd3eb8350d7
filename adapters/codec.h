#pragma once
// A dialect codec: translation between one platform dialect and the canonical model.
//
// Codecs are stateless and thread-safe. decode() detects what a message is (patient, slot,
// appointment, lab report, record summary, search results, ...) and maps it; encode() writes a
// canonical body back in the dialect. Mapped fields survive decode -> encode -> decode.
//
// Errors are Status::malformedMessage (or invalidArgument for an unsupported kind) with a
// message that starts with the position of the problem, then ": ", then what is wrong:
//   hl7v2      "OBX[3]-5: ..."  (segment, occurrence, field[.component[.subcomponent]])
//   fhir-r4    "/entry/0/resource/status: ..."  (JSON pointer)
//   hl7v3-cda  "/ClinicalDocument/recordTarget/patientRole/id[1]: ..."  (XML path)
// The message is one line and never contains resident IDs, names or phone numbers.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/model.h"

namespace metrogw::adapters {

class Codec {
 public:
  virtual ~Codec() = default;

  // "fhir-r4", "hl7v2", "hl7v3-cda".
  [[nodiscard]] virtual std::string_view dialect() const = 0;

  // One message or document -> canonical envelope (body set; origin_city left empty).
  [[nodiscard]] virtual StatusOr<model::EnvelopeT> decode(std::string_view message) const = 0;

  // Canonical envelope -> one message or document in the dialect.
  [[nodiscard]] virtual StatusOr<std::string> encode(const model::EnvelopeT& envelope) const = 0;
};

// The built-in codec for a dialect name, or nullptr.
[[nodiscard]] const Codec* findCodec(std::string_view dialect);
// Names of every built-in dialect, for help texts and config validation.
[[nodiscard]] std::vector<std::string_view> dialectNames();

}  // namespace metrogw::adapters
