// SIU / SRR (SCH, TQ1, NTE, PID, RGS, AIS, AIG, AIL, AIP) <-> Appointment; SQR^S25 <-> Slot;
// SRM^S01/S04 (ARQ, PID) <-> Command; SQM^S25 (QRD, ARQ, AIS, AIL, AIP) <-> Query{Slots}.
#include <cmath>
#include <cstdlib>
#include <limits>

#include "adapters/hl7v2/internal/messages.h"
#include "adapters/hl7v2/internal/types.h"

namespace metrogw::adapters::hl7v2::internal {
namespace {

using model::AppointmentStatus;
using model::ParticipationStatus;

struct StatusName {
  std::string_view name;  // SCH-25 (HL7 table 0278 plus local Proposed/CheckedIn)
  AppointmentStatus status;
};
constexpr StatusName kAppointmentStatuses[] = {
    {"Proposed", AppointmentStatus::Proposed},   {"Pending", AppointmentStatus::Pending},
    {"Booked", AppointmentStatus::Booked},       {"Started", AppointmentStatus::Arrived},
    {"Complete", AppointmentStatus::Fulfilled},  {"Cancelled", AppointmentStatus::Cancelled},
    {"Noshow", AppointmentStatus::Noshow},       {"Deleted", AppointmentStatus::EnteredInError},
    {"CheckedIn", AppointmentStatus::CheckedIn}, {"Waitlist", AppointmentStatus::Waitlist},
    {"Canceled", AppointmentStatus::Cancelled},  {"DC", AppointmentStatus::Cancelled},
    {"Overbook", AppointmentStatus::Booked},     {"Arrived", AppointmentStatus::Arrived},
};

struct SlotStatusName {
  std::string_view name;
  model::SlotStatus status;
};
constexpr SlotStatusName kSlotStatuses[] = {
    {"Free", model::SlotStatus::Free},
    {"Booked", model::SlotStatus::Busy},
    {"Blocked", model::SlotStatus::BusyUnavailable},
    {"Pending", model::SlotStatus::BusyTentative},
    {"Deleted", model::SlotStatus::EnteredInError},
};

constexpr std::string_view kFamilyDoctor = "FAMILYDOCTOR";  // ARQ-7 appointment reason marking a referral

[[nodiscard]] ParticipationStatus readParticipation(std::string_view s) {
  const std::string l = lower(s);
  if (l.empty()) return ParticipationStatus::NeedsAction;
  if (l == "cancelled" || l == "canceled" || l == "deleted" || l == "dc")
    return ParticipationStatus::Declined;
  if (l == "pending" || l == "waitlist") return ParticipationStatus::Tentative;
  return ParticipationStatus::Accepted;
}

[[nodiscard]] std::string_view writeParticipation(ParticipationStatus s) {
  switch (s) {
    case ParticipationStatus::Accepted: return "Booked";
    case ParticipationStatus::Declined: return "Cancelled";
    case ParticipationStatus::Tentative: return "Pending";
    case ParticipationStatus::NeedsAction: return "";
  }
  return "";
}

// NM duration + CE units -> minutes.
[[nodiscard]] Status readMinutes(const Segment& seg, int f, int units_f, uint32_t& out) {
  const std::string v = seg.str(f);
  if (v.empty()) return Status::ok();
  char* end = nullptr;
  const double n = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end != '\0' || std::isnan(n) || n < 0 || n > 1e7) {
    return Status::malformedMessage(seg.position(f) + ": duration is not a number");
  }
  const std::string unit = lower(seg.str(units_f, 1));
  double minutes = n;
  if (unit == "s" || unit == "sec" || unit == "seconds") minutes = n / 60;
  if (unit == "h" || unit == "hr" || unit == "hours") minutes = n * 60;
  if (unit == "d" || unit == "days") minutes = n * 1440;
  if (minutes > static_cast<double>(std::numeric_limits<uint32_t>::max())) {
    return Status::malformedMessage(seg.position(f) + ": duration out of range");
  }
  out = static_cast<uint32_t>(std::lround(minutes));
  return Status::ok();
}

// AIL-3 (PL): point of care^room^bed^facility^^person location type^^^description. Nothing when
// neither an id nor a name is there (writePl would write nothing back).
[[nodiscard]] std::unique_ptr<model::ReferenceT> readPl(Element pl) {
  auto ref = std::make_unique<model::ReferenceT>();
  ref->id = pl.comp(1).str();
  ref->display = pl.comp(9).empty() ? pl.comp(2).str() : pl.comp(9).str();
  if (pl.comp(6).str() == "D") {
    ref->kind = "Department";
  } else if (ref->id.empty() && !pl.comp(4).sub(1).empty()) {
    ref->kind = "Organization";
    ref->id = pl.comp(4).sub(1).str();
  } else {
    ref->kind = "Location";
  }
  if (ref->id.empty() && ref->display.empty()) return nullptr;
  return ref;
}

void writePl(SegmentBuilder& b, int f, const model::ReferenceT& ref) {
  if (ref.kind == "Organization") {
    b.set(f, 4, 1, ref.id);
  } else {
    b.set(f, 1, ref.id);
    if (ref.kind == "Department") b.set(f, 6, "D");
  }
  b.set(f, 9, ref.display);
}

void addParticipant(model::AppointmentT& a, std::unique_ptr<model::ReferenceT> actor,
                    std::unique_ptr<model::CodeableConceptT> role, std::string_view status) {
  if (!actor) return;
  auto p = std::make_unique<model::ParticipantT>();
  p->actor = std::move(actor);
  p->role = std::move(role);
  p->status = readParticipation(status);
  a.participants.push_back(std::move(p));
}

[[nodiscard]] Status readSch(const Segment& sch, std::string_view trigger, model::AppointmentT& a) {
  if (auto placer = readEi(sch.field(1), "PLAC")) a.identifiers.push_back(std::move(placer));
  a.id = sch.str(2, 1);
  if (auto reason = readConcept(sch.field(7))) a.reason.push_back(std::move(reason));
  a.appointment_type = readConcept(sch.field(8));
  RETURN_IF_ERROR(readMinutes(sch, 9, 10, a.minutes_duration));
  RETURN_IF_ERROR(readTime(sch, 11, 4, 0, a.start));
  RETURN_IF_ERROR(readTime(sch, 11, 5, 0, a.end));
  a.booked_by = readXcn(sch.field(20).rep(0), "Practitioner");
  const std::string status = sch.str(25, 1);
  a.status = trigger == "S15" ? AppointmentStatus::Cancelled : AppointmentStatus::Booked;
  for (const StatusName& s : kAppointmentStatuses) {
    if (trigger != "S15" && lower(s.name) == lower(status)) a.status = s.status;
  }
  if (a.status == AppointmentStatus::Cancelled) a.cancelation_reason = readConcept(sch.field(6));
  return Status::ok();
}

[[nodiscard]] Status readResource(const Segment& seg, model::AppointmentT& a) {
  const std::string_view name = seg.name();
  if (name == "AIS") {
    if (auto service = readConcept(seg.field(3))) a.service_type.push_back(std::move(service));
    if (a.start.empty()) RETURN_IF_ERROR(readTime(seg, 4, 0, 0, a.start));
    if (a.minutes_duration == 0) RETURN_IF_ERROR(readMinutes(seg, 7, 8, a.minutes_duration));
  } else if (name == "AIG") {
    auto actor = std::make_unique<model::ReferenceT>();
    actor->kind = "Device";
    actor->id = seg.str(3, 1);
    actor->display = seg.str(3, 2);
    addParticipant(a, std::move(actor), readConcept(seg.field(4)), seg.str(14, 1));
  } else if (name == "AIL") {
    addParticipant(a, readPl(seg.field(3).rep(0)), readConcept(seg.field(4)), seg.str(12, 1));
  } else if (name == "AIP") {
    addParticipant(a, readXcn(seg.field(3).rep(0), "Practitioner"), readConcept(seg.field(4)),
                   seg.str(12, 1));
  }
  return Status::ok();
}

void writeParticipant(MessageBuilder& mb, const model::ParticipantT& p, int set_id) {
  const model::ReferenceT& actor = *p.actor;
  const std::string id = std::to_string(set_id);
  if (actor.kind == "Practitioner") {
    SegmentBuilder& b = mb.add("AIP");
    b.set(1, id);
    writeXcn(b, 3, 0, &actor);
    writeConcept(b, 4, 0, p.role.get());
    b.set(12, writeParticipation(p.status));
  } else if (actor.kind == "Location" || actor.kind == "Department" || actor.kind == "Organization") {
    SegmentBuilder& b = mb.add("AIL");
    b.set(1, id);
    writePl(b, 3, actor);
    writeConcept(b, 4, 0, p.role.get());
    b.set(12, writeParticipation(p.status));
  } else {
    SegmentBuilder& b = mb.add("AIG");
    b.set(1, id).set(3, 1, actor.id).set(3, 2, actor.display);
    writeConcept(b, 4, 0, p.role.get());
    b.set(14, writeParticipation(p.status));
  }
}

[[nodiscard]] std::string readDepartmentCode(const std::string& code) {
  const CodeTarget* metro =
      builtinMap(Table::kDepartments).lookup(kWuhuDepartmentSystem, code, kDepartmentSystem);
  return metro != nullptr ? metro->code : code;
}

[[nodiscard]] std::string writeDepartmentCode(const std::string& code) {
  const CodeTarget* wuhu =
      builtinMap(Table::kDepartments).reverse(kDepartmentSystem, code, kWuhuDepartmentSystem);
  return wuhu != nullptr ? wuhu->code : code;
}

// A department concept as a Wuhu code: the Wuhu coding when the concept has one, else the code as is.
[[nodiscard]] std::string departmentCodeOf(const model::CodeableConceptT& c) {
  if (c.coding && c.coding->system == kWuhuDepartmentSystem) return c.coding->code;
  for (const auto& alt : c.alt) {
    if (alt && alt->system == kWuhuDepartmentSystem) return alt->code;
  }
  if (c.coding && c.coding->system == kDepartmentSystem) return writeDepartmentCode(c.coding->code);
  return c.coding ? c.coding->code : std::string();
}

}  // namespace

Status readAppointment(const Message& msg, size_t sch, std::string_view trigger, model::AppointmentT& out) {
  const auto& segs = msg.segments();
  RETURN_IF_ERROR(readSch(segs[sch], trigger, out));
  bool start_from_tq1 = false;
  for (size_t i = sch + 1; i < segs.size() && segs[i].name() != "SCH"; ++i) {
    const Segment& seg = segs[i];
    if (seg.name() == "TQ1" && !start_from_tq1) {
      start_from_tq1 = true;
      if (!seg.field(7).empty()) RETURN_IF_ERROR(readTime(seg, 7, 0, 0, out.start));
      if (!seg.field(8).empty()) RETURN_IF_ERROR(readTime(seg, 8, 0, 0, out.end));
    } else if (seg.name() == "NTE" && (segs[i - 1].name() == "SCH" || segs[i - 1].name() == "TQ1")) {
      out.comment = readNotes(msg, i - 1);
    } else if (seg.name() == "PID" && !out.patient) {
      out.patient = std::make_unique<model::PatientT>();
      RETURN_IF_ERROR(readPid(seg, *out.patient));
    } else {
      RETURN_IF_ERROR(readResource(seg, out));
    }
  }
  return Status::ok();
}

void writeAppointment(MessageBuilder& mb, const model::AppointmentT& a) {
  SegmentBuilder& sch = mb.add("SCH");
  for (const auto& id : a.identifiers) {
    if (id && id->type == "PLAC") {
      writeEi(sch, 1, id.get());
      break;
    }
  }
  sch.set(2, 1, a.id);
  if (a.status == AppointmentStatus::Cancelled) writeConcept(sch, 6, 0, a.cancelation_reason.get());
  if (!a.reason.empty()) writeConcept(sch, 7, 0, a.reason.front().get());
  writeConcept(sch, 8, 0, a.appointment_type.get());
  if (a.minutes_duration > 0) sch.set(9, std::to_string(a.minutes_duration)).set(10, 1, "min");
  writeXcn(sch, 20, 0, a.booked_by.get());
  for (const StatusName& s : kAppointmentStatuses) {
    if (s.status == a.status) {
      sch.set(25, 1, s.name);
      break;
    }
  }
  mb.add("TQ1").set(1, "1").set(7, isoToHl7Time(a.start)).set(8, isoToHl7Time(a.end));
  writeNotes(mb, a.comment);
  if (a.patient) writePid(mb, *a.patient, 1);
  mb.add("RGS").set(1, "1");
  int n = 0;
  for (const auto& service : a.service_type) {  // readResource reads every AIS
    if (!service) continue;
    SegmentBuilder& ais = mb.add("AIS");
    ais.set(1, std::to_string(++n));
    writeConcept(ais, 3, 0, service.get());
  }
  n = 0;
  for (const auto& p : a.participants) {
    if (p && p->actor) writeParticipant(mb, *p, ++n);
  }
}

Status readSlots(const Message& msg, std::vector<std::unique_ptr<model::SlotT>>& out) {
  const auto& segs = msg.segments();
  model::SlotT* slot = nullptr;
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& seg = segs[i];
    const std::string_view name = seg.name();
    if (name == "SCH") {
      out.push_back(std::make_unique<model::SlotT>());
      slot = out.back().get();
      slot->id = seg.str(2, 1);
      if (!seg.field(5).empty()) {
        slot->schedule = std::make_unique<model::ReferenceT>();
        slot->schedule->kind = "Schedule";
        slot->schedule->id = seg.str(5, 1);
        slot->schedule->display = seg.str(5, 2);
      }
      const std::string status = seg.str(25, 1);
      for (const SlotStatusName& s : kSlotStatuses) {
        if (lower(s.name) == lower(status)) slot->status = s.status;
      }
      slot->comment = readNotes(msg, i);
      continue;
    }
    if (slot == nullptr) continue;
    if (name == "TQ1") {
      RETURN_IF_ERROR(readTime(seg, 7, 0, 0, slot->start));
      RETURN_IF_ERROR(readTime(seg, 8, 0, 0, slot->end));
      if (slot->comment.empty()) slot->comment = readNotes(msg, i);
    } else if (name == "AIS") {
      if (auto service = readConcept(seg.field(3))) slot->service_type.push_back(std::move(service));
    } else if (name == "AIL") {
      const Element pl = seg.field(3).rep(0);
      if (!pl.comp(1).empty()) {
        slot->department = std::make_unique<model::ReferenceT>();
        slot->department->kind = "Department";
        slot->department->id = pl.comp(1).str();
        slot->department->display = pl.comp(9).str();
        auto specialty = std::make_unique<model::CodeableConceptT>();
        mapInto(Table::kDepartments, kWuhuDepartmentSystem, slot->department->id, slot->department->display,
                *specialty);
        slot->specialty.push_back(std::move(specialty));
      }
      if (!pl.comp(4).empty()) {
        slot->organization = std::make_unique<model::ReferenceT>();
        slot->organization->kind = "Organization";
        slot->organization->id = pl.comp(4).sub(1).str();
      }
    } else if (name == "AIP") {
      slot->practitioner = readXcn(seg.field(3).rep(0), "Practitioner");
    } else if (name == "ZSL") {
      const std::string fields[] = {seg.str(2), seg.str(3), seg.str(4)};
      uint16_t* targets[] = {&slot->capacity, &slot->booked, &slot->reserved_family_doctor};
      for (int k = 0; k < 3; ++k) {
        if (fields[k].empty()) continue;
        char* end = nullptr;
        const long v = std::strtol(fields[k].c_str(), &end, 10);
        if (*end != '\0' || v < 0 || v > 65535)
          return Status::malformedMessage(seg.position(k + 2) + ": not a count");
        *targets[k] = static_cast<uint16_t>(v);
      }
      slot->overbooked = seg.str(5) == "Y";
    }
  }
  return Status::ok();
}

void writeSlot(MessageBuilder& mb, const model::SlotT& s, int set_id) {
  SegmentBuilder& sch = mb.add("SCH");
  sch.set(2, 1, s.id);
  if (s.schedule) sch.set(5, 1, s.schedule->id).set(5, 2, s.schedule->display);
  for (const SlotStatusName& st : kSlotStatuses) {
    if (st.status == s.status) {
      sch.set(25, 1, st.name);
      break;
    }
  }
  writeNotes(mb, s.comment);
  mb.add("TQ1").set(1, "1").set(7, isoToHl7Time(s.start)).set(8, isoToHl7Time(s.end));
  mb.add("RGS").set(1, std::to_string(set_id));
  if (!s.service_type.empty()) {
    SegmentBuilder& ais = mb.add("AIS");
    ais.set(1, "1");
    writeConcept(ais, 3, 0, s.service_type.front().get());
  }
  std::string dept = s.department ? s.department->id : std::string();
  if (!s.specialty.empty() && s.specialty.front()) dept = departmentCodeOf(*s.specialty.front());
  if (!dept.empty() || s.organization) {
    SegmentBuilder& ail = mb.add("AIL");
    ail.set(1, "1").set(3, 1, dept).set(3, 6, dept.empty() ? "" : "D");
    if (s.department) ail.set(3, 9, s.department->display);
    if (s.organization) ail.set(3, 4, 1, s.organization->id);
  }
  if (s.practitioner) {
    SegmentBuilder& aip = mb.add("AIP");
    aip.set(1, "1");
    writeXcn(aip, 3, 0, s.practitioner.get());
  }
  mb.add("ZSL")
      .set(1, "1")
      .set(2, std::to_string(s.capacity))
      .set(3, std::to_string(s.booked))
      .set(4, std::to_string(s.reserved_family_doctor))
      .set(5, s.overbooked ? "Y" : "N");
}

Status readCommand(const Message& msg, model::CommandAction action, model::CommandT& out) {
  out.action = action;
  const Segment* arq = msg.find("ARQ");
  if (arq == nullptr) return Status::malformedMessage("ARQ[1]: segment missing");
  out.idempotency_key = arq->str(1, 1);
  out.appointment_id = arq->str(2, 1);
  out.hold_id = arq->str(4, 1);
  out.slot_id = arq->str(5, 1);
  out.reason = arq->get(6, 2).empty() ? arq->str(6, 1) : arq->str(6, 2);
  out.family_doctor = arq->str(7, 1) == kFamilyDoctor;
  out.requester = readXcn(arq->field(15).rep(0), "Practitioner");
  if (const Segment* pid = msg.find("PID")) {
    out.patient = std::make_unique<model::PatientT>();
    RETURN_IF_ERROR(readPid(*pid, *out.patient));
  }
  return Status::ok();
}

void writeCommand(MessageBuilder& mb, const model::CommandT& c) {
  SegmentBuilder& arq = mb.add("ARQ");
  arq.set(1, 1, c.idempotency_key).set(2, 1, c.appointment_id).set(4, 1, c.hold_id).set(5, 1, c.slot_id);
  arq.set(6, 2, c.reason);
  if (c.family_doctor) arq.set(7, 1, kFamilyDoctor).set(7, 2, "Family doctor referral");
  writeXcn(arq, 15, 0, c.requester.get());
  if (c.patient) writePid(mb, *c.patient, 1);
}

Status readSlotQuery(const Message& msg, model::QueryT& out) {
  out.kind = model::QueryKind::Slots;
  if (const Segment* qrd = msg.find("QRD")) {
    if (const std::string limit = qrd->str(7, 1); !limit.empty()) {
      char* end = nullptr;
      const long v = std::strtol(limit.c_str(), &end, 10);
      if (*end != '\0' || v <= 0 || v > 65535)
        return Status::malformedMessage(qrd->position(7, 1) + ": bad quantity");
      out.limit = static_cast<uint16_t>(v);
    }
  }
  if (const Segment* arq = msg.find("ARQ")) {
    RETURN_IF_ERROR(readTime(*arq, 11, 1, 0, out.from));
    RETURN_IF_ERROR(readTime(*arq, 11, 2, 0, out.to));
    out.family_doctor = arq->str(7, 1) == kFamilyDoctor;
  }
  if (const Segment* ais = msg.find("AIS")) out.service_code = ais->str(3, 1);
  if (const Segment* ail = msg.find("AIL")) {
    out.department_code = readDepartmentCode(ail->str(3, 1));
    out.organization_id = ail->str(3, 4, 1);
  }
  if (const Segment* aip = msg.find("AIP")) out.practitioner_id = aip->str(3, 1);
  if (const Segment* dsc = msg.find("DSC")) out.page_token = dsc->str(1);
  return Status::ok();
}

void writeSlotQuery(MessageBuilder& mb, const model::QueryT& q, std::string_view query_id) {
  mb.add("QRD")
      .set(2, "R")
      .set(3, "I")
      .set(4, query_id)
      .set(7, 1, std::to_string(q.limit))
      .set(7, 2, "RD")
      .set(9, "APN");
  SegmentBuilder& arq = mb.add("ARQ");
  arq.set(11, 1, isoToHl7Time(q.from)).set(11, 2, isoToHl7Time(q.to));
  if (q.family_doctor) arq.set(7, 1, kFamilyDoctor).set(7, 2, "Family doctor referral");
  mb.add("RGS").set(1, "1");
  if (!q.service_code.empty()) mb.add("AIS").set(1, "1").set(3, 1, q.service_code);
  if (!q.department_code.empty() || !q.organization_id.empty()) {
    const std::string dept = writeDepartmentCode(q.department_code);
    mb.add("AIL")
        .set(1, "1")
        .set(3, 1, dept)
        .set(3, 4, 1, q.organization_id)
        .set(3, 6, dept.empty() ? "" : "D");
  }
  if (!q.practitioner_id.empty()) mb.add("AIP").set(1, "1").set(3, 1, q.practitioner_id);
  if (!q.page_token.empty()) mb.add("DSC").set(1, q.page_token).set(2, "I");
}

}  // namespace metrogw::adapters::hl7v2::internal
