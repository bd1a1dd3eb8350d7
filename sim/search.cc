#include "sim/search.h"

#include <algorithm>
#include <charconv>

#include "sim/model_util.h"

namespace metrogw::sim {
namespace {

constexpr uint16_t kMaxLimit = 1000;

[[nodiscard]] bool conceptHas(const model::CodeableConceptT* c, std::string_view code) {
  if (c == nullptr) return false;
  if (c->coding && c->coding->code == code) return true;
  return std::any_of(c->alt.begin(), c->alt.end(), [&](const auto& a) { return a && a->code == code; });
}

template <class Concepts>
[[nodiscard]] bool anyConceptHas(const Concepts& concepts, std::string_view code) {
  return std::any_of(concepts.begin(), concepts.end(),
                     [&](const auto& c) { return conceptHas(c.get(), code); });
}

[[nodiscard]] bool refIs(const model::ReferenceT* r, std::string_view id) {
  return id.empty() || (r && r->id == id);
}

// ISO 8601 bounds: a date-only bound covers the whole day. All world times carry +08:00.
[[nodiscard]] bool inRange(std::string_view t, std::string_view from, std::string_view to) {
  if (!from.empty() && (from.size() == 10 ? t.substr(0, 10) < from : t < from)) return false;
  if (!to.empty() && (to.size() == 10 ? t.substr(0, 10) > to : t >= to)) return false;
  return true;
}

[[nodiscard]] bool cityIncluded(const World& w, const model::QueryT& q) {
  return q.cities.empty() || std::find(q.cities.begin(), q.cities.end(), w.city.prefix) != q.cities.end();
}

// Pages `items` (pointers into the world) into `out` by page_token (an offset) and limit.
template <class T, class Make>
[[nodiscard]] Status page(const std::vector<const T*>& items, const model::QueryT& q,
                          model::SearchResultT& result, Make&& make) {
  size_t offset = 0;
  if (!q.page_token.empty()) {
    const auto [ptr, ec] =
        std::from_chars(q.page_token.data(), q.page_token.data() + q.page_token.size(), offset);
    if (ec != std::errc() || ptr != q.page_token.data() + q.page_token.size()) {
      return Status::invalidArgument("page_token: not a token of this platform");
    }
  }
  const size_t limit = q.limit == 0 ? 50 : std::min(q.limit, kMaxLimit);
  for (size_t i = offset; i < items.size() && i < offset + limit; ++i) make(*items[i]);
  result.total = static_cast<int32_t>(items.size());
  if (offset + limit < items.size()) result.next_page_token = std::to_string(offset + limit);
  return Status::ok();
}

[[nodiscard]] bool slotMatches(const model::SlotT& s, const model::QueryT& q) {
  if (!refIs(s.organization.get(), q.organization_id) || !refIs(s.practitioner.get(), q.practitioner_id))
    return false;
  if (!q.id.empty() && s.id != q.id) return false;
  if (!q.department_code.empty() && !anyConceptHas(s.specialty, q.department_code)) return false;
  if (!q.service_code.empty() && !anyConceptHas(s.service_type, q.service_code)) return false;
  return inRange(s.start, q.from, q.to);
}

[[nodiscard]] bool textMatches(std::string_view name, std::string_view text) {
  return text.empty() || name.find(text) != std::string_view::npos;
}

}  // namespace

StatusOr<model::SearchResultT> searchSlots(const World& w, BookingBook& book, const model::QueryT& q) {
  model::SearchResultT result;
  std::vector<const model::SlotT*> hits;
  if (cityIncluded(w, q)) {
    for (const auto& s : w.slots) {
      if (!slotMatches(s, q)) continue;
      const auto places = book.places(s);
      // A search offers what the caller can still take; a read by id shows the slot whatever its state.
      if (q.id.empty() && (q.family_doctor ? places.family_free : places.public_free) == 0) continue;
      hits.push_back(&s);
    }
  }
  RETURN_IF_ERROR(page(hits, q, result, [&](const model::SlotT& s) {
    result.slots.push_back(boxed(book.view(s, q.family_doctor)));
  }));
  return result;
}

StatusOr<model::SearchResultT> searchDirectory(const World& w, const model::QueryT& q) {
  model::SearchResultT result;
  const bool here = cityIncluded(w, q);
  if (q.kind == model::QueryKind::Organizations) {
    std::vector<const model::OrganizationT*> hits;
    for (const auto& o : w.organizations) {
      const bool id_ok =
          (q.organization_id.empty() || o.id == q.organization_id) && (q.id.empty() || o.id == q.id);
      if (here && id_ok && textMatches(o.name, q.text)) hits.push_back(&o);
    }
    RETURN_IF_ERROR(page(hits, q, result, [&](const auto& o) { result.organizations.push_back(boxed(o)); }));
  } else if (q.kind == model::QueryKind::Departments) {
    std::vector<const model::DepartmentT*> hits;
    for (const auto& d : w.departments) {
      const bool code_ok = q.department_code.empty() || conceptHas(d.code.get(), q.department_code);
      if (here && code_ok && refIs(d.organization.get(), q.organization_id) &&
          (q.id.empty() || d.id == q.id) && textMatches(d.name, q.text)) {
        hits.push_back(&d);
      }
    }
    RETURN_IF_ERROR(page(hits, q, result, [&](const auto& d) { result.departments.push_back(boxed(d)); }));
  } else {
    std::vector<const model::PractitionerT*> hits;
    for (const auto& p : w.practitioners) {
      const bool code_ok = q.department_code.empty() || anyConceptHas(p.specialty, q.department_code);
      const std::string_view id = !q.practitioner_id.empty() ? q.practitioner_id : std::string_view(q.id);
      if (here && code_ok && refIs(p.organization.get(), q.organization_id) && (id.empty() || p.id == id) &&
          textMatches(p.name->text, q.text)) {
        hits.push_back(&p);
      }
    }
    RETURN_IF_ERROR(page(hits, q, result, [&](const auto& p) { result.practitioners.push_back(boxed(p)); }));
  }
  return result;
}

bool hasPatientCriteria(const model::PatientT* c) {
  return c != nullptr && (!c->id.empty() || !c->identifiers.empty() || (c->name && !c->name->text.empty()) ||
                          (c->name && !c->name->family.empty()));
}

bool patientMatches(const model::PatientT& p, const model::PatientT& c) {
  if (!c.id.empty() && p.id != c.id) return false;
  for (const auto& want : c.identifiers) {
    if (!want || want->value.empty()) continue;
    const bool found = std::any_of(p.identifiers.begin(), p.identifiers.end(), [&](const auto& have) {
      return have->value == want->value && (want->system.empty() || have->system == want->system);
    });
    if (!found) return false;
  }
  if (c.name && !c.name->text.empty() && p.name->text != c.name->text) return false;
  if (c.name && !c.name->family.empty() && p.name->family != c.name->family) return false;
  if (!c.birth_date.empty() && p.birth_date != c.birth_date) return false;
  return true;
}

StatusOr<model::SearchResultT> searchPatients(const World& w, const model::QueryT& q) {
  model::PatientT criteria = q.patient ? *q.patient : model::PatientT{};
  if (criteria.id.empty()) criteria.id = q.id;
  if (!hasPatientCriteria(&criteria)) return Status::invalidArgument("patient: no search criteria");
  model::SearchResultT result;
  std::vector<const model::PatientT*> hits;
  if (cityIncluded(w, q)) {
    for (const auto& p : w.patients) {
      if (patientMatches(p, criteria)) hits.push_back(&p);
    }
  }
  RETURN_IF_ERROR(page(hits, q, result, [&](const auto& p) { result.patients.push_back(boxed(p)); }));
  return result;
}

StatusOr<model::SearchResultT> searchLabReports(const World& w, const model::QueryT& q) {
  if (!hasPatientCriteria(q.patient.get())) return Status::invalidArgument("patient: no search criteria");
  model::SearchResultT result;
  std::vector<const model::LabReportT*> hits;
  if (cityIncluded(w, q)) {
    for (const auto& r : w.lab_reports) {
      if (patientMatches(*r.patient, *q.patient) && inRange(r.effective, q.from, q.to)) hits.push_back(&r);
    }
  }
  RETURN_IF_ERROR(page(hits, q, result, [&](const auto& r) { result.lab_reports.push_back(boxed(r)); }));
  return result;
}

StatusOr<model::LabReportT> readLabReport(const World& w, const model::QueryT& q) {
  if (q.id.empty()) return Status::invalidArgument("id: missing");
  for (const auto& r : w.lab_reports) {
    if (r.id == q.id) return r;
  }
  return Status::notFound("id: no such lab report");
}

StatusOr<model::RecordSummaryT> readRecordSummary(const World& w, const model::QueryT& q) {
  for (const auto& r : w.summaries) {
    if ((!q.id.empty() && r.id == q.id) ||
        (q.id.empty() && hasPatientCriteria(q.patient.get()) && patientMatches(*r.patient, *q.patient))) {
      return r;
    }
  }
  if (q.id.empty() && !hasPatientCriteria(q.patient.get()))
    return Status::invalidArgument("patient: no search criteria");
  return Status::notFound("record summary: none for this query");
}

}  // namespace metrogw::sim
