#pragma once
// The canonical model: what every dialect maps to and what city nodes exchange.
//
// The tables are generated from model/schema/metrogw.fbs (object API: PatientT, SlotT, ...).
// A message between nodes is one Envelope (file identifier "MGW1"). Everything received from a
// peer goes through verify()/unpack() first; nothing reads an unverified buffer.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "model/metrogw_generated.h"

namespace metrogw::model {

inline constexpr uint16_t kSchemaVersion = 1;
inline constexpr std::string_view kContentType = "application/x-flatbuffers";
// Upper bound on a received envelope; larger bodies are refused before verification.
inline constexpr size_t kMaxEnvelopeBytes = size_t{16} * 1024 * 1024;

// GB/T 2260 prefixes of the cities the gateway federates.
inline constexpr std::string_view kResidentIdOid = "2.16.156.10011.1.3";
inline constexpr std::string_view kHealthCardOid = "2.16.156.10011.1.19";

// Wraps a body table (PatientT, SlotT, SearchResultT, ...) into an envelope.
template <class T>
[[nodiscard]] EnvelopeT envelopeOf(T body, std::string origin_city = {}) {
  EnvelopeT env;
  env.schema_version = kSchemaVersion;
  env.origin_city = std::move(origin_city);
  env.body.Set(std::move(body));
  return env;
}

// Serialises an envelope into a finished, identified buffer.
[[nodiscard]] std::string pack(const EnvelopeT& envelope);

// Checks `bytes` with the FlatBuffers verifier (identifier, offsets, depth and table limits),
// then the schema version. The returned pointer aliases `bytes`.
[[nodiscard]] StatusOr<const Envelope*> verify(std::string_view bytes);

// verify() then unpack into owned objects.
[[nodiscard]] StatusOr<EnvelopeT> unpack(std::string_view bytes);

// Canonical JSON of an envelope buffer (verified first); stable field names from the schema,
// enums as names. `indent` false prints one line.
[[nodiscard]] StatusOr<std::string> toJson(std::string_view bytes, bool indent = true);
// Canonical JSON of the envelope's body table alone ("{ \"slots\": [...] }"); "{}" for no body.
[[nodiscard]] StatusOr<std::string> bodyToJson(std::string_view bytes, bool indent = false);
// JSON (as printed by toJson) back into a packed envelope buffer.
[[nodiscard]] StatusOr<std::string> fromJson(std::string_view json);

// Lower-case kind of a body: "patient", "slot", "lab-report", ... ("none" for an empty body).
[[nodiscard]] std::string_view bodyKind(Body type);

}  // namespace metrogw::model
