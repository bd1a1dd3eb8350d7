// FHIR REST request -> Envelope with a Query or Command (the server side of rest.h).
#include "adapters/fhir/codec.h"
#include "adapters/fhir/datatypes.h"
#include "adapters/fhir/json.h"
#include "adapters/fhir/rest.h"
#include "adapters/fhir/url.h"

namespace metrogw::adapters::fhir {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

Status badParam(std::string_view name, std::string_view what) {
  return Status::invalidArgument(std::string(name) + ": " + std::string(what));
}

Status parseCount(const std::string& name, const std::string& v, uint16_t& out) {
  if (v.empty() || v.size() > 5 || v.find_first_not_of("0123456789") != std::string::npos) {
    return badParam(name, "expected a number");
  }
  const unsigned long n = std::stoul(v);
  if (n == 0 || n > 1000) return badParam(name, "expected 1..1000");
  out = static_cast<uint16_t>(n);
  return Status::ok();
}

// "ge<time>" -> from, "lt<time>" -> to.
Status parseRange(const std::string& name, const std::string& v, model::QueryT& q) {
  const std::string_view prefix = std::string_view(v).substr(0, 2);
  auto t = normaliseTime(std::string_view(v).substr(std::min<size_t>(2, v.size())));
  if ((prefix != "ge" && prefix != "lt") || !t)
    return badParam(name, "expected ge<date-time> or lt<date-time>");
  (prefix == "ge" ? q.from : q.to) = std::move(*t);
  return Status::ok();
}

StatusOr<std::unique_ptr<model::IdentifierT>> parseToken(const std::string& name, const std::string& v) {
  const size_t bar = v.find('|');
  if (bar == std::string::npos || bar + 1 == v.size()) return badParam(name, "expected <system>|<value>");
  auto id = std::make_unique<model::IdentifierT>();
  id->system = systemFromUri(std::string_view(v).substr(0, bar));
  id->value = v.substr(bar + 1);
  return id;
}

model::PatientT& patientOf(model::QueryT& q) {
  if (q.patient == nullptr) q.patient = std::make_unique<model::PatientT>();
  return *q.patient;
}

Status parsePaging(const std::string& k, const std::string& v, model::QueryT& q, bool& known) {
  known = true;
  if (k == "_count") return parseCount(k, v, q.limit);
  if (k == "_offset") {
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
      return badParam(k, "expected a number");
    q.page_token = v;
    return Status::ok();
  }
  if (k == "_page_token") {
    q.page_token = v;
    return Status::ok();
  }
  known = false;
  return Status::ok();
}

// One search parameter of `resource`; unknown parameters are errors.
Status parseParam(std::string_view resource, const std::string& k, const std::string& v, model::QueryT& q) {
  bool known = false;
  RETURN_IF_ERROR(parsePaging(k, v, q, known));
  if (known) return Status::ok();
  if (resource == "Organization" && k == "name") {
    q.text = v;
  } else if ((resource == "HealthcareService" || resource == "Practitioner" || resource == "Slot") &&
             k == "organization") {
    q.organization_id = v;
  } else if ((resource == "Practitioner" || resource == "Slot") && k == "specialty") {
    q.department_code = v.substr(v.find('|') == std::string::npos ? 0 : v.find('|') + 1);
  } else if (resource == "Slot" && k == "status") {
    if (v != "free") return badParam(k, "only status=free is supported");
  } else if ((resource == "Slot" && k == "start") || (resource == "DiagnosticReport" && k == "date")) {
    return parseRange(k, v, q);
  } else if (resource == "Slot" && k == "service-type") {
    q.service_code = v;
  } else if (resource == "Slot" && k == "practitioner") {
    q.practitioner_id = v;
  } else if (resource == "Slot" && k == "family-doctor") {
    if (v != "true" && v != "false") return badParam(k, "expected true or false");
    q.family_doctor = v == "true";
  } else if ((resource == "Patient" && k == "_id") || (resource == "DiagnosticReport" && k == "patient")) {
    patientOf(q).id = v;
  } else if ((resource == "Patient" && k == "identifier") ||
             (resource == "DiagnosticReport" && k == "patient.identifier")) {
    ASSIGN_OR_RETURN(auto id, parseToken(k, v));
    patientOf(q).identifiers.push_back(std::move(id));
  } else if (resource == "Patient" && k == "name") {
    patientOf(q).name = std::make_unique<model::HumanNameT>();
    q.patient->name->text = v;
  } else if (resource == "Patient" && k == "birthdate") {
    auto t = normaliseTime(v);
    if (!t) return badParam(k, "expected a date");
    patientOf(q).birth_date = std::move(*t);
  } else if (resource == "DiagnosticReport" && k == "_id") {
    q.id = v;
    q.kind = model::QueryKind::LabReport;
  } else if (resource == "DiagnosticReport" && k == "_include") {
    if (v != "DiagnosticReport:result") return badParam(k, "only DiagnosticReport:result is supported");
  } else {
    return badParam(k, "unsupported search parameter");
  }
  return Status::ok();
}

StatusOr<model::QueryKind> searchKind(std::string_view resource) {
  if (resource == "Organization") return model::QueryKind::Organizations;
  if (resource == "HealthcareService") return model::QueryKind::Departments;
  if (resource == "Practitioner") return model::QueryKind::Practitioners;
  if (resource == "Slot") return model::QueryKind::Slots;
  if (resource == "Patient") return model::QueryKind::Patients;
  if (resource == "DiagnosticReport") return model::QueryKind::LabReports;
  return Status::invalidArgument("path: no search on this resource type");
}

StatusOr<model::EnvelopeT> search(std::string_view resource, const Params& params) {
  model::QueryT q;
  ASSIGN_OR_RETURN(q.kind, searchKind(resource));
  for (const auto& [k, v] : params) RETURN_IF_ERROR(parseParam(resource, k, v, q));
  if (q.kind == model::QueryKind::LabReport && q.patient != nullptr) {
    return badParam("_id", "cannot be combined with patient");
  }
  return model::envelopeOf(std::move(q));
}

StatusOr<model::AppointmentT> appointmentBody(std::string_view body) {
  auto env = fhirR4Codec().decode(body);
  if (!env.isOk()) return env.status();
  if (env->body.type != model::Body::Appointment)
    return Status::invalidArgument("/resourceType: expected Appointment");
  return std::move(*env->body.AsAppointment());
}

void takeIdentifiers(model::AppointmentT& a, model::CommandT& c) {
  for (const auto& id : a.identifiers) {
    if (id && id->system == kIdempotencySystem) c.idempotency_key = id->value;
    if (id && id->system == kHoldSystem) c.hold_id = id->value;
  }
}

StatusOr<model::EnvelopeT> create(std::string_view body) {
  ASSIGN_OR_RETURN(model::AppointmentT a, appointmentBody(body));
  model::CommandT c;
  if (a.status == model::AppointmentStatus::Pending) {
    c.action = model::CommandAction::Hold;
  } else if (a.status == model::AppointmentStatus::Booked) {
    c.action = model::CommandAction::Book;
  } else {
    return Status::invalidArgument("/status: expected pending (hold) or booked (book)");
  }
  if (a.slots.empty() || a.slots[0] == nullptr || a.slots[0]->id.empty())
    return Status::invalidArgument("/slot: missing");
  c.slot_id = a.slots[0]->id;
  takeIdentifiers(a, c);
  c.patient = std::move(a.patient);
  c.requester = std::move(a.booked_by);
  if (a.referral != nullptr) {
    c.referral = std::make_unique<model::ReferralT>();
    c.referral->id = a.referral->id;
  }
  c.reason = a.description;
  for (const auto& cc : a.service_category) {
    if (cc && cc->coding && cc->coding->system == kChannelSystem && cc->coding->code == "family-doctor") {
      c.family_doctor = true;
    }
  }
  return model::envelopeOf(std::move(c));
}

StatusOr<model::EnvelopeT> cancel(std::string_view id, std::string_view body) {
  ASSIGN_OR_RETURN(model::AppointmentT a, appointmentBody(body));
  if (a.status != model::AppointmentStatus::Cancelled)
    return Status::invalidArgument("/status: expected cancelled");
  if (!a.id.empty() && a.id != id) return Status::invalidArgument("/id: does not match the path");
  model::CommandT c;
  c.action = model::CommandAction::Cancel;
  c.appointment_id = id;
  takeIdentifiers(a, c);
  if (a.cancelation_reason != nullptr) c.reason = a.cancelation_reason->text;
  return model::envelopeOf(std::move(c));
}

// Decoded path segments after "/fhir".
StatusOr<std::vector<std::string>> pathSegments(std::string_view path) {
  if (path.rfind("/fhir/", 0) != 0) return Status::invalidArgument("path: expected /fhir/<resource>");
  path.remove_prefix(6);
  std::vector<std::string> out;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    auto seg = percentDecode(path.substr(0, slash), false);
    if (!seg || seg->empty()) return Status::invalidArgument("path: bad segment");
    out.push_back(std::move(*seg));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  if (out.empty()) return Status::invalidArgument("path: expected /fhir/<resource>");
  return out;
}

}  // namespace

StatusOr<model::EnvelopeT> fromRestRequest(std::string_view method, std::string_view target,
                                           std::string_view body) {
  const size_t q = target.find('?');
  ASSIGN_OR_RETURN(std::vector<std::string> path, pathSegments(target.substr(0, q)));
  std::string bad;
  auto params = parseQuery(q == std::string_view::npos ? std::string_view() : target.substr(q + 1), bad);
  if (!params) return badParam(bad, "bad percent-encoding");
  if (method == "GET" && path.size() == 1) return search(path[0], *params);
  if (method == "GET" && path.size() == 3 && path[0] == "Patient" && path[2] == "$summary") {
    model::QueryT query;
    query.kind = model::QueryKind::RecordSummary;
    query.patient = std::make_unique<model::PatientT>();
    query.patient->id = path[1];
    return model::envelopeOf(std::move(query));
  }
  if (method == "POST" && path.size() == 1 && path[0] == "Appointment") return create(body);
  if (method == "PUT" && path.size() == 2 && path[0] == "Appointment") return cancel(path[1], body);
  return Status::invalidArgument("path: no such operation for this method");
}

}  // namespace metrogw::adapters::fhir
