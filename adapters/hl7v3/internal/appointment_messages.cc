// Outpatient appointment (门诊预约) interactions, WS/T 790 part 15 in the national v3 style.
//
// PRPA_IN410001UV 新增预约 -> Command{Book}; PRPA_IN410003UV 取消预约 -> Command{Cancel}:
//   <controlActProcess><subject typeCode="SUBJ"><appointmentRequest classCode="ENC" moodCode="ARQ">
//     <id><item root="urn:metrogw:idempotency" extension="{idempotency_key}"/>
//         <item root="urn:metrogw:appointment" extension="{appointment_id}"/>   (cancel)
//         <item root="urn:metrogw:hold" extension="{hold_id}"/></id>
//     <reasonCode><originalText value="{reason}"/></reasonCode>
//     <familyDoctorInd value="true"/>
//     <subject typeCode="SBJ"><patient classCode="PAT">..as PRPA_IN201311UV02..</patient></subject>
//     <author typeCode="AUT"><assignedEntity><id><item/></id><name/></assignedEntity></author>   requester
//     <component><actSlot moodCode="SLOT"><id><item root="urn:metrogw:id"
//     extension="{slot_id}"/></id></actSlot></component>
// PRPA_IN410002UV 预约确认 -> Appointment (acknowledgement AA with the request's id):
//   <controlActProcess><subject><appointment classCode="ENC" moodCode="APT">
//     <id><item root="urn:metrogw:id" extension="{id}"/><item ../>(identifiers)</id>
//     <statusCode
//     code="{proposed|pending|booked|arrived|fulfilled|cancelled|noshow|entered-in-error|checked-in|waitlist}"/>
//     <effectiveTime><low value="{start}"/><high value="{end}"/></effectiveTime>
//     <availabilityTime value="{created}"/>  <text value="{description}"/>
//     <subject><patient ../></subject>  <author><assignedEntity ../></author> (booked_by)
//     <component><actSlot moodCode="SLOT"><id><item root="urn:metrogw:id" extension="{slot
//     id}"/></id></actSlot></component>...
#include <memory>
#include <utility>

#include "adapters/hl7v3/internal/datatypes.h"
#include "adapters/hl7v3/internal/messages.h"
#include "adapters/hl7v3/internal/params.h"
#include "adapters/hl7v3/internal/patient.h"
#include "adapters/hl7v3/internal/wrapper.h"

namespace metrogw::adapters::hl7v3 {
namespace {

constexpr std::string_view kIdempotencyRoot = "urn:metrogw:idempotency";
constexpr std::string_view kAppointmentRoot = "urn:metrogw:appointment";
constexpr std::string_view kHoldRoot = "urn:metrogw:hold";

constexpr std::string_view kStatusNames[] = {"proposed",   "pending",   "booked", "arrived",
                                             "fulfilled",  "cancelled", "noshow", "entered-in-error",
                                             "checked-in", "waitlist"};

void writeItem(XmlWriter& w, std::string_view root, std::string_view extension) {
  if (extension.empty()) return;
  w.open("item");
  w.attr("root", root);
  w.attr("extension", extension);
  w.close();
}

void writeSlotRef(XmlWriter& w, std::string_view slot_id) {
  if (slot_id.empty()) return;
  w.open("component");
  w.open("actSlot");
  w.attr("classCode", "ACT");
  w.attr("moodCode", "SLOT");
  writeMetroIds(w, slot_id, nullptr);
  w.close();
  w.close();
}

void writeAuthor(XmlWriter& w, const model::ReferenceT* ref) {
  if (ref == nullptr) return;
  w.open("author");
  w.attr("typeCode", "AUT");
  writeEntityRef(w, "assignedEntity", ref, Style::kMessage);
  w.close();
}

void writePatient(XmlWriter& w, const model::PatientT* p) {
  if (p == nullptr) return;
  w.open("subject");
  w.attr("typeCode", "SBJ");
  writeMessagePatient(w, *p);
  w.close();
}

Status readPatient(pugi::xml_node act, std::unique_ptr<model::PatientT>& out) {
  pugi::xml_node patient = descend(act, "subject/patient");
  if (!patient) return Status::ok();
  ASSIGN_OR_RETURN(model::PatientT p, readMessagePatient(patient));
  out = std::make_unique<model::PatientT>(std::move(p));
  return Status::ok();
}

}  // namespace

Status decodeBooking(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node act, require(root, "controlActProcess/subject/appointmentRequest"));
  model::CommandT c;
  c.action =
      localName(root.name()) == kCancelRoot ? model::CommandAction::Cancel : model::CommandAction::Book;
  std::vector<std::unique_ptr<model::IdentifierT>> ids;
  readIds(child(act, "id"), ids);
  for (const auto& id : ids) {
    if (id->system == kIdempotencyRoot) c.idempotency_key = id->value;
    if (id->system == kAppointmentRoot) c.appointment_id = id->value;
    if (id->system == kHoldRoot) c.hold_id = id->value;
  }
  c.reason = attr(descend(act, "reasonCode/originalText"), "value");
  c.family_doctor = attr(child(act, "familyDoctorInd"), "value") == "true";
  RETURN_IF_ERROR(readPatient(act, c.patient));
  c.requester = readEntityRef(descend(act, "author/assignedEntity"), "Practitioner");
  readMetroIds(descend(act, "component/actSlot/id"), c.slot_id, nullptr);
  if (c.action == model::CommandAction::Book && c.slot_id.empty() && c.hold_id.empty()) {
    return xmlError(act, "/component/actSlot", "missing");
  }
  env.body.Set(std::move(c));
  return Status::ok();
}

std::string encodeBooking(const model::EnvelopeT& env, const model::CommandT& c) {
  XmlWriter w;
  writeWrapper(w, c.action == model::CommandAction::Cancel ? kCancelRoot : kBookRoot, env);
  writeReplyAck(w, env);
  openControlAct(w);
  w.open("subject");
  w.attr("typeCode", "SUBJ");
  w.open("appointmentRequest");
  w.attr("classCode", "ENC");
  w.attr("moodCode", "ARQ");
  if (!c.idempotency_key.empty() || !c.appointment_id.empty() || !c.hold_id.empty()) {
    w.open("id");
    writeItem(w, kIdempotencyRoot, c.idempotency_key);
    writeItem(w, kAppointmentRoot, c.appointment_id);
    writeItem(w, kHoldRoot, c.hold_id);
    w.close();
  }
  if (!c.reason.empty()) {
    w.open("reasonCode");
    w.leaf("originalText", "value", c.reason);
    w.close();
  }
  if (c.family_doctor) w.leaf("familyDoctorInd", "value", "true");
  writePatient(w, c.patient.get());
  writeAuthor(w, c.requester.get());
  writeSlotRef(w, c.slot_id);
  return w.finish();
}

Status decodeBooked(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node act, require(root, "controlActProcess/subject/appointment"));
  model::AppointmentT a;
  readMetroIds(child(act, "id"), a.id, &a.identifiers);
  pugi::xml_node status = child(act, "statusCode");
  const std::string_view code = attr(status, "code");
  bool known = false;
  for (size_t i = 0; i < std::size(kStatusNames); ++i) {
    if (code == kStatusNames[i]) {
      a.status = static_cast<model::AppointmentStatus>(i);
      known = true;
    }
  }
  if (!known) return xmlError(status, "/@code", "unknown appointment status");
  pugi::xml_node time = child(act, "effectiveTime");
  if (pugi::xml_node low = child(time, "low")) {
    ASSIGN_OR_RETURN(a.start, readTs(low));
  }
  if (pugi::xml_node high = child(time, "high")) {
    ASSIGN_OR_RETURN(a.end, readTs(high));
  }
  if (pugi::xml_node created = child(act, "availabilityTime")) {
    ASSIGN_OR_RETURN(a.created, readTs(created));
  }
  a.description = attr(child(act, "text"), "value");
  RETURN_IF_ERROR(readPatient(act, a.patient));
  a.booked_by = readEntityRef(descend(act, "author/assignedEntity"), "Practitioner");
  for (pugi::xml_node comp : children(act, "component")) {
    std::string slot_id;
    readMetroIds(descend(comp, "actSlot/id"), slot_id, nullptr);
    if (slot_id.empty()) continue;
    auto ref = std::make_unique<model::ReferenceT>();
    ref->kind = "Slot";
    ref->id = slot_id;
    a.slots.push_back(std::move(ref));
  }
  env.body.Set(std::move(a));
  return Status::ok();
}

std::string encodeBooked(const model::EnvelopeT& env, const model::AppointmentT& a) {
  XmlWriter w;
  writeWrapper(w, kBookedRoot, env);
  writeReplyAck(w, env);
  openControlAct(w);
  w.open("subject");
  w.attr("typeCode", "SUBJ");
  w.open("appointment");
  w.attr("classCode", "ENC");
  w.attr("moodCode", "APT");
  writeMetroIds(w, a.id, &a.identifiers);
  const auto status = static_cast<size_t>(a.status);
  w.leaf("statusCode", "code", status < std::size(kStatusNames) ? kStatusNames[status] : "proposed");
  if (!a.start.empty() || !a.end.empty()) {
    w.open("effectiveTime");
    writeTs(w, "low", a.start);
    writeTs(w, "high", a.end);
    w.close();
  }
  writeTs(w, "availabilityTime", a.created);
  w.leaf("text", "value", a.description);
  writePatient(w, a.patient.get());
  writeAuthor(w, a.booked_by.get());
  for (const auto& s : a.slots) {
    if (s) writeSlotRef(w, s->id);
  }
  return w.finish();
}

}  // namespace metrogw::adapters::hl7v3
