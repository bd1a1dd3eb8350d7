// Schedule <-> model::ScheduleT. Schedule.actor carries the practitioner, organisation and
// department: by kind (Practitioner/PractitionerRole, Organization), anything else (typically
// HealthcareService) is the department; written organisation, practitioner, department.
#include "adapters/fhir/resources.h"

namespace metrogw::adapters::fhir {
namespace {

Status decodeActor(const Node& n, model::ScheduleT& out) {
  auto r = std::make_unique<model::ReferenceT>();
  RETURN_IF_ERROR(decodeReference(n, *r));
  if ((r->kind == "Practitioner" || r->kind == "PractitionerRole") && out.practitioner == nullptr) {
    out.practitioner = std::move(r);
  } else if (r->kind == "Organization" && out.organization == nullptr) {
    out.organization = std::move(r);
  } else if (r->kind != "Location" && out.department == nullptr) {
    out.department = std::move(r);
  }
  return Status::ok();
}

}  // namespace

Status decodeSchedule(const Node& res, model::ScheduleT& out) {
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(decodeIdentifiers(res, "identifier", out.identifiers));
  RETURN_IF_ERROR(getBool(res, "active", out.active));
  RETURN_IF_ERROR(decodeConcepts(res, "serviceType", Mapping::kDepartments, out.service_type));
  RETURN_IF_ERROR(forEachItem(res, "actor", [&](const Node& a) { return decodeActor(a, out); }));
  RETURN_IF_ERROR(decodePeriod(res, "planningHorizon", out.planning_horizon));
  return getString(res, "comment", out.comment);
}

void writeSchedule(Out& o, const model::ScheduleT& s) {
  o.beginObject();
  o.field("resourceType", "Schedule");
  o.field("id", s.id);
  writeIdentifiers(o, "identifier", s.identifiers);
  o.key("active");
  o.boolean(s.active);
  writeConcepts(o, "serviceType", s.service_type);
  if (s.organization || s.practitioner || s.department) {
    o.key("actor");
    o.beginArray();
    for (const auto* r : {&s.organization, &s.practitioner, &s.department}) {
      if (*r) writeReference(o, **r);
    }
    o.endArray();
  }
  writePeriod(o, "planningHorizon", s.planning_horizon);
  o.field("comment", s.comment);
  o.endObject();
}

}  // namespace metrogw::adapters::fhir
