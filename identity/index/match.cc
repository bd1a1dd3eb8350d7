#include "identity/index/match.h"

#include <variant>

#include "identity/resident_id.h"

namespace metrogw::identity::index {
namespace {

[[nodiscard]] std::string nameOf(const model::PatientT& p) {
  if (!p.name) return "";
  if (!p.name->text.empty()) return p.name->text;
  std::string out = p.name->family;
  for (const auto& g : p.name->given) out += g;
  return out;
}

// The record's value for the subject's identifier system, normalised like the subject's.
[[nodiscard]] bool carriesIdentifier(const model::PatientT& p, const TypedId& id) {
  for (const auto& ident : p.identifiers) {
    if (!ident || ident->system != id.oid) continue;
    if (id.type == IdType::kResidentId) {
      ResidentIdOptions lenient;
      lenient.check = CheckPolicy::kFlag;  // the platform's data, not ours to reject
      auto parsed = parseResidentId(ident->value, lenient);
      if (const auto* r = std::get_if<ResidentId>(&parsed); r != nullptr && r->normalized == id.value)
        return true;
    } else if (ident->value == id.value &&
               (id.type != IdType::kHospitalLocal || ident->assigner == id.assigner)) {
      return true;  // a hospital's own number means something only at that hospital
    }
  }
  return false;
}

[[nodiscard]] std::string disagreement(const model::PatientT& p, const Subject& s) {
  const bool birth = p.birth_date.substr(0, 10) != s.birth_date;
  const bool name = foldName(nameOf(p)) != foldName(s.name);
  if (birth && name) return "name and birth date differ";
  if (birth) return "birth date differs";
  if (name) return "name differs";
  return "";
}

}  // namespace

std::string foldName(std::string_view name) {
  // Ideographic space and the middle dots written inside transliterated names (U+00B7, U+30FB).
  static constexpr std::string_view kSkipped[] = {"\xE3\x80\x80", "\xC2\xB7", "\xE3\x83\xBB"};
  std::string out;
  out.reserve(name.size());
  size_t i = 0;
  while (i < name.size()) {
    bool skipped = false;
    for (std::string_view seq : kSkipped) {
      if (name.substr(i, seq.size()) == seq) {
        i += seq.size();
        skipped = true;
        break;
      }
    }
    if (skipped) continue;
    const char c = name[i++];
    if (c == ' ' || c == '\t' || c == '.') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

model::QueryT patientQuery(const Subject& subject) {
  model::QueryT q;
  q.kind = model::QueryKind::Patients;
  q.patient = std::make_unique<model::PatientT>();
  auto ident = std::make_unique<model::IdentifierT>();
  ident->system = subject.id.oid;
  ident->value = subject.id.value;
  ident->assigner = subject.id.assigner;  // hospital-local numbers: the hospital that issued it
  q.patient->identifiers.push_back(std::move(ident));
  // By identifier only: the demographics are compared here, so that a platform record with the same
  // number but another birth date comes back and is reported as a conflict rather than missed.
  q.limit = 10;
  return q;
}

void matchCity(const std::string& city, const model::SearchResultT& answer, const Subject& subject,
               int64_t now_unix, CrossRef& out) {
  for (const auto& p : answer.patients) {
    if (!p || !carriesIdentifier(*p, subject.id)) continue;
    std::string reason = disagreement(*p, subject);
    if (reason.empty()) {
      auto link = std::make_unique<xref::LinkT>();
      link->city = city;
      link->patient_id = p->id;
      link->confirmed_unix = now_unix;
      out.links.push_back(std::move(link));
    } else {
      auto conflict = std::make_unique<xref::ConflictT>();
      conflict->city = city;
      conflict->patient_id = p->id;
      conflict->reason = std::move(reason);
      out.conflicts.push_back(std::move(conflict));
    }
  }
}

}  // namespace metrogw::identity::index
