// Appointment <-> model::AppointmentT.
//
// The patient is the first participant whose actor is a Patient: a reference with id, one
// identifier and display when that is all the canonical patient has, else a contained Patient
// ("#<patient id>", "#patient" when it has none). Other participants map one to one
// (type[0] -> role, required: "required" <-> true). basedOn[0] is the referral; the booking
// doctor/partner is the extension kExtBase + "booked-by" (valueReference).
#include "adapters/fhir/codes.h"
#include "adapters/fhir/resources.h"

namespace metrogw::adapters::fhir {
namespace {

constexpr CodeTable<model::AppointmentStatus, 10> kAppointmentStatus = {{
    {"proposed", model::AppointmentStatus::Proposed},
    {"pending", model::AppointmentStatus::Pending},
    {"booked", model::AppointmentStatus::Booked},
    {"arrived", model::AppointmentStatus::Arrived},
    {"fulfilled", model::AppointmentStatus::Fulfilled},
    {"cancelled", model::AppointmentStatus::Cancelled},
    {"noshow", model::AppointmentStatus::Noshow},
    {"entered-in-error", model::AppointmentStatus::EnteredInError},
    {"checked-in", model::AppointmentStatus::CheckedIn},
    {"waitlist", model::AppointmentStatus::Waitlist},
}};

constexpr CodeTable<model::ParticipationStatus, 4> kParticipationStatus = {{
    {"accepted", model::ParticipationStatus::Accepted},
    {"declined", model::ParticipationStatus::Declined},
    {"tentative", model::ParticipationStatus::Tentative},
    {"needs-action", model::ParticipationStatus::NeedsAction},
}};

bool isPatientActor(const Node& actor, const Resolver& resolver) {
  model::ReferenceT r;
  if (!decodeReference(actor, r).isOk()) return false;
  if (r.kind == "Patient") return true;
  // A contained resource is named by the whole reference: "#x/y" is the contained id "x/y".
  std::string target;
  if (!getString(actor, "reference", target).isOk() || target.empty() || target[0] != '#') return false;
  const Node* res = resolver.resolve(target);
  if (res == nullptr) return false;
  auto kind = resourceTypeOf(*res);
  return kind.isOk() && *kind == "Patient";
}

Status decodeParticipant(const Node& n, const Resolver& resolver, model::AppointmentT& out) {
  RETURN_IF_ERROR(expectObject(n));
  const JsonValue* actor = n.find("actor");
  if (actor != nullptr && out.patient == nullptr && isPatientActor(Node(*actor, &n, "actor"), resolver)) {
    return decodePatientReference(Node(*actor, &n, "actor"), &resolver, out.patient);
  }
  auto p = std::make_unique<model::ParticipantT>();
  RETURN_IF_ERROR(decodeReference(n, "actor", p->actor));
  RETURN_IF_ERROR(withFirstObject(n, "type", [&](const Node& t) -> Status {
    p->role = std::make_unique<model::CodeableConceptT>();
    return decodeConcept(t, Mapping::kNone, *p->role);
  }));
  std::string required;
  RETURN_IF_ERROR(getString(n, "required", required));
  p->required = required.empty() || required == "required";
  std::string status;
  RETURN_IF_ERROR(getString(n, "status", status));
  if (!status.empty()) {
    auto s = enumOf(kParticipationStatus, status);
    if (!s) return Node(*n.find("status"), &n, "status").error("unknown participation status");
    p->status = *s;
  }
  out.participants.push_back(std::move(p));
  return Status::ok();
}

Status decodeAppointmentBody(const Node& res, model::AppointmentT& out) {
  RETURN_IF_ERROR(decodeConcept(res, "cancelationReason", Mapping::kNone, out.cancelation_reason));
  RETURN_IF_ERROR(decodeConcepts(res, "serviceCategory", Mapping::kNone, out.service_category));
  RETURN_IF_ERROR(decodeConcepts(res, "serviceType", Mapping::kDepartments, out.service_type));
  RETURN_IF_ERROR(decodeConcepts(res, "specialty", Mapping::kDepartments, out.specialty));
  RETURN_IF_ERROR(decodeConcept(res, "appointmentType", Mapping::kNone, out.appointment_type));
  RETURN_IF_ERROR(decodeConcepts(res, "reasonCode", Mapping::kNone, out.reason));
  uint64_t priority = 0;
  RETURN_IF_ERROR(getUint(res, "priority", 255, priority));
  out.priority = static_cast<uint8_t>(priority);
  RETURN_IF_ERROR(getString(res, "description", out.description));
  RETURN_IF_ERROR(getTime(res, "start", out.start));
  RETURN_IF_ERROR(getTime(res, "end", out.end));
  uint64_t minutes = 0;
  RETURN_IF_ERROR(getUint(res, "minutesDuration", UINT32_MAX, minutes));
  out.minutes_duration = static_cast<uint32_t>(minutes);
  RETURN_IF_ERROR(forEachItem(res, "slot", [&](const Node& s) -> Status {
    out.slots.push_back(std::make_unique<model::ReferenceT>());
    return decodeReference(s, *out.slots.back());
  }));
  RETURN_IF_ERROR(getTime(res, "created", out.created));
  RETURN_IF_ERROR(getString(res, "comment", out.comment));
  RETURN_IF_ERROR(withFirstObject(res, "basedOn", [&](const Node& b) -> Status {
    out.referral = std::make_unique<model::ReferenceT>();
    return decodeReference(b, *out.referral);
  }));
  RETURN_IF_ERROR(extReference(res, "booked-by", out.booked_by));
  return withFirstObject(res, "requestedPeriod", [&](const Node& p) -> Status {
    out.requested_period = std::make_unique<model::PeriodT>();
    RETURN_IF_ERROR(getTime(p, "start", out.requested_period->start));
    return getTime(p, "end", out.requested_period->end);
  });
}

void writeParticipant(Out& o, const model::ParticipantT& p) {
  o.beginObject();
  if (p.role != nullptr) {
    o.key("type");
    o.beginArray();
    writeConcept(o, *p.role);
    o.endArray();
  }
  writeReference(o, "actor", p.actor);
  o.field("required", p.required ? "required" : "optional");
  o.field("status", codeOf(kParticipationStatus, p.status, "accepted"));
  o.endObject();
}

void writeParticipants(Out& o, const model::AppointmentT& a, std::string_view patient_target) {
  if (a.patient == nullptr && a.participants.empty()) return;
  o.key("participant");
  o.beginArray();
  if (a.patient != nullptr) {
    o.beginObject();
    writePatientReference(o, "actor", *a.patient, patient_target);
    o.field("required", "required");
    o.field("status", "accepted");
    o.endObject();
  }
  for (const auto& p : a.participants) {
    if (p) writeParticipant(o, *p);
  }
  o.endArray();
}

void writeAppointmentBody(Out& o, const model::AppointmentT& a) {
  writeConcept(o, "cancelationReason", a.cancelation_reason);
  writeConcepts(o, "serviceCategory", a.service_category);
  writeConcepts(o, "serviceType", a.service_type);
  writeConcepts(o, "specialty", a.specialty);
  writeConcept(o, "appointmentType", a.appointment_type);
  writeConcepts(o, "reasonCode", a.reason);
  if (a.priority != 0) {
    o.key("priority");
    o.uint(a.priority);
  }
  o.field("description", a.description);
  o.field("start", a.start);
  o.field("end", a.end);
  if (a.minutes_duration != 0) {
    o.key("minutesDuration");
    o.uint(a.minutes_duration);
  }
  if (!a.slots.empty()) {
    o.key("slot");
    o.beginArray();
    for (const auto& s : a.slots) {
      if (s) writeReference(o, *s);
    }
    o.endArray();
  }
  o.field("created", a.created);
  o.field("comment", a.comment);
  if (a.referral != nullptr) {
    o.key("basedOn");
    o.beginArray();
    writeReference(o, *a.referral);
    o.endArray();
  }
  if (a.requested_period != nullptr) {
    o.key("requestedPeriod");
    o.beginArray();
    o.beginObject();
    o.field("start", a.requested_period->start);
    o.field("end", a.requested_period->end);
    o.endObject();
    o.endArray();
  }
}

}  // namespace

Status decodeAppointment(const Node& res, model::AppointmentT& out) {
  Resolver contained;
  RETURN_IF_ERROR(contained.addContained(res));
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(decodeIdentifiers(res, "identifier", out.identifiers));
  std::string status;
  RETURN_IF_ERROR(getString(res, "status", status));
  if (status.empty()) return res.missing("status");
  auto s = enumOf(kAppointmentStatus, status);
  if (!s) return Node(*res.find("status"), &res, "status").error("unknown appointment status");
  out.status = *s;
  RETURN_IF_ERROR(decodeAppointmentBody(res, out));
  return forEachItem(res, "participant", [&](const Node& p) { return decodeParticipant(p, contained, out); });
}

void writeAppointment(Out& o, const model::AppointmentT& a) {
  o.beginObject();
  o.field("resourceType", "Appointment");
  o.field("id", a.id);
  std::string patient_target;
  if (a.patient != nullptr && !fitsInReference(*a.patient)) {
    const std::string cid = a.patient->id.empty() ? std::string("patient") : a.patient->id;
    patient_target = "#" + cid;
    o.key("contained");
    o.beginArray();
    writePatient(o, *a.patient, cid);
    o.endArray();
  }
  {
    Extensions ext(o);
    ext.reference("booked-by", a.booked_by);
  }
  writeIdentifiers(o, "identifier", a.identifiers);
  o.field("status", codeOf(kAppointmentStatus, a.status, "proposed"));
  writeAppointmentBody(o, a);
  writeParticipants(o, a, patient_target);
  o.endObject();
}

}  // namespace metrogw::adapters::fhir
