// PID <-> Patient.
#include <algorithm>

#include "adapters/hl7v2/internal/messages.h"
#include "adapters/hl7v2/internal/types.h"
#include "adapters/mapping.h"

namespace metrogw::adapters::hl7v2::internal {
namespace {

[[nodiscard]] bool hasNonAscii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// PID-5 first repetition. A whole Chinese name written into XPN.1 alone goes to text. No name when
// the parts the model keeps are all empty (writeName would write nothing for it).
void readName(Element xpn, model::PatientT& out) {
  if (xpn.comp(1).sub(1).empty() && xpn.comp(2).empty() && xpn.comp(3).empty() && xpn.comp(4).empty() &&
      xpn.comp(5).empty()) {
    return;
  }
  auto name = std::make_unique<model::HumanNameT>();
  std::string family = xpn.comp(1).sub(1).str();
  const bool only_family =
      xpn.comp(2).empty() && xpn.comp(3).empty() && xpn.comp(4).empty() && xpn.comp(5).empty();
  if (only_family && hasNonAscii(family)) {
    name->text = std::move(family);
  } else {
    name->family = std::move(family);
    for (int c : {2, 3}) {
      if (std::string g = xpn.comp(c).str(); !g.empty()) name->given.push_back(std::move(g));
    }
    name->suffix = xpn.comp(4).str();
    name->prefix = xpn.comp(5).str();
  }
  out.name = std::move(name);
}

void writeName(SegmentBuilder& b, const model::HumanNameT* name) {
  if (name == nullptr) return;
  if (name->family.empty() && name->given.empty() && !name->text.empty()) {
    b.set(5, 1, name->text);
    return;
  }
  b.set(5, 1, name->family);
  for (size_t i = 0; i < name->given.size() && i < 2; ++i) b.set(5, static_cast<int>(i) + 2, name->given[i]);
  b.set(5, 4, name->suffix);
  b.set(5, 5, name->prefix);
}

// PID-8: HL7 table 0001 through the gender table (GB/T 2261.1 codes are accepted as well).
void readGender(Element e, model::PatientT& out) {
  const std::string code = e.comp(1).str();
  if (code.empty()) return;
  const CodeMap& table = builtinMap(Table::kGender);
  if (code == "O") {
    out.gender = model::Gender::Other;
  } else if (code == "N") {
    out.gender = model::Gender::Unspecified;
  } else if (const CodeTarget* gb = table.reverse(kHl7v2Gender, code, kGbt2261Gender); gb != nullptr) {
    out.gender = static_cast<model::Gender>(gb->code[0] - '0');
  } else if (!table.lookup(kGbt2261Gender, code).empty()) {
    out.gender = static_cast<model::Gender>(code[0] - '0');
    out.gender_code = makeCoding(std::string(kGbt2261Gender), code, {});
  } else {
    out.gender = model::Gender::Other;
    out.gender_code = makeCoding(std::string(kHl7v2Gender), code, e.comp(2).str());
  }
}

void writeGender(SegmentBuilder& b, const model::PatientT& p) {
  if (p.gender_code && (p.gender_code->system == kHl7v2Gender || p.gender_code->system == kGbt2261Gender)) {
    b.set(8, 1, p.gender_code->code);
    b.set(8, 2, p.gender_code->display);
    return;
  }
  switch (p.gender) {
    case model::Gender::Other: b.set(8, "O"); return;
    case model::Gender::Unspecified: b.set(8, "N"); return;
    default: break;
  }
  const std::string gb = std::to_string(static_cast<int>(p.gender));
  const CodeTarget* hl7 = builtinMap(Table::kGender).lookup(kGbt2261Gender, gb, kHl7v2Gender);
  b.set(8, hl7 != nullptr ? std::string_view(hl7->code) : std::string_view("U"));
}

}  // namespace

Status readPid(const Segment& pid, model::PatientT& out) {
  const Element ids = pid.field(3);
  for (size_t r = 0; r < ids.repCount(); ++r) {
    if (auto id = readCx(ids.rep(r))) out.identifiers.push_back(std::move(id));
  }
  out.id = pid.str(2, 1);
  if (out.id.empty()) {
    for (const auto& id : out.identifiers) {
      if (id->type == "PI") {
        out.id = id->value;
        break;
      }
    }
  }
  readName(pid.field(5).rep(0), out);
  RETURN_IF_ERROR(readTime(pid, 7, 0, 0, out.birth_date));
  readGender(pid.field(8), out);
  const Element addresses = pid.field(11);
  for (size_t r = 0; r < addresses.repCount(); ++r) {
    if (auto a = readXad(addresses.rep(r))) out.address.push_back(std::move(a));
  }
  for (int f : {13, 14}) {
    const Element phones = pid.field(f);
    for (size_t r = 0; r < phones.repCount(); ++r) {
      if (auto cp = readXtn(phones.rep(r), f == 13 ? "home" : "work")) out.telecom.push_back(std::move(cp));
    }
  }
  out.marital_status = readCoding(pid.field(16), CodeContext{{}, {}, "HL70002"});
  out.ethnicity = readCoding(pid.field(22).rep(0), CodeContext{{}, {}, "HL70189"});
  out.deceased = pid.str(30) == "Y";
  return Status::ok();
}

void writePid(MessageBuilder& mb, const model::PatientT& p, int set_id) {
  SegmentBuilder& b = mb.add("PID");
  b.set(1, std::to_string(set_id));
  // readPid takes Patient.id from the first PI identifier when PID-2 is empty.
  const auto first_pi = std::find_if(p.identifiers.begin(), p.identifiers.end(),
                                     [](const auto& id) { return id && id->type == "PI"; });
  if (first_pi == p.identifiers.end() || (*first_pi)->value != p.id) b.set(2, 1, p.id);
  size_t rep = 0;
  for (const auto& id : p.identifiers) {
    if (id) writeCx(b, 3, rep++, *id);
  }
  writeName(b, p.name.get());
  b.set(7, isoToHl7Time(p.birth_date));
  writeGender(b, p);
  rep = 0;
  for (const auto& a : p.address) {
    if (a) writeXad(b, 11, rep++, *a);
  }
  // readPid lists PID-13 before PID-14: from the first work contact on, everything goes to PID-14
  // (a mobile there still reads as mobile), so the list reads back in the same order.
  size_t home = 0;
  size_t work = 0;
  bool in_work = false;
  for (const auto& cp : p.telecom) {
    if (!cp) continue;
    in_work = in_work || cp->use == "work";
    writeXtn(b, in_work ? 14 : 13, in_work ? work++ : home++, *cp);
  }
  writeCoding(b, 16, 0, p.marital_status.get(), CodeContext{{}, {}, "HL70002"});
  writeCoding(b, 22, 0, p.ethnicity.get(), CodeContext{{}, {}, "HL70189"});
  if (p.deceased) b.set(30, "Y");
}

}  // namespace metrogw::adapters::hl7v2::internal
