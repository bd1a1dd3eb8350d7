// QBP^Q22 / RSP^K22 (IHE PDQ), QBP^Z01 / RSP^Z02 (lab reports of a patient), MFQ^M05 / MFR^M05
// (hospital directory from LOC), QAK and DSC.
//
// MFR^M05 directory fields: LOC-1 PL.4 facility = Organization.id, LOC-2 = name, LOC-4 XON
// repetitions = identifiers (XON.10 id, XON.6 assigning authority, XON.7 type), LOC-5 = address,
// LOC-6 = telecom, and LCH characteristics (LCH-4 id, LCH-5 value) with local ids:
//   CITY  value = GB/T 2260 city prefix ("3402")
//   GRADE value = grade digit 1..3 ^ grade class as given (甲/乙/丙), e.g. "3^甲"
//   TYPE  value = organisation type code^display^system
#include <algorithm>
#include <cstdlib>
#include <functional>

#include "adapters/hl7v2/internal/messages.h"
#include "adapters/hl7v2/internal/types.h"

namespace metrogw::adapters::hl7v2::internal {
namespace {

constexpr std::string_view kPdqQueryName = "IHE PDQ Query";
constexpr std::string_view kLabQueryName = "Z01";
constexpr std::string_view kCharacteristicSystem = "urn:metrogw:codes:location-characteristic";

[[nodiscard]] Status readLimit(const Segment& seg, int f, uint16_t& out) {
  const std::string limit = seg.str(f, 1);
  if (limit.empty()) return Status::ok();
  char* end = nullptr;
  const long v = std::strtol(limit.c_str(), &end, 10);
  if (*end != '\0' || v <= 0 || v > 65535)
    return Status::malformedMessage(seg.position(f, 1) + ": bad quantity");
  out = static_cast<uint16_t>(v);
  return Status::ok();
}

void readDsc(const Message& msg, std::string& token) {
  if (const Segment* dsc = msg.find("DSC")) token = dsc->str(1);
}

[[nodiscard]] bool nonAscii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

[[nodiscard]] model::IdentifierT& firstIdentifier(model::PatientT& p) {
  if (p.identifiers.empty()) p.identifiers.push_back(std::make_unique<model::IdentifierT>());
  return *p.identifiers.front();
}

[[nodiscard]] model::HumanNameT& nameOf(model::PatientT& p) {
  if (!p.name) p.name = std::make_unique<model::HumanNameT>();
  return *p.name;
}

// One "@PID.x.y^value" parameter of a PDQ query.
[[nodiscard]] Status readPdqParameter(const Segment& qpd, const std::string& field, const std::string& value,
                                      model::PatientT& p) {
  if (field == "@PID.3.1" || field == "@PID.3") {
    firstIdentifier(p).value = value;
  } else if (field == "@PID.3.4.1" || field == "@PID.3.4") {
    auto& id = firstIdentifier(p);
    (id.system.empty() ? id.system : id.assigner) = value;
  } else if (field == "@PID.3.4.2") {
    auto& id = firstIdentifier(p);
    if (!id.system.empty()) id.assigner = id.system;
    id.system = value;
  } else if (field == "@PID.3.5") {
    firstIdentifier(p).type = value;
  } else if (field == "@PID.5.1.1" || field == "@PID.5.1" || field == "@PID.5") {
    nameOf(p).family = value;
  } else if (field == "@PID.5.2") {
    nameOf(p).given.push_back(value);
  } else if (field == "@PID.7" || field == "@PID.7.1") {
    if (!hl7TimeToIso(value, p.birth_date))
      return Status::malformedMessage(qpd.position(3, 2) + ": invalid date/time");
  } else if (field == "@PID.8") {
    if (value == "M") p.gender = model::Gender::Male;
    if (value == "F") p.gender = model::Gender::Female;
    if (value == "O") p.gender = model::Gender::Other;
  }
  return Status::ok();
}

void writePdqParameter(SegmentBuilder& b, size_t& r, std::string_view field, std::string_view value) {
  if (value.empty()) return;
  b.setRep(3, r, 1, 0, field);
  b.setRep(3, r, 2, 0, value);
  ++r;
}

void writeQpdName(SegmentBuilder& b, std::string_view name, std::string_view tag) {
  b.set(1, 1, name).set(1, 2, name).set(2, tag);
}

[[nodiscard]] Status readLabParameters(const Segment& qpd, model::QueryT& out) {
  const Element ids = qpd.field(3);
  out.patient = std::make_unique<model::PatientT>();
  for (size_t r = 0; r < ids.repCount(); ++r) {
    if (auto id = readCx(ids.rep(r))) out.patient->identifiers.push_back(std::move(id));
  }
  RETURN_IF_ERROR(readTime(qpd, 4, 0, 0, out.from));
  RETURN_IF_ERROR(readTime(qpd, 5, 0, 0, out.to));
  out.organization_id = qpd.str(6);
  out.purpose = qpd.str(7);
  out.id = qpd.str(8);
  out.kind = out.id.empty() ? model::QueryKind::LabReports : model::QueryKind::LabReport;
  return Status::ok();
}

void readLch(const Segment& lch, model::OrganizationT& o) {
  const std::string id = lch.str(4, 1);
  if (id == "CITY") {
    o.city = lch.str(5, 1);
  } else if (id == "GRADE") {
    const std::string g = lch.str(5, 1);
    if (g == "1" || g == "2" || g == "3") o.grade = static_cast<model::HospitalGrade>(g[0] - '0');
    o.grade_class = lch.str(5, 2);
  } else if (id == "TYPE") {
    o.type = readCoding(lch.field(5));
  }
}

void writeLch(MessageBuilder& mb, const model::OrganizationT& o, std::string_view id,
              std::string_view display, const std::function<void(SegmentBuilder&)>& value) {
  SegmentBuilder& b = mb.add("LCH");
  b.set(1, 4, 1, o.id).set(4, 1, id).set(4, 2, display).set(4, 3, kCharacteristicSystem);
  value(b);
}

}  // namespace

Status readPatientQuery(const Message& msg, model::QueryT& out) {
  out.kind = model::QueryKind::Patients;
  const Segment* qpd = msg.find("QPD");
  if (qpd == nullptr) return Status::malformedMessage("QPD[1]: segment missing");
  out.patient = std::make_unique<model::PatientT>();
  const Element params = qpd->field(3);
  for (size_t r = 0; r < params.repCount(); ++r) {
    const std::string value = params.rep(r).comp(2).str();
    if (value.empty()) continue;  // an empty parameter constrains nothing (and is not written back)
    RETURN_IF_ERROR(readPdqParameter(*qpd, params.rep(r).comp(1).str(), value, *out.patient));
  }
  auto& p = *out.patient;
  if (!p.identifiers.empty() && p.identifiers[0]->system.empty() &&
      (p.identifiers[0]->type == "NNCHN" || p.identifiers[0]->type == "RI")) {
    p.identifiers[0]->system = model::kResidentIdOid;
  }
  if (p.name && p.name->given.empty() && nonAscii(p.name->family))
    p.name->text = std::move(p.name->family), p.name->family.clear();
  if (const Segment* rcp = msg.find("RCP")) RETURN_IF_ERROR(readLimit(*rcp, 2, out.limit));
  readDsc(msg, out.page_token);
  return Status::ok();
}

void writePatientQuery(MessageBuilder& mb, const model::QueryT& q, std::string_view tag) {
  SegmentBuilder& b = mb.add("QPD");
  writeQpdName(b, kPdqQueryName, tag);
  b.set(1, 3, "IHE-ITI-21");
  size_t r = 0;
  if (q.patient) {
    const model::PatientT& p = *q.patient;
    if (!p.identifiers.empty() && p.identifiers[0]) {
      const model::IdentifierT& id = *p.identifiers[0];
      writePdqParameter(b, r, "@PID.3.1", id.value);
      writePdqParameter(b, r, "@PID.3.4.1", id.assigner);
      writePdqParameter(b, r, "@PID.3.4.2", id.system);
      writePdqParameter(b, r, "@PID.3.5", id.type);
    }
    if (p.name) {
      writePdqParameter(b, r, "@PID.5.1.1", p.name->family.empty() ? p.name->text : p.name->family);
      if (!p.name->given.empty()) writePdqParameter(b, r, "@PID.5.2", p.name->given[0]);
    }
    writePdqParameter(b, r, "@PID.7", isoToHl7Time(p.birth_date));
    const char* genders[] = {"", "M", "F", "O"};
    if (static_cast<int>(p.gender) <= 3)
      writePdqParameter(b, r, "@PID.8", genders[static_cast<int>(p.gender)]);
  }
  mb.add("RCP").set(1, "I").set(2, 1, std::to_string(q.limit)).set(2, 2, "RD");
  writeDsc(mb, q.page_token);
}

Status readLabQuery(const Message& msg, model::QueryT& out) {
  const Segment* qpd = msg.find("QPD");
  if (qpd == nullptr) return Status::malformedMessage("QPD[1]: segment missing");
  RETURN_IF_ERROR(readLabParameters(*qpd, out));
  if (const Segment* rcp = msg.find("RCP")) RETURN_IF_ERROR(readLimit(*rcp, 2, out.limit));
  readDsc(msg, out.page_token);
  return Status::ok();
}

void writeLabQuery(MessageBuilder& mb, const model::QueryT& q, std::string_view tag) {
  SegmentBuilder& b = mb.add("QPD");
  b.set(1, 1, kLabQueryName).set(1, 2, "Lab reports").set(1, 3, "urn:metrogw").set(2, tag);
  if (q.patient) {
    size_t r = 0;
    for (const auto& id : q.patient->identifiers) {
      if (id) writeCx(b, 3, r++, *id);
    }
  }
  b.set(4, isoToHl7Time(q.from))
      .set(5, isoToHl7Time(q.to))
      .set(6, q.organization_id)
      .set(7, q.purpose)
      .set(8, q.id);
  mb.add("RCP").set(1, "I").set(2, 1, std::to_string(q.limit)).set(2, 2, "RD");
  writeDsc(mb, q.page_token);
}

Status readOrganizationQuery(const Message& msg, model::QueryT& out) {
  out.kind = model::QueryKind::Organizations;
  if (const Segment* qrd = msg.find("QRD")) {
    RETURN_IF_ERROR(readLimit(*qrd, 7, out.limit));
    out.organization_id = qrd->str(8, 1);
  }
  if (const Segment* qrf = msg.find("QRF")) {
    const Element cities = qrf->field(1);
    for (size_t r = 0; r < cities.repCount(); ++r) {
      if (std::string c = cities.rep(r).str(); !c.empty()) out.cities.push_back(std::move(c));
    }
    out.text = qrf->str(5);
  }
  readDsc(msg, out.page_token);
  return Status::ok();
}

void writeOrganizationQuery(MessageBuilder& mb, const model::QueryT& q, std::string_view query_id) {
  mb.add("QRD")
      .set(2, "R")
      .set(3, "I")
      .set(4, query_id)
      .set(7, 1, std::to_string(q.limit))
      .set(7, 2, "RD")
      .set(8, 1, q.organization_id)
      .set(9, "LOC");
  SegmentBuilder& qrf = mb.add("QRF");
  for (size_t r = 0; r < q.cities.size(); ++r) qrf.setRep(1, r, 0, 0, q.cities[r]);
  qrf.set(5, q.text);
  writeDsc(mb, q.page_token);
}

Status readOrganizations(const Message& msg, std::vector<std::unique_ptr<model::OrganizationT>>& out) {
  model::OrganizationT* org = nullptr;
  for (const Segment& seg : msg.segments()) {
    if (seg.name() == "LOC") {
      out.push_back(std::make_unique<model::OrganizationT>());
      org = out.back().get();
      org->id = seg.str(1, 4, 1);
      org->name = seg.str(2);
      const Element xons = seg.field(4);
      for (size_t r = 0; r < xons.repCount(); ++r) {
        const Element xon = xons.rep(r);
        if (org->name.empty()) org->name = xon.comp(1).str();
        if (xon.comp(10).empty()) continue;
        auto id = std::make_unique<model::IdentifierT>();
        id->value = xon.comp(10).str();
        id->system = xon.comp(6).sub(2).empty() ? xon.comp(6).sub(1).str() : xon.comp(6).sub(2).str();
        if (!xon.comp(6).sub(2).empty()) id->assigner = xon.comp(6).sub(1).str();
        id->type = xon.comp(7).str();
        org->identifiers.push_back(std::move(id));
      }
      org->address = readXad(seg.field(5).rep(0));
      const Element phones = seg.field(6);
      for (size_t r = 0; r < phones.repCount(); ++r) {
        if (auto cp = readXtn(phones.rep(r), "work")) org->telecom.push_back(std::move(cp));
      }
    } else if (seg.name() == "LCH" && org != nullptr) {
      readLch(seg, *org);
    }
  }
  return Status::ok();
}

void writeOrganization(MessageBuilder& mb, const model::OrganizationT& o) {
  mb.add("MFE").set(1, "MAD").set(4, 4, 1, o.id).set(5, "PL");
  SegmentBuilder& loc = mb.add("LOC");
  loc.set(1, 4, 1, o.id).set(2, o.name);
  loc.setRep(4, 0, 1, 0, o.name);
  size_t r = 0;
  for (const auto& id : o.identifiers) {
    if (!id) continue;
    loc.setRep(4, r, 1, 0, o.name).setRep(4, r, 7, 0, id->type).setRep(4, r, 10, 0, id->value);
    if (isOidOrUri(id->system)) {
      loc.setRep(4, r, 6, 1, id->assigner).setRep(4, r, 6, 2, id->system).setRep(4, r, 6, 3, "ISO");
    } else {
      loc.setRep(4, r, 6, 1, id->system);
    }
    ++r;
  }
  if (o.address) writeXad(loc, 5, 0, *o.address);
  r = 0;
  for (const auto& cp : o.telecom) {
    if (cp) writeXtn(loc, 6, r++, *cp);
  }
  if (!o.city.empty())
    writeLch(mb, o, "CITY", "City (GB/T 2260)", [&](SegmentBuilder& b) { b.set(5, 1, o.city); });
  if (o.grade != model::HospitalGrade::Unknown || !o.grade_class.empty()) {
    writeLch(mb, o, "GRADE", "Hospital grade", [&](SegmentBuilder& b) {
      if (o.grade != model::HospitalGrade::Unknown) b.set(5, 1, std::to_string(static_cast<int>(o.grade)));
      b.set(5, 2, o.grade_class);
    });
  }
  if (o.type)
    writeLch(mb, o, "TYPE", "Organisation type",
             [&](SegmentBuilder& b) { writeCoding(b, 5, 0, o.type.get()); });
}

Status readQak(const Message& msg, model::SearchResultT& out) {
  if (const Segment* qak = msg.find("QAK")) {
    if (const std::string hits = qak->str(4); !hits.empty()) {
      char* end = nullptr;
      const long v = std::strtol(hits.c_str(), &end, 10);
      if (*end != '\0' || v < 0 || v > 0x7FFFFFFF)
        return Status::malformedMessage(qak->position(4) + ": bad hit count");
      out.total = static_cast<int32_t>(v);
    }
  }
  readDsc(msg, out.next_page_token);
  return Status::ok();
}

void writeQak(MessageBuilder& mb, std::string_view tag, const model::SearchResultT& r, size_t payload) {
  SegmentBuilder& b = mb.add("QAK");
  b.set(1, tag).set(2, payload > 0 ? "OK" : "NF");
  if (r.total >= 0) b.set(4, std::to_string(r.total));
  b.set(5, std::to_string(payload));
}

void writeDsc(MessageBuilder& mb, std::string_view token) {
  if (!token.empty()) mb.add("DSC").set(1, token).set(2, "I");
}

}  // namespace metrogw::adapters::hl7v2::internal
