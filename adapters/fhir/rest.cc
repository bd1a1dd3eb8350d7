// Query / Command -> FHIR REST request, see rest.h.
#include "adapters/fhir/rest.h"

#include "adapters/fhir/datatypes.h"
#include "adapters/fhir/json.h"
#include "adapters/fhir/resources.h"
#include "adapters/fhir/url.h"

namespace metrogw::adapters::fhir {
namespace {

// Builds "path?a=1&b=2" with percent-encoded values.
class Target {
 public:
  explicit Target(std::string path) : s_(std::move(path)) {}
  void add(std::string_view name, std::string_view value) {
    if (value.empty()) return;
    s_ += first_ ? '?' : '&';
    first_ = false;
    s_.append(name).append("=").append(percentEncode(value));
  }
  [[nodiscard]] std::string str() && { return std::move(s_); }

 private:
  std::string s_;
  bool first_ = true;
};

bool isDigitsOnly(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string token(const model::IdentifierT& id) { return systemToUri(id.system) + "|" + id.value; }

void addPaging(Target& t, const model::QueryT& q) {
  t.add("_count", std::to_string(q.limit));
  if (isDigitsOnly(q.page_token)) {
    t.add("_offset", q.page_token);
  } else {
    t.add("_page_token", q.page_token);
  }
}

void addPatient(Target& t, const model::QueryT& q) {
  if (q.patient == nullptr) return;
  const model::PatientT& p = *q.patient;
  t.add("_id", p.id);
  for (const auto& id : p.identifiers) {
    if (id) t.add("identifier", token(*id));
  }
  if (p.name != nullptr) t.add("name", p.name->text);
  t.add("birthdate", p.birth_date);
}

void addReportPatient(Target& t, const model::QueryT& q) {
  if (q.patient == nullptr) return;
  t.add("patient", q.patient->id);
  for (const auto& id : q.patient->identifiers) {
    if (id) t.add("patient.identifier", token(*id));
  }
}

StatusOr<std::string> queryTarget(const model::QueryT& q) {
  switch (q.kind) {
    case model::QueryKind::Organizations: {
      Target t("/fhir/Organization");
      t.add("name", q.text);
      addPaging(t, q);
      return std::move(t).str();
    }
    case model::QueryKind::Departments: {
      Target t("/fhir/HealthcareService");
      t.add("organization", q.organization_id);
      addPaging(t, q);
      return std::move(t).str();
    }
    case model::QueryKind::Practitioners: {
      Target t("/fhir/Practitioner");
      t.add("organization", q.organization_id);
      t.add("specialty", q.department_code);
      addPaging(t, q);
      return std::move(t).str();
    }
    case model::QueryKind::Slots: {
      Target t("/fhir/Slot");
      t.add("status", "free");
      if (!q.from.empty()) t.add("start", "ge" + q.from);
      if (!q.to.empty()) t.add("start", "lt" + q.to);
      t.add("specialty", q.department_code);
      t.add("service-type", q.service_code);
      t.add("organization", q.organization_id);
      t.add("practitioner", q.practitioner_id);
      if (q.family_doctor) t.add("family-doctor", "true");
      addPaging(t, q);
      return std::move(t).str();
    }
    case model::QueryKind::Patients: {
      Target t("/fhir/Patient");
      addPatient(t, q);
      addPaging(t, q);
      return std::move(t).str();
    }
    case model::QueryKind::LabReports: {
      Target t("/fhir/DiagnosticReport");
      addReportPatient(t, q);
      if (!q.from.empty()) t.add("date", "ge" + q.from);
      if (!q.to.empty()) t.add("date", "lt" + q.to);
      t.add("_include", "DiagnosticReport:result");
      addPaging(t, q);
      return std::move(t).str();
    }
    case model::QueryKind::LabReport: {
      if (q.id.empty()) return Status::invalidArgument("id: a lab report query needs the report id");
      Target t("/fhir/DiagnosticReport");
      t.add("_id", q.id);
      t.add("_include", "DiagnosticReport:result");
      return std::move(t).str();
    }
    case model::QueryKind::RecordSummary: {
      const std::string& id = q.patient != nullptr && !q.patient->id.empty() ? q.patient->id : q.id;
      if (id.empty())
        return Status::invalidArgument("patient.id: a record summary query needs the patient id");
      return "/fhir/Patient/" + percentEncode(id) + "/$summary";
    }
  }
  return Status::invalidArgument("kind: unknown query kind");
}

void addIdentifier(model::AppointmentT& a, std::string_view system, std::string_view value) {
  if (value.empty()) return;
  auto id = std::make_unique<model::IdentifierT>();
  id->system = system;
  id->value = value;
  a.identifiers.push_back(std::move(id));
}

model::AppointmentT commandAppointment(const model::CommandT& c) {
  model::AppointmentT a;
  a.status = c.action == model::CommandAction::Hold ? model::AppointmentStatus::Pending
                                                    : model::AppointmentStatus::Booked;
  addIdentifier(a, kIdempotencySystem, c.idempotency_key);
  addIdentifier(a, kHoldSystem, c.hold_id);
  if (!c.slot_id.empty()) {
    auto slot = std::make_unique<model::ReferenceT>();
    slot->kind = "Slot";
    slot->id = c.slot_id;
    a.slots.push_back(std::move(slot));
  }
  if (c.patient != nullptr) a.patient = std::make_unique<model::PatientT>(*c.patient);
  if (c.requester != nullptr) a.booked_by = std::make_unique<model::ReferenceT>(*c.requester);
  if (c.referral != nullptr && !c.referral->id.empty()) {
    a.referral = std::make_unique<model::ReferenceT>();
    a.referral->kind = "ServiceRequest";
    a.referral->id = c.referral->id;
  }
  a.description = c.reason;
  if (c.family_doctor) {
    auto cc = std::make_unique<model::CodeableConceptT>();
    cc->coding = std::make_unique<model::CodingT>();
    cc->coding->system = kChannelSystem;
    cc->coding->code = "family-doctor";
    a.service_category.push_back(std::move(cc));
  }
  return a;
}

std::string appointmentJson(const model::AppointmentT& a) {
  Out o;
  writeAppointment(o, a);
  return o.take();
}

}  // namespace

StatusOr<RestRequest> toRestRequest(const model::QueryT& query) {
  ASSIGN_OR_RETURN(std::string target, queryTarget(query));
  return RestRequest{"GET", std::move(target), {}};
}

StatusOr<RestRequest> toRestRequest(const model::CommandT& command) {
  if (command.action == model::CommandAction::Cancel) {
    if (command.appointment_id.empty()) {
      return Status::invalidArgument("appointment_id: a cancel command needs the appointment id");
    }
    model::AppointmentT a;
    a.id = command.appointment_id;
    a.status = model::AppointmentStatus::Cancelled;
    if (!command.reason.empty()) {
      a.cancelation_reason = std::make_unique<model::CodeableConceptT>();
      a.cancelation_reason->text = command.reason;
    }
    addIdentifier(a, kIdempotencySystem, command.idempotency_key);
    return RestRequest{"PUT", "/fhir/Appointment/" + percentEncode(command.appointment_id),
                       appointmentJson(a)};
  }
  if (command.slot_id.empty())
    return Status::invalidArgument("slot_id: a hold or book command needs the slot id");
  return RestRequest{"POST", "/fhir/Appointment", appointmentJson(commandAppointment(command))};
}

}  // namespace metrogw::adapters::fhir
