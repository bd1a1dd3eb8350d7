#include "model/model.h"

#include <flatbuffers/flatbuffers.h>

namespace metrogw::model {
namespace {

// Verifier limits: nesting deep enough for the schema, far below what would exhaust the stack.
constexpr flatbuffers::uoffset_t kMaxDepth = 32;
constexpr flatbuffers::uoffset_t kMaxTables = 1'000'000;

}  // namespace

std::string pack(const EnvelopeT& envelope) {
  flatbuffers::FlatBufferBuilder fbb(1024);
  FinishEnvelopeBuffer(fbb, Envelope::Pack(fbb, &envelope));
  return {reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

StatusOr<const Envelope*> verify(std::string_view bytes) {
  if (bytes.size() > kMaxEnvelopeBytes) {
    return Status::resourceExhausted("envelope of " + std::to_string(bytes.size()) +
                                     " bytes exceeds the limit");
  }
  if (bytes.size() < 8 || !EnvelopeBufferHasIdentifier(bytes.data())) {
    return Status::malformedMessage("not a metrogw envelope (file identifier MGW1 missing)");
  }
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  flatbuffers::Verifier verifier(data, bytes.size(), kMaxDepth, kMaxTables);
  if (!VerifyEnvelopeBuffer(verifier)) {
    return Status::malformedMessage("envelope failed FlatBuffers verification");
  }
  const Envelope* env = GetEnvelope(data);
  if (env->schema_version() != kSchemaVersion) {
    return Status::malformedMessage("unsupported envelope schema version " +
                                    std::to_string(env->schema_version()));
  }
  // The verifier accepts union types it does not know (forward compatibility); this node cannot
  // use them, so a body kind from a newer schema is refused here rather than read as empty.
  if (env->body_type() > Body::MAX) {
    return Status::malformedMessage("envelope body kind " +
                                    std::to_string(static_cast<int>(env->body_type())) +
                                    " is unknown to this node (newer schema?)");
  }
  if (env->body_type() != Body::NONE && env->body() == nullptr) {
    return Status::malformedMessage("envelope names a body kind but carries no body");
  }
  return env;
}

StatusOr<EnvelopeT> unpack(std::string_view bytes) {
  auto env = verify(bytes);
  if (!env.isOk()) return env.status();
  EnvelopeT out;
  (*env)->UnPackTo(&out);
  return out;
}

std::string_view bodyKind(Body type) {
  switch (type) {
    case Body::NONE: return "none";
    case Body::Patient: return "patient";
    case Body::Organization: return "organization";
    case Body::Department: return "department";
    case Body::Practitioner: return "practitioner";
    case Body::Schedule: return "schedule";
    case Body::Slot: return "slot";
    case Body::Appointment: return "appointment";
    case Body::Referral: return "referral";
    case Body::LabReport: return "lab-report";
    case Body::RecordSummary: return "record-summary";
    case Body::Consent: return "consent";
    case Body::AuditEvent: return "audit-event";
    case Body::Query: return "query";
    case Body::Command: return "command";
    case Body::SearchResult: return "search-result";
    case Body::Problem: return "problem";
  }
  return "unknown";
}

}  // namespace metrogw::model
