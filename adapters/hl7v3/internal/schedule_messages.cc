// Schedule / slot (排班 / 号源) interactions, in the v3 style of WS/T 790 (PRSC = scheduling).
//
// PRSC_IN010201UV01 号源查询 -> Query{kind Slots}:
//   <controlActProcess><queryByParameter><queryId/><statusCode code="new"/><initialQuantity value="{limit}"/>
//     <parameterList>
//       <organizationId><value extension="{organization_id}"/></organizationId>
//       <departmentCode><value code="{department_code}"/></departmentCode>
//       <serviceCode><value code="{service_code}"/></serviceCode>
//       <practitionerId><value extension="{practitioner_id}"/></practitionerId>
//       <scheduleTime><value><low value="{from}"/><high value="{to}"/></value></scheduleTime>
//       <cityCode><value code="{city}"/></cityCode>...           (GB/T 2260 prefixes)
//       <familyDoctorInd><value value="true"/></familyDoctorInd>  (caller is a contracted family doctor)
//       <purposeCode><value code="{purpose}"/></purposeCode>
// PRSC_IN010202UV01 号源查询应答 -> SearchResult{slots}: acknowledgement AA, then per slot
//   <subject typeCode="SUBJ"><actSlot classCode="ACT" moodCode="SLOT">
//     <id><item root="urn:metrogw:id" extension="{id}"/><item root=".." extension=".."/></id>
//     <code code=".." codeSystem=".."><displayName value=".."/></code>...      service_type
//     <statusCode code="free|busy|busy-unavailable|busy-tentative|entered-in-error"/>
//     <effectiveTime><low value="{start}"/><high value="{end}"/></effectiveTime>
//     <capacityQuantity value=".."/><bookedQuantity value=".."/><reservedQuantity value=".."/> (family-doctor
//     share) <overbookedInd value="true"/>  <text value="{comment}"/> <performer><id><item/></id><name
//     xsi:type="LIST_EN">..</name></performer>     practitioner <department>..same..</department>
//     <organization>..same..</organization>  <schedule>..same..</schedule>
//   </actSlot></subject> ... <queryAck/>
#include <memory>
#include <utility>

#include "adapters/hl7v3/internal/datatypes.h"
#include "adapters/hl7v3/internal/messages.h"
#include "adapters/hl7v3/internal/params.h"
#include "adapters/hl7v3/internal/patient.h"
#include "adapters/hl7v3/internal/wrapper.h"
#include "adapters/mapping.h"

namespace metrogw::adapters::hl7v3 {
namespace {

constexpr std::pair<std::string_view, model::SlotStatus> kSlotStatus[] = {
    {"free", model::SlotStatus::Free},
    {"busy", model::SlotStatus::Busy},
    {"busy-unavailable", model::SlotStatus::BusyUnavailable},
    {"busy-tentative", model::SlotStatus::BusyTentative},
    {"entered-in-error", model::SlotStatus::EnteredInError},
};

Status readSlotCounts(pugi::xml_node slot, model::SlotT& s) {
  if (pugi::xml_node n = child(slot, "capacityQuantity")) {
    ASSIGN_OR_RETURN(s.capacity, readCount(n));
  }
  if (pugi::xml_node n = child(slot, "bookedQuantity")) {
    ASSIGN_OR_RETURN(s.booked, readCount(n));
  }
  if (pugi::xml_node n = child(slot, "reservedQuantity")) {
    ASSIGN_OR_RETURN(s.reserved_family_doctor, readCount(n));
  }
  return Status::ok();
}

StatusOr<model::SlotT> readSlot(pugi::xml_node slot) {
  model::SlotT s;
  readMetroIds(child(slot, "id"), s.id, &s.identifiers);
  for (pugi::xml_node code : children(slot, "code")) {
    auto c = std::make_unique<model::CodeableConceptT>();
    model::CodingT coding = readCd(code);
    mapInto(Table::kDepartments, coding.system, coding.code, coding.display, *c);
    s.service_type.push_back(std::move(c));
  }
  pugi::xml_node status = child(slot, "statusCode");
  const std::string_view code = attr(status, "code");
  bool known = code.empty();
  for (const auto& [name, value] : kSlotStatus) {
    if (code == name) {
      s.status = value;
      known = true;
    }
  }
  if (!known) return xmlError(status, "/@code", "unknown slot status");
  RETURN_IF_ERROR(readPeriod(child(slot, "effectiveTime"), s.start, s.end));
  RETURN_IF_ERROR(readSlotCounts(slot, s));
  s.overbooked = attr(child(slot, "overbookedInd"), "value") == "true";
  s.comment = attr(child(slot, "text"), "value");
  s.practitioner = readEntityRef(child(slot, "performer"), "Practitioner");
  s.department = readEntityRef(child(slot, "department"), "Department");
  s.organization = readEntityRef(child(slot, "organization"), "Organization");
  s.schedule = readEntityRef(child(slot, "schedule"), "Schedule");
  return s;
}

void writeSlot(XmlWriter& w, const model::SlotT& s) {
  w.open("subject");
  w.attr("typeCode", "SUBJ");
  w.open("actSlot");
  w.attr("classCode", "ACT");
  w.attr("moodCode", "SLOT");
  writeMetroIds(w, s.id, &s.identifiers);
  for (const auto& c : s.service_type) {
    if (c && c->coding) writeCd(w, "code", *c->coding, Style::kMessage);
  }
  for (const auto& [name, value] : kSlotStatus) {
    if (s.status == value) w.leaf("statusCode", "code", name);
  }
  writePeriod(w, "effectiveTime", s.start, s.end);
  writeCount(w, "capacityQuantity", s.capacity);
  writeCount(w, "bookedQuantity", s.booked);
  writeCount(w, "reservedQuantity", s.reserved_family_doctor);
  if (s.overbooked) w.leaf("overbookedInd", "value", "true");
  w.leaf("text", "value", s.comment);
  writeEntityRef(w, "performer", s.practitioner.get(), Style::kMessage);
  writeEntityRef(w, "department", s.department.get(), Style::kMessage);
  writeEntityRef(w, "organization", s.organization.get(), Style::kMessage);
  writeEntityRef(w, "schedule", s.schedule.get(), Style::kMessage);
  w.close();
  w.close();
}

}  // namespace

Status decodeSlotQuery(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node query, require(root, "controlActProcess/queryByParameter"));
  model::QueryT q;
  q.kind = model::QueryKind::Slots;
  RETURN_IF_ERROR(readQueryControl(query, q.limit, q.page_token));
  pugi::xml_node params = child(query, "parameterList");
  q.organization_id = paramValue(params, "organizationId", "extension");
  q.department_code = paramValue(params, "departmentCode", "code");
  q.service_code = paramValue(params, "serviceCode", "code");
  q.practitioner_id = paramValue(params, "practitionerId", "extension");
  q.purpose = paramValue(params, "purposeCode", "code");
  q.family_doctor = paramValue(params, "familyDoctorInd", "value") == "true";
  RETURN_IF_ERROR(readPeriod(descend(params, "scheduleTime/value"), q.from, q.to));
  for (pugi::xml_node city : children(params, "cityCode")) {
    const std::string_view code = attr(child(city, "value"), "code");
    if (!code.empty()) q.cities.emplace_back(code);
  }
  env.body.Set(std::move(q));
  return Status::ok();
}

std::string encodeSlotQuery(const model::EnvelopeT& env, const model::QueryT& q) {
  XmlWriter w;
  writeWrapper(w, kSlotQueryRoot, env);
  writeReplyAck(w, env);
  openQuery(w, env, q.limit, q.page_token);
  writeParam(w, "organizationId", "extension", q.organization_id, "医疗机构");
  writeParam(w, "departmentCode", "code", q.department_code, "科室");
  writeParam(w, "serviceCode", "code", q.service_code, "号别");
  writeParam(w, "practitionerId", "extension", q.practitioner_id, "医生");
  if (!q.from.empty() || !q.to.empty()) {
    w.open("scheduleTime");
    writePeriod(w, "value", q.from, q.to);
    w.leaf("semanticsText", "value", "排班时间");
    w.close();
  }
  for (const std::string& city : q.cities) writeParam(w, "cityCode", "code", city, "城市");
  if (q.family_doctor) writeParam(w, "familyDoctorInd", "value", "true", "家庭医生");
  writeParam(w, "purposeCode", "code", q.purpose, "用途");
  return w.finish();
}

Status decodeSlotResponse(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node act, require(root, "controlActProcess"));
  model::SearchResultT r;
  for (pugi::xml_node subject : children(act, "subject")) {
    ASSIGN_OR_RETURN(pugi::xml_node slot, require(subject, "actSlot"));
    ASSIGN_OR_RETURN(model::SlotT s, readSlot(slot));
    r.slots.push_back(std::make_unique<model::SlotT>(std::move(s)));
  }
  readQueryAck(act, r);
  env.body.Set(std::move(r));
  return Status::ok();
}

std::string encodeSlotResponse(const model::EnvelopeT& env, const model::SearchResultT& r) {
  XmlWriter w;
  writeWrapper(w, kSlotResponseRoot, env);
  writeReplyAck(w, env);
  openControlAct(w);
  for (const auto& s : r.slots) writeSlot(w, *s);
  writeQueryAck(w, r, r.slots.size());
  return w.finish();
}

}  // namespace metrogw::adapters::hl7v3
