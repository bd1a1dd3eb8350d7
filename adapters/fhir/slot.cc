// Slot <-> model::SlotT.
//
// How the canonical fields that FHIR R4 Slot lacks are carried (all round-trip):
//  - schedule                 Slot.schedule (the standard place; decode keeps the Reference).
//  - capacity                 extension kExtBase + "slot-capacity", valueUnsignedInt; omitted
//                             when 1 (the canonical default), so a plain FHIR Slot is one seat.
//  - booked                   extension "slot-booked", valueUnsignedInt (omitted when 0).
//  - reserved_family_doctor   extension "slot-reserved-family-doctor", valueUnsignedInt: seats
//                             of `capacity` held for family-doctor referrals (omitted when 0).
//  - practitioner, department, organization
//                             extensions "slot-practitioner", "slot-department",
//                             "slot-organization", valueReference: denormalised from the
//                             Schedule's actors so that search results stand alone.
// Everything else is standard: identifier, serviceCategory, serviceType, specialty (department
// codes are mapped through the departments table into CodeableConcept.alt), status, start, end,
// overbooked, comment. Unknown status codes are errors.
#include "adapters/fhir/codes.h"
#include "adapters/fhir/resources.h"

namespace metrogw::adapters::fhir {
namespace {

constexpr CodeTable<model::SlotStatus, 5> kSlotStatus = {{
    {"free", model::SlotStatus::Free},
    {"busy", model::SlotStatus::Busy},
    {"busy-unavailable", model::SlotStatus::BusyUnavailable},
    {"busy-tentative", model::SlotStatus::BusyTentative},
    {"entered-in-error", model::SlotStatus::EnteredInError},
}};

constexpr uint64_t kMaxSeats = 65535;

Status decodeSlotExtensions(const Node& res, model::SlotT& out) {
  uint64_t capacity = out.capacity;
  uint64_t booked = out.booked;
  uint64_t reserved = out.reserved_family_doctor;
  RETURN_IF_ERROR(extUint(res, "slot-capacity", kMaxSeats, capacity));
  RETURN_IF_ERROR(extUint(res, "slot-booked", kMaxSeats, booked));
  RETURN_IF_ERROR(extUint(res, "slot-reserved-family-doctor", kMaxSeats, reserved));
  out.capacity = static_cast<uint16_t>(capacity);
  out.booked = static_cast<uint16_t>(booked);
  out.reserved_family_doctor = static_cast<uint16_t>(reserved);
  RETURN_IF_ERROR(extReference(res, "slot-practitioner", out.practitioner));
  RETURN_IF_ERROR(extReference(res, "slot-department", out.department));
  return extReference(res, "slot-organization", out.organization);
}

}  // namespace

Status decodeSlot(const Node& res, model::SlotT& out) {
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(decodeIdentifiers(res, "identifier", out.identifiers));
  RETURN_IF_ERROR(decodeReference(res, "schedule", out.schedule));
  RETURN_IF_ERROR(decodeConcepts(res, "serviceCategory", Mapping::kNone, out.service_category));
  RETURN_IF_ERROR(decodeConcepts(res, "serviceType", Mapping::kDepartments, out.service_type));
  RETURN_IF_ERROR(decodeConcepts(res, "specialty", Mapping::kDepartments, out.specialty));
  std::string status;
  RETURN_IF_ERROR(getString(res, "status", status));
  if (status.empty()) return res.missing("status");
  auto s = enumOf(kSlotStatus, status);
  if (!s) return Node(*res.find("status"), &res, "status").error("unknown slot status");
  out.status = *s;
  RETURN_IF_ERROR(getTime(res, "start", out.start));
  RETURN_IF_ERROR(getTime(res, "end", out.end));
  RETURN_IF_ERROR(getBool(res, "overbooked", out.overbooked));
  RETURN_IF_ERROR(getString(res, "comment", out.comment));
  return decodeSlotExtensions(res, out);
}

void writeSlot(Out& o, const model::SlotT& s) {
  o.beginObject();
  o.field("resourceType", "Slot");
  o.field("id", s.id);
  {
    Extensions ext(o);
    ext.uint("slot-capacity", s.capacity, 1);
    ext.uint("slot-booked", s.booked, 0);
    ext.uint("slot-reserved-family-doctor", s.reserved_family_doctor, 0);
    ext.reference("slot-practitioner", s.practitioner);
    ext.reference("slot-department", s.department);
    ext.reference("slot-organization", s.organization);
  }
  writeIdentifiers(o, "identifier", s.identifiers);
  writeConcepts(o, "serviceCategory", s.service_category);
  writeConcepts(o, "serviceType", s.service_type);
  writeConcepts(o, "specialty", s.specialty);
  writeReference(o, "schedule", s.schedule);
  o.field("status", codeOf(kSlotStatus, s.status, "free"));
  o.field("start", s.start);
  o.field("end", s.end);
  if (s.overbooked) {
    o.key("overbooked");
    o.boolean(true);
  }
  o.field("comment", s.comment);
  o.endObject();
}

}  // namespace metrogw::adapters::fhir
