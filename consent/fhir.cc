#include "consent/fhir.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "consent/internal/time.h"

namespace metrogw::consent {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }
void member(Writer& w, std::string_view k, std::string_view v) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
  str(w, v);
}

void coding(Writer& w, std::string_view system, std::string_view code) {
  w.StartObject();
  member(w, "system", system);
  member(w, "code", code);
  w.EndObject();
}

void codeableConcept(Writer& w, std::string_view system, std::string_view code) {
  w.StartObject();
  w.Key("coding");
  w.StartArray();
  coding(w, system, code);
  w.EndArray();
  w.EndObject();
}

void identifier(Writer& w, std::string_view system, std::string_view value) {
  w.Key("identifier");
  w.StartObject();
  member(w, "system", system);
  member(w, "value", value);
  w.EndObject();
}

void actor(Writer& w, std::string_view system, std::string_view value) {
  if (value.empty()) return;
  w.StartObject();
  w.Key("role");
  codeableConcept(w, "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP");
  w.Key("reference");
  w.StartObject();
  identifier(w, system, value);
  w.EndObject();
  w.EndObject();
}

void purpose(Writer& w, policy::Purpose p) {
  switch (p) {
    case policy::Purpose::kTreatment:
      coding(w, "http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT");
      return;
    case policy::Purpose::kEmergency:
      coding(w, "http://terminology.hl7.org/CodeSystem/v3-ActReason", "ETREAT");
      return;
    case policy::Purpose::kReferral: coding(w, "urn:metrogw:purpose", "referral"); return;
  }
}

void provision(Writer& w, const Record& r) {
  w.Key("provision");
  w.StartObject();
  member(w, "type", r.kind == Kind::kGrant ? "permit" : "deny");
  w.Key("period");
  w.StartObject();
  member(w, "start", internal::formatTime(r.not_before_ms));
  if (r.not_after_ms != policy::kNoEnd) member(w, "end", internal::formatTime(r.not_after_ms));
  w.EndObject();
  w.Key("actor");
  w.StartArray();
  actor(w, "urn:metrogw:city", r.grantee.city);
  actor(w, "urn:metrogw:hospital", r.grantee.hospital);
  actor(w, "urn:metrogw:practitioner", r.grantee.practitioner);
  w.EndArray();
  w.Key("purpose");
  w.StartArray();
  for (auto p : r.purposes) purpose(w, p);
  w.EndArray();
  w.Key("class");
  w.StartArray();
  for (auto c : r.categories) coding(w, "urn:metrogw:consent-category", policy::categoryName(c));
  w.EndArray();
  w.EndObject();
}

void writeConsent(Writer& w, const Record& r, bool revoked) {
  w.StartObject();
  member(w, "resourceType", "Consent");
  member(w, "id", r.id);
  member(w, "status", r.kind == Kind::kGrant && !revoked ? "active" : "inactive");
  if (r.kind == Kind::kRevocation) {
    w.Key("extension");
    w.StartArray();
    w.StartObject();
    member(w, "url", "urn:metrogw:consent-revokes");
    member(w, "valueString", r.revokes);
    w.EndObject();
    w.EndArray();
  }
  w.Key("scope");
  codeableConcept(w, "http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy");
  w.Key("category");
  w.StartArray();
  codeableConcept(w, "http://loinc.org", "59284-0");
  w.EndArray();
  w.Key("patient");
  w.StartObject();
  identifier(w, "urn:metrogw:person-token", r.patient_token);
  w.EndObject();
  member(w, "dateTime", internal::formatTime(r.recorded_ms));
  w.Key("policyRule");
  codeableConcept(w, "urn:metrogw:consent-source", r.source.empty() ? "unspecified" : r.source);
  provision(w, r);
  w.EndObject();
}

}  // namespace

std::string fhirConsent(const Record& record, bool revoked) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  writeConsent(w, record, revoked);
  return {buf.GetString(), buf.GetSize()};
}

std::string fhirConsentBundle(const std::vector<Record>& history) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  member(w, "resourceType", "Bundle");
  member(w, "type", "collection");
  w.Key("entry");
  w.StartArray();
  for (const Record& r : history) {
    bool revoked = false;
    if (r.kind == Kind::kGrant) (void)findGrant(history, r.id, revoked);
    w.StartObject();
    w.Key("resource");
    writeConsent(w, r, revoked);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace metrogw::consent
