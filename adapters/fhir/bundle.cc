// Bundle -> SearchResult (searchset), RecordSummary (document / Composition), LabReport (a
// DiagnosticReport with its Observations, or loose Observations); SearchResult -> searchset.
//
// Searchset: entries by resource type; search.mode "include" entries (and, without modes, those
// a match refers to) are joined into their matches, not listed; OperationOutcome entries are the
// `incomplete` list; total -> total (-1 when absent); link[relation=next] -> next_page_token (the
// url's _page_token parameter, else the whole url). Encoding writes the next link as
// "/fhir/<Kind>?_page_token=<token>".
#include <set>

#include "adapters/fhir/resources.h"
#include "adapters/fhir/url.h"

namespace metrogw::adapters::fhir {
namespace {

constexpr std::string_view kPageTokenParam = "_page_token";

template <class T, class F>
Status decodeInto(const Node& res, PtrList<T>& list, F&& f) {
  list.push_back(std::make_unique<T>());
  return f(res, *list.back());
}

std::string pageTokenOf(std::string_view url) {
  const size_t q = url.find('?');
  if (q != std::string_view::npos) {
    std::string bad;
    auto params = parseQuery(url.substr(q + 1), bad);
    if (params) {
      for (auto& [k, v] : *params) {
        if (k == kPageTokenParam) return std::move(v);
      }
    }
  }
  return std::string(url);
}

Status decodePaging(const Node& bundle, model::SearchResultT& out) {
  uint64_t total = 0;
  bool has_total = bundle.find("total") != nullptr;
  RETURN_IF_ERROR(getUint(bundle, "total", INT32_MAX, total));
  out.total = has_total ? static_cast<int32_t>(total) : -1;
  return forEachObject(bundle, "link", [&](const Node& link) -> Status {
    std::string relation;
    std::string url;
    RETURN_IF_ERROR(getString(link, "relation", relation));
    RETURN_IF_ERROR(getString(link, "url", url));
    if (relation == "next" && out.next_page_token.empty() && !url.empty())
      out.next_page_token = pageTokenOf(url);
    return Status::ok();
  });
}

Status decodeMatch(const Resolver::Target& t, const Resolver& resolver, model::SearchResultT& out) {
  const Node& res = *t.node;
  if (t.kind == "Patient") return decodeInto(res, out.patients, decodePatient);
  if (t.kind == "Organization") return decodeInto(res, out.organizations, decodeOrganization);
  if (t.kind == "HealthcareService") return decodeInto(res, out.departments, decodeDepartment);
  if (t.kind == "Practitioner") return decodeInto(res, out.practitioners, decodePractitioner);
  if (t.kind == "Schedule") return decodeInto(res, out.schedules, decodeSchedule);
  if (t.kind == "Slot") return decodeInto(res, out.slots, decodeSlot);
  if (t.kind == "Appointment") return decodeInto(res, out.appointments, decodeAppointment);
  if (t.kind == "OperationOutcome") return decodeIncomplete(res, out.incomplete);
  if (t.kind == "Observation") {
    out.lab_reports.push_back(std::make_unique<model::LabReportT>());
    return decodeObservationsAsReport({&res}, &resolver, *out.lab_reports.back());
  }
  return Status::ok();  // other kinds (Location, ...) are not part of a canonical result
}

Status decodeSearchset(const Node& bundle, const Resolver& resolver, model::SearchResultT& out) {
  RETURN_IF_ERROR(decodePaging(bundle, out));
  for (const Resolver::Target& t : resolver.targets()) {
    if (t.kind != "DiagnosticReport" || t.mode == "include" || t.mode == "outcome") continue;
    out.lab_reports.push_back(std::make_unique<model::LabReportT>());
    RETURN_IF_ERROR(decodeDiagnosticReport(*t.node, &resolver, *out.lab_reports.back()));
  }
  for (const Resolver::Target& t : resolver.targets()) {
    if (t.kind == "DiagnosticReport" || t.mode == "include" || (t.mode.empty() && t.used)) continue;
    RETURN_IF_ERROR(decodeMatch(t, resolver, out));
  }
  return Status::ok();
}

// A collection, document, batch-response, ... Bundle: the first Composition, else the first
// DiagnosticReport, else the Observations; anything else is read like a searchset.
Status decodeOther(const Node& bundle, const Resolver& resolver, model::EnvelopeT& out) {
  std::vector<const Node*> observations;
  for (const std::string_view kind : {"Composition", "DiagnosticReport"}) {
    for (const Resolver::Target& t : resolver.targets()) {
      if (t.kind != kind) continue;
      if (kind == "Composition") {
        model::RecordSummaryT summary;
        RETURN_IF_ERROR(decodeDocument(*t.node, resolver, summary));
        out.body.Set(std::move(summary));
      } else {
        model::LabReportT report;
        RETURN_IF_ERROR(decodeDiagnosticReport(*t.node, &resolver, report));
        out.body.Set(std::move(report));
      }
      return Status::ok();
    }
  }
  for (const Resolver::Target& t : resolver.targets()) {
    if (t.kind == "Observation") observations.push_back(t.node);
  }
  if (!observations.empty()) {
    model::LabReportT report;
    RETURN_IF_ERROR(decodeObservationsAsReport(observations, &resolver, report));
    out.body.Set(std::move(report));
    return Status::ok();
  }
  model::SearchResultT result;
  RETURN_IF_ERROR(decodeSearchset(bundle, resolver, result));
  out.body.Set(std::move(result));
  return Status::ok();
}

template <class T, class F>
void writeMatches(Out& o, const PtrList<T>& list, F&& write) {
  for (const auto& item : list) {
    o.beginObject();
    o.key("resource");
    if (item) {
      write(o, *item);
    } else {
      write(o, T());
    }
    o.key("search");
    o.beginObject();
    o.field("mode", "match");
    o.endObject();
    o.endObject();
  }
}

std::string_view primaryKind(const model::SearchResultT& r) {
  if (!r.slots.empty()) return "Slot";
  if (!r.organizations.empty()) return "Organization";
  if (!r.patients.empty()) return "Patient";
  if (!r.lab_reports.empty()) return "DiagnosticReport";
  if (!r.appointments.empty()) return "Appointment";
  if (!r.practitioners.empty()) return "Practitioner";
  if (!r.schedules.empty()) return "Schedule";
  if (!r.departments.empty()) return "HealthcareService";
  return "Bundle";
}

// Ids of the report patients written as included entries: a patient with one of these ids must
// be an entry too, or its "Patient/<id>" reference would resolve to the other one.
std::set<std::string> includedPatientIds(const PtrList<model::LabReportT>& reports) {
  std::set<std::string> ids;
  for (const auto& report : reports) {
    if (report && report->patient != nullptr && !report->patient->id.empty() &&
        !fitsInReference(*report->patient))
      ids.insert(report->patient->id);
  }
  return ids;
}

void writeOutcomeEntry(Out& o, const model::SearchResultT& r) {
  if (r.incomplete.empty()) return;
  o.beginObject();
  o.key("resource");
  o.beginObject();
  o.field("resourceType", "OperationOutcome");
  o.key("issue");
  o.beginArray();
  for (const auto& i : r.incomplete) {
    if (i) writeIncomplete(o, *i);
  }
  o.endArray();
  o.endObject();
  o.key("search");
  o.beginObject();
  o.field("mode", "outcome");
  o.endObject();
  o.endObject();
}

}  // namespace

Status decodeBundle(const Node& bundle, model::EnvelopeT& out) {
  std::string type;
  RETURN_IF_ERROR(getString(bundle, "type", type));
  Resolver resolver;
  RETURN_IF_ERROR(resolver.addEntries(bundle));
  if (type != "searchset") return decodeOther(bundle, resolver, out);
  model::SearchResultT result;
  RETURN_IF_ERROR(decodeSearchset(bundle, resolver, result));
  out.body.Set(std::move(result));
  return Status::ok();
}

void writeSearchResult(Out& o, const model::SearchResultT& r) {
  o.beginObject();
  o.field("resourceType", "Bundle");
  o.field("type", "searchset");
  if (r.total >= 0) {
    o.key("total");
    o.uint(static_cast<uint64_t>(r.total));
  }
  if (!r.next_page_token.empty()) {
    o.key("link");
    o.beginArray();
    o.beginObject();
    o.field("relation", "next");
    o.field("url", "/fhir/" + std::string(primaryKind(r)) + "?" + std::string(kPageTokenParam) + "=" +
                       percentEncode(r.next_page_token));
    o.endObject();
    o.endArray();
  }
  o.key("entry");
  o.beginArray();
  writeMatches(o, r.patients, [](Out& out, const model::PatientT& p) { writePatient(out, p); });
  writeMatches(o, r.organizations, writeOrganization);
  writeMatches(o, r.departments, writeDepartment);
  writeMatches(o, r.practitioners, writePractitioner);
  writeMatches(o, r.schedules, writeSchedule);
  writeMatches(o, r.slots, writeSlot);
  writeMatches(o, r.appointments, writeAppointment);
  const std::set<std::string> included = includedPatientIds(r.lab_reports);
  uint64_t next = 0;
  for (const auto& report : r.lab_reports) {
    if (!report) continue;
    const bool entry = report->patient != nullptr && included.contains(report->patient->id);
    writeLabReportEntries(o, *report, "match", next, entry);
  }
  writeOutcomeEntry(o, r);
  o.endArray();
  o.endObject();
}

void writeLabReportBundle(Out& o, const model::LabReportT& r) {
  o.beginObject();
  o.field("resourceType", "Bundle");
  o.field("type", "collection");
  o.key("entry");
  o.beginArray();
  uint64_t next = 0;
  writeLabReportEntries(o, r, "", next);
  o.endArray();
  o.endObject();
}

}  // namespace metrogw::adapters::fhir
