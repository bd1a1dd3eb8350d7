#include "adapters/hl7v2/internal/types.h"

#include <algorithm>

namespace metrogw::adapters::hl7v2::internal {
namespace {

[[nodiscard]] bool allDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

[[nodiscard]] int num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

struct SystemAlias {
  std::string_view hl7;
  std::string_view uri;
};
constexpr SystemAlias kSystems[] = {
    {"LN", kLoincSystem},
    {"SCT", "http://snomed.info/sct"},
    {"UCUM", "http://unitsofmeasure.org"},
    {"I10", "http://hl7.org/fhir/sid/icd-10"},
    {"I10C", "http://hl7.org/fhir/sid/icd-10-cn"},
};

[[nodiscard]] bool isLocalAbbrev(std::string_view s) {
  return s.empty() || s == "L" || s.substr(0, 2) == "99";
}

}  // namespace

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

bool isOidOrUri(std::string_view s) {
  if (s.find(':') != std::string_view::npos) return true;
  if (s.size() < 3 || s.find('.') == std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// -- times --------------------------------------------------------------------------------------

bool hl7TimeToIso(std::string_view ts, std::string& out) {
  out.clear();
  size_t zone = ts.find_first_of("+-");
  std::string_view offset = zone == std::string_view::npos ? std::string_view{} : ts.substr(zone);
  std::string_view main = ts.substr(0, zone);
  std::string_view frac;
  if (const size_t dot = main.find('.'); dot != std::string_view::npos) {
    frac = main.substr(dot + 1);
    main = main.substr(0, dot);
    if (frac.empty() || frac.size() > 4 || !allDigits(frac) || main.size() != 14) return false;
  }
  if (!allDigits(main) || (main.size() != 4 && main.size() % 2 != 0) || main.size() < 4 || main.size() > 14) {
    return false;
  }
  if (!offset.empty() && (offset.size() != 5 || !allDigits(offset.substr(1)))) return false;
  out.append(main.substr(0, 4));
  if (main.size() >= 6) {
    const int month = num(main.substr(4, 2));
    if (month < 1 || month > 12) return false;
    out.append("-").append(main.substr(4, 2));
  }
  if (main.size() >= 8) {
    const int day = num(main.substr(6, 2));
    if (day < 1 || day > 31) return false;
    out.append("-").append(main.substr(6, 2));
  }
  if (main.size() <= 8) return true;  // a date stays a date
  if (num(main.substr(8, 2)) > 23) return false;
  out.append("T").append(main.substr(8, 2)).append(":");
  if (main.size() >= 12) {
    if (num(main.substr(10, 2)) > 59) return false;
    out.append(main.substr(10, 2));
  } else {
    out.append("00");
  }
  if (main.size() == 14) {
    if (num(main.substr(12, 2)) > 60) return false;
    out.append(":").append(main.substr(12, 2));
    if (!frac.empty()) out.append(".").append(frac);
  }
  if (offset.empty()) {
    out.append(kDefaultOffset);
  } else if (offset.substr(1) == "0000") {
    out.append("Z");
  } else {
    if (num(offset.substr(1, 2)) > 14 || num(offset.substr(3, 2)) > 59) return false;
    out.append(offset.substr(0, 3)).append(":").append(offset.substr(3, 2));
  }
  return true;
}

std::string isoToHl7Time(std::string_view iso) {
  std::string out;
  const size_t t = iso.find('T');
  for (char c : iso.substr(0, t)) {
    if (c != '-') out.push_back(c);
  }
  if (t == std::string_view::npos) return out;
  std::string_view rest = iso.substr(t + 1);
  const size_t zone = rest.find_first_of("+-Z");
  for (char c : rest.substr(0, zone)) {
    if (c != ':') out.push_back(c);
  }
  if (zone == std::string_view::npos) return out;
  if (rest[zone] == 'Z') return out + "+0000";
  for (char c : rest.substr(zone)) {
    if (c != ':') out.push_back(c);
  }
  return out;
}

Status readTime(const Segment& seg, Element e, int f, int c, std::string& out) {
  const std::string_view raw = e.raw();
  if (raw.empty()) {
    out.clear();
    return Status::ok();
  }
  if (!hl7TimeToIso(raw, out)) return Status::malformedMessage(seg.position(f, c) + ": invalid date/time");
  return Status::ok();
}

Status readTime(const Segment& seg, int f, int c, int s, std::string& out) {
  return readTime(seg, seg.get(f, c, s), f, c, out);
}

// -- codes --------------------------------------------------------------------------------------

std::string systemFromHl7(std::string_view abbrev, const CodeContext& ctx) {
  if (abbrev.empty() && !ctx.default_system.empty()) return std::string(ctx.default_system);
  for (const SystemAlias& a : kSystems) {
    if (a.hl7 == abbrev) return std::string(a.uri);
  }
  if (!ctx.local_system.empty() && isLocalAbbrev(abbrev)) return std::string(ctx.local_system);
  return std::string(abbrev);
}

std::string systemToHl7(std::string_view system, const CodeContext& ctx) {
  for (const SystemAlias& a : kSystems) {
    if (a.uri == system) return std::string(a.hl7);
  }
  if (!ctx.local_system.empty() && system == ctx.local_system) return "L";
  return std::string(system);
}

std::unique_ptr<model::CodingT> makeCoding(std::string_view system, std::string_view code,
                                           std::string_view display) {
  auto c = std::make_unique<model::CodingT>();
  c->system = system;
  c->code = code;
  c->display = display;
  return c;
}

std::unique_ptr<model::CodingT> readCoding(Element ce, const CodeContext& ctx) {
  if (ce.comp(1).empty() && ce.comp(2).empty()) return nullptr;
  auto c = std::make_unique<model::CodingT>();
  c->code = ce.comp(1).str();
  c->display = ce.comp(2).str();
  c->system = systemFromHl7(ce.comp(3).str(), ctx);
  return c;
}

std::unique_ptr<model::CodeableConceptT> readConcept(Element ce, const CodeContext& ctx) {
  if (ce.comp(1).empty() && ce.comp(2).empty() && ce.comp(9).empty()) return nullptr;
  auto cc = std::make_unique<model::CodeableConceptT>();
  const std::string system = systemFromHl7(ce.comp(3).str(), ctx);
  if (ctx.table) {
    mapInto(*ctx.table, system, ce.comp(1).str(), ce.comp(2).str(), *cc);
  } else {
    cc->coding = readCoding(ce, ctx);
  }
  if (!ce.comp(4).empty()) {
    auto alt = std::make_unique<model::CodingT>();
    alt->code = ce.comp(4).str();
    alt->display = ce.comp(5).str();
    alt->system = systemFromHl7(ce.comp(6).str());
    const bool dup = std::any_of(cc->alt.begin(), cc->alt.end(), [&](const auto& a) {
      return a->system == alt->system && a->code == alt->code;
    });
    if (!dup) cc->alt.push_back(std::move(alt));
  }
  cc->text = ce.comp(9).str();
  return cc;
}

void writeCoding(SegmentBuilder& b, int f, size_t r, const model::CodingT* coding, const CodeContext& ctx) {
  if (coding == nullptr) return;
  b.setRep(f, r, 1, 0, coding->code);
  b.setRep(f, r, 2, 0, coding->display);
  if (coding->system != ctx.default_system) b.setRep(f, r, 3, 0, systemToHl7(coding->system, ctx));
}

void writeConcept(SegmentBuilder& b, int f, size_t r, const model::CodeableConceptT* cc,
                  const CodeContext& ctx) {
  if (cc == nullptr) return;
  writeCoding(b, f, r, cc->coding.get(), ctx);
  for (const auto& alt : cc->alt) {
    if (!alt) continue;
    if (ctx.table && cc->coding &&
        builtinMap(*ctx.table).lookup(cc->coding->system, cc->coding->code, alt->system) != nullptr) {
      continue;  // derived from the table again on decode
    }
    b.setRep(f, r, 4, 0, alt->code);
    b.setRep(f, r, 5, 0, alt->display);
    b.setRep(f, r, 6, 0, systemToHl7(alt->system));
    break;
  }
  b.setRep(f, r, 9, 0, cc->text);
}

// -- identifiers and references -----------------------------------------------------------------

std::unique_ptr<model::IdentifierT> readCx(Element cx) {
  if (cx.comp(1).empty()) return nullptr;
  auto id = std::make_unique<model::IdentifierT>();
  id->value = cx.comp(1).str();
  const Element hd = cx.comp(4);
  std::string ns = hd.sub(1).str();
  std::string uid = hd.sub(2).str();
  id->type = cx.comp(5).str();
  if (!uid.empty()) {
    id->system = std::move(uid);
    id->assigner = std::move(ns);
  } else {
    id->system = std::move(ns);
  }
  if (id->assigner.empty()) id->assigner = cx.comp(6).sub(1).str();
  if (id->system.empty() && (id->type == "NNCHN" || id->type == "RI")) id->system = model::kResidentIdOid;
  return id;
}

void writeCx(SegmentBuilder& b, int f, size_t r, const model::IdentifierT& id) {
  b.setRep(f, r, 1, 0, id.value);
  if (isOidOrUri(id.system)) {
    b.setRep(f, r, 4, 1, id.assigner);
    b.setRep(f, r, 4, 2, id.system);
    b.setRep(f, r, 4, 3, id.system.find(':') == std::string::npos ? "ISO" : "URI");
  } else {
    b.setRep(f, r, 4, 1, id.system);
    b.setRep(f, r, 6, 1, id.assigner);
  }
  b.setRep(f, r, 5, 0, id.type);
}

std::unique_ptr<model::IdentifierT> readEi(Element ei, std::string_view type) {
  if (ei.comp(1).empty()) return nullptr;
  auto id = std::make_unique<model::IdentifierT>();
  id->value = ei.comp(1).str();
  id->system = ei.comp(3).empty() ? ei.comp(2).str() : ei.comp(3).str();
  if (!ei.comp(3).empty()) id->assigner = ei.comp(2).str();
  id->type = type;
  return id;
}

void writeEi(SegmentBuilder& b, int f, const model::IdentifierT* id) {
  if (id == nullptr) return;
  b.set(f, 1, id->value);
  const bool universal = isOidOrUri(id->system);
  if (universal || !id->assigner.empty()) {  // readEi: EI.3 is the system and EI.2 the assigner
    b.set(f, 2, id->assigner);
    b.set(f, 3, id->system);
    if (universal) b.set(f, 4, id->system.find(':') == std::string::npos ? "ISO" : "URI");
  } else {
    b.set(f, 2, id->system);
  }
}

std::string joinNames(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::unique_ptr<model::ReferenceT> readXcn(Element xcn, std::string_view kind) {
  if (xcn.comp(1).empty() && xcn.comp(2).empty() && xcn.comp(3).empty()) return nullptr;
  auto ref = std::make_unique<model::ReferenceT>();
  ref->kind = kind;
  ref->id = xcn.comp(1).str();
  ref->display = joinNames({xcn.comp(2).sub(1).str(), xcn.comp(3).str(), xcn.comp(4).str()});
  return ref;
}

std::unique_ptr<model::ReferenceT> readCnn(Element cnn, std::string_view kind) {
  const Element name = cnn.comp(1);
  if (name.sub(1).empty() && name.sub(2).empty() && name.sub(3).empty()) return nullptr;
  auto ref = std::make_unique<model::ReferenceT>();
  ref->kind = kind;
  ref->id = name.sub(1).str();
  ref->display = joinNames({name.sub(2).str(), name.sub(3).str(), name.sub(4).str()});
  return ref;
}

void writeXcn(SegmentBuilder& b, int f, size_t r, const model::ReferenceT* ref) {
  if (ref == nullptr) return;
  b.setRep(f, r, 1, 0, ref->id);
  b.setRep(f, r, 2, 0, ref->display);
}

// -- contact data -------------------------------------------------------------------------------

std::unique_ptr<model::ContactPointT> readXtn(Element xtn, std::string_view use) {
  const std::string equipment = xtn.comp(3).str();
  auto cp = std::make_unique<model::ContactPointT>();
  cp->use = equipment == "CP" ? "mobile" : std::string(use);
  if (equipment == "Internet" || equipment == "X.400") {
    cp->system = model::ContactSystem::Email;
    cp->value = xtn.comp(4).empty() ? xtn.comp(1).str() : xtn.comp(4).str();
  } else {
    if (equipment == "FX") {
      cp->system = model::ContactSystem::Fax;
    } else if (equipment.empty() || equipment == "PH" || equipment == "CP" || equipment == "BP") {
      cp->system = model::ContactSystem::Phone;
    } else {
      cp->system = model::ContactSystem::Other;
    }
    cp->value = xtn.comp(1).str();
    if (cp->value.empty()) cp->value = xtn.comp(12).str();
    if (cp->value.empty()) cp->value = xtn.comp(6).str() + xtn.comp(7).str();
  }
  if (cp->value.empty()) return nullptr;
  return cp;
}

void writeXtn(SegmentBuilder& b, int f, size_t r, const model::ContactPointT& cp) {
  b.setRep(f, r, 2, 0, f == 14 ? "WPN" : "PRN");
  switch (cp.system) {
    case model::ContactSystem::Email:
      b.setRep(f, r, 3, 0, "Internet");
      b.setRep(f, r, 4, 0, cp.value);
      return;
    case model::ContactSystem::Fax: b.setRep(f, r, 3, 0, "FX"); break;
    case model::ContactSystem::Other: b.setRep(f, r, 3, 0, "OTH"); break;
    default: b.setRep(f, r, 3, 0, cp.use == "mobile" ? "CP" : "PH"); break;
  }
  b.setRep(f, r, 1, 0, cp.value);
}

std::unique_ptr<model::AddressT> readXad(Element xad) {
  auto a = std::make_unique<model::AddressT>();
  const Element street = xad.comp(1);
  std::string line1 = joinNames({street.sub(1).str(), street.sub(2).str(), street.sub(3).str()});
  if (!line1.empty()) a->line.push_back(std::move(line1));
  if (std::string line2 = xad.comp(2).str(); !line2.empty()) a->line.push_back(std::move(line2));
  a->city = xad.comp(3).str();
  a->province = xad.comp(4).str();
  a->postal_code = xad.comp(5).str();
  a->country = xad.comp(6).str();
  a->use = xad.comp(7).str();
  a->district = xad.comp(9).str();
  if (a->line.empty() && a->city.empty() && a->province.empty() && a->postal_code.empty() &&
      a->country.empty() && a->district.empty()) {
    return nullptr;
  }
  return a;
}

void writeXad(SegmentBuilder& b, int f, size_t r, const model::AddressT& a) {
  if (!a.line.empty()) {
    b.setRep(f, r, 1, 0, a.line[0]);
  } else {
    b.setRep(f, r, 1, 0, a.text);
  }
  if (a.line.size() > 1) b.setRep(f, r, 2, 0, a.line[1]);
  b.setRep(f, r, 3, 0, a.city);
  b.setRep(f, r, 4, 0, a.province);
  b.setRep(f, r, 5, 0, a.postal_code);
  b.setRep(f, r, 6, 0, a.country);
  b.setRep(f, r, 7, 0, a.use);
  b.setRep(f, r, 9, 0, a.district);
}

}  // namespace metrogw::adapters::hl7v2::internal
