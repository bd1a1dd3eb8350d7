// Observation and DiagnosticReport <-> model::LabReportT / ObservationT.
//
// A DiagnosticReport's results come from its `contained` Observations ("#id") or from the
// enclosing Bundle (fullUrl or "Observation/id"). Encoding writes a Bundle: the report, its
// Patient when it does not fit in a reference, its Observations, linked by urn:uuid fullUrls
// (so resources need no ids). Specimen is a contained Specimen. performer[]: the first
// Organization is `organization`, the next performer is `performer`. Extensions (kExtBase):
// "ordered-by" and "department" (valueReference). Lab item codes are mapped (lab_items table).
#include <cstdio>

#include "adapters/fhir/codes.h"
#include "adapters/fhir/resources.h"

namespace metrogw::adapters::fhir {
namespace {

constexpr CodeTable<model::ReportStatus, 10> kReportStatus = {{
    {"unknown", model::ReportStatus::Unknown},
    {"registered", model::ReportStatus::Registered},
    {"partial", model::ReportStatus::Partial},
    {"preliminary", model::ReportStatus::Preliminary},
    {"final", model::ReportStatus::Final},
    {"amended", model::ReportStatus::Amended},
    {"corrected", model::ReportStatus::Corrected},
    {"cancelled", model::ReportStatus::Cancelled},
    {"entered-in-error", model::ReportStatus::EnteredInError},
    {"appended", model::ReportStatus::Amended},
}};

constexpr std::string_view kInterpretationSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
constexpr CodeTable<model::Interpretation, 7> kInterpretation = {{
    {"N", model::Interpretation::Normal},
    {"L", model::Interpretation::Low},
    {"H", model::Interpretation::High},
    {"LL", model::Interpretation::CriticalLow},
    {"HH", model::Interpretation::CriticalHigh},
    {"A", model::Interpretation::Abnormal},
    {"AA", model::Interpretation::CriticalAbnormal},
}};

constexpr std::string_view kDefaultSpecimenId = "specimen";

Status decodeStatus(const Node& res, model::ReportStatus& out) {
  std::string status;
  RETURN_IF_ERROR(getString(res, "status", status));
  if (status.empty()) return Status::ok();
  auto s = enumOf(kReportStatus, status);
  if (!s) return Node(*res.find("status"), &res, "status").error("unknown status");
  out = *s;
  return Status::ok();
}

// valueQuantity: "value" keeps the comparator ("<0.5") and the number's text.
Status decodeQuantity(const Node& q, model::ObservationT& out) {
  RETURN_IF_ERROR(expectObject(q));
  out.value_type = model::ValueType::Quantity;
  std::string comparator;
  RETURN_IF_ERROR(getString(q, "comparator", comparator));
  if (!comparator.empty() && comparator != "<" && comparator != "<=" && comparator != ">=" &&
      comparator != ">") {
    return Node(*q.find("comparator"), &q, "comparator").error("unknown comparator");
  }
  RETURN_IF_ERROR(getNumber(q, "value", out.value));
  if (!out.value.empty()) out.value.insert(0, comparator);
  RETURN_IF_ERROR(getString(q, "unit", out.unit));
  if (out.unit.empty()) RETURN_IF_ERROR(getString(q, "code", out.unit));
  return getString(q, "system", out.unit_system);
}

// The first value[x] present, in this order.
Status decodeValue(const Node& res, model::ObservationT& out) {
  if (const JsonValue* q = res.find("valueQuantity"))
    return decodeQuantity(Node(*q, &res, "valueQuantity"), out);
  if (res.find("valueString") != nullptr) {
    out.value_type = model::ValueType::Text;
    return getString(res, "valueString", out.value);
  }
  if (res.find("valueDateTime") != nullptr) {
    out.value_type = model::ValueType::DateTime;
    return getTime(res, "valueDateTime", out.value);
  }
  if (res.find("valueInteger") != nullptr) {
    out.value_type = model::ValueType::Quantity;
    return getNumber(res, "valueInteger", out.value);
  }
  return withMember(res, "valueCodeableConcept", [&](const Node& n) -> Status {
    out.value_type = model::ValueType::Coded;
    model::CodeableConceptT cc;
    RETURN_IF_ERROR(decodeConcept(n, Mapping::kNone, cc));
    out.value_coding = std::move(cc.coding);
    out.value = out.value_coding != nullptr ? out.value_coding->code : cc.text;
    return Status::ok();
  });
}

Status decodeRange(const Node& r, model::ObservationT& out) {
  out.reference_range = std::make_unique<model::ReferenceRangeT>();
  model::ReferenceRangeT& range = *out.reference_range;
  RETURN_IF_ERROR(getString(r, "text", range.text));
  RETURN_IF_ERROR(withObject(r, "low", [&](const Node& q) -> Status {
    RETURN_IF_ERROR(getNumber(q, "value", range.low));
    return getString(q, "unit", range.unit);
  }));
  return withObject(r, "high", [&](const Node& q) -> Status {
    RETURN_IF_ERROR(getNumber(q, "value", range.high));
    return range.unit.empty() ? getString(q, "unit", range.unit) : Status::ok();
  });
}

Status decodeInterpretation(const Node& res, model::ObservationT& out) {
  RETURN_IF_ERROR(withFirstObject(res, "interpretation", [&](const Node& cc) {
    return withFirstObject(cc, "coding", [&](const Node& c) -> Status {
      out.interpretation_code = std::make_unique<model::CodingT>();
      return decodeCoding(c, *out.interpretation_code);
    });
  }));
  if (out.interpretation_code != nullptr) {
    out.interpretation =
        enumOf(kInterpretation, out.interpretation_code->code).value_or(model::Interpretation::None);
  }
  return Status::ok();
}

void writeValue(Out& o, const model::ObservationT& obs) {
  switch (obs.value_type) {
    case model::ValueType::Quantity: {
      std::string_view v = obs.value;
      std::string_view comparator;
      for (std::string_view c : {"<=", ">=", "<", ">"}) {
        if (v.substr(0, c.size()) == c) {
          comparator = c;
          break;
        }
      }
      v.remove_prefix(comparator.size());
      if (!v.empty() && !isJsonNumber(v)) return o.field("valueString", obs.value);
      o.key("valueQuantity");
      o.beginObject();
      if (!v.empty()) {
        o.key("value");
        o.number(v);
      }
      o.field("comparator", comparator);
      o.field("unit", obs.unit);
      o.field("system", obs.unit_system);
      if (!obs.unit_system.empty()) o.field("code", obs.unit);
      o.endObject();
      return;
    }
    case model::ValueType::Text: return o.field("valueString", obs.value);
    case model::ValueType::DateTime: return o.field("valueDateTime", obs.value);
    case model::ValueType::Coded: {
      o.key("valueCodeableConcept");
      model::CodeableConceptT cc;
      if (obs.value_coding != nullptr) {
        cc.coding = std::make_unique<model::CodingT>(*obs.value_coding);
      } else {
        cc.text = obs.value;
      }
      return writeConcept(o, cc);
    }
    default: return;
  }
}

void writeQuantity(Out& o, std::string_view key, std::string_view value, std::string_view unit) {
  o.key(key);
  o.beginObject();
  if (!value.empty()) {
    o.key("value");
    o.number(value);
  }
  o.field("unit", unit);
  o.endObject();
}

void writeRange(Out& o, const model::ReferenceRangeT& r) {
  const bool numeric = (r.low.empty() || isJsonNumber(r.low)) && (r.high.empty() || isJsonNumber(r.high));
  o.key("referenceRange");
  o.beginArray();
  o.beginObject();
  if (numeric && (!r.low.empty() || (r.high.empty() && !r.unit.empty())))
    writeQuantity(o, "low", r.low, r.unit);
  if (numeric && !r.high.empty()) writeQuantity(o, "high", r.high, r.unit);
  o.field("text", r.text);
  o.endObject();
  o.endArray();
}

Status decodeSpecimen(const Node& ref, const Resolver& resolver, model::LabReportT& out) {
  std::string target;
  RETURN_IF_ERROR(getString(ref, "reference", target));
  const Node* res = target.empty() ? nullptr : resolver.resolve(target);
  out.specimen = std::make_unique<model::SpecimenT>();
  model::SpecimenT& specimen = *out.specimen;
  if (res == nullptr) {
    std::string kind;
    splitReference(target, kind, specimen.id);
    if (specimen.id.empty()) specimen.id = kDefaultSpecimenId;
    return Status::ok();
  }
  RETURN_IF_ERROR(getString(*res, "id", specimen.id));
  if (specimen.id.empty()) specimen.id = kDefaultSpecimenId;
  RETURN_IF_ERROR(decodeConcept(*res, "type", Mapping::kNone, specimen.type));
  RETURN_IF_ERROR(getTime(*res, "receivedTime", out.specimen->received));
  return withObject(*res, "collection",
                    [&](const Node& c) { return getTime(c, "collectedDateTime", out.specimen->collected); });
}

Status decodePerformers(const Node& res, model::LabReportT& out) {
  return forEachItem(res, "performer", [&](const Node& p) -> Status {
    auto r = std::make_unique<model::ReferenceT>();
    RETURN_IF_ERROR(decodeReference(p, *r));
    if (r->kind == "Organization" && out.organization == nullptr) {
      out.organization = std::move(r);
    } else if (out.performer == nullptr) {
      out.performer = std::move(r);
    }
    return Status::ok();
  });
}

Status decodeResult(const Node& ref, const Resolver& resolver, model::LabReportT& out) {
  RETURN_IF_ERROR(expectObject(ref));
  std::string target;
  RETURN_IF_ERROR(getString(ref, "reference", target));
  const Node* res = target.empty() ? nullptr : resolver.resolve(target);
  if (res == nullptr) {  // not included: keep the reference's id
    std::string kind;
    out.observations.push_back(std::make_unique<model::ObservationT>());
    splitReference(target, kind, out.observations.back()->id);
    return Status::ok();
  }
  ASSIGN_OR_RETURN(std::string kind, resourceTypeOf(*res));
  if (kind != "Observation") return ref.error("expected a reference to an Observation");
  out.observations.push_back(std::make_unique<model::ObservationT>());
  return decodeObservation(*res, *out.observations.back());
}

Status decodeReportBody(const Node& res, const Resolver& resolver, model::LabReportT& out) {
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(decodeIdentifiers(res, "identifier", out.identifiers));
  RETURN_IF_ERROR(decodeStatus(res, out.status));
  RETURN_IF_ERROR(decodeConcept(res, "code", Mapping::kLabItems, out.code));
  RETURN_IF_ERROR(withFirstObject(res, "category", [&](const Node& c) -> Status {
    out.category = std::make_unique<model::CodeableConceptT>();
    return decodeConcept(c, Mapping::kNone, *out.category);
  }));
  RETURN_IF_ERROR(withMember(
      res, "subject", [&](const Node& s) { return decodePatientReference(s, &resolver, out.patient); }));
  RETURN_IF_ERROR(decodePerformers(res, out));
  RETURN_IF_ERROR(extReference(res, "ordered-by", out.ordered_by));
  RETURN_IF_ERROR(extReference(res, "department", out.department));
  RETURN_IF_ERROR(getTime(res, "effectiveDateTime", out.effective));
  RETURN_IF_ERROR(
      withObject(res, "effectivePeriod", [&](const Node& p) { return getTime(p, "start", out.effective); }));
  RETURN_IF_ERROR(getTime(res, "issued", out.issued));
  RETURN_IF_ERROR(
      withFirstObject(res, "specimen", [&](const Node& s) { return decodeSpecimen(s, resolver, out); }));
  return getString(res, "conclusion", out.conclusion);
}

void writeSpecimen(Out& o, const model::SpecimenT& s) {
  o.beginObject();
  o.field("resourceType", "Specimen");
  o.field("id", s.id.empty() ? kDefaultSpecimenId : std::string_view(s.id));
  writeConcept(o, "type", s.type);
  o.field("receivedTime", s.received);
  if (!s.collected.empty()) {
    o.key("collection");
    o.beginObject();
    o.field("collectedDateTime", s.collected);
    o.endObject();
  }
  o.endObject();
}

void writeReport(Out& o, const model::LabReportT& r, std::string_view patient_url, uint64_t first_result) {
  o.beginObject();
  o.field("resourceType", "DiagnosticReport");
  o.field("id", r.id);
  const std::string specimen_id(r.specimen == nullptr || r.specimen->id.empty() ? kDefaultSpecimenId
                                                                                : r.specimen->id);
  if (r.specimen != nullptr) {
    o.key("contained");
    o.beginArray();
    writeSpecimen(o, *r.specimen);
    o.endArray();
  }
  {
    Extensions ext(o);
    ext.reference("ordered-by", r.ordered_by);
    ext.reference("department", r.department);
  }
  writeIdentifiers(o, "identifier", r.identifiers);
  o.field("status", codeOf(kReportStatus, r.status, "unknown"));
  if (r.category != nullptr) {
    o.key("category");
    o.beginArray();
    writeConcept(o, *r.category);
    o.endArray();
  }
  writeConcept(o, "code", r.code);
  if (r.patient != nullptr) writePatientReference(o, "subject", *r.patient, patient_url);
  o.field("effectiveDateTime", r.effective);
  o.field("issued", r.issued);
  if (r.organization != nullptr || r.performer != nullptr) {
    o.key("performer");
    o.beginArray();
    if (r.organization != nullptr) writeReference(o, *r.organization);
    if (r.performer != nullptr) writeReference(o, *r.performer);
    o.endArray();
  }
  if (r.specimen != nullptr) {
    o.key("specimen");
    o.beginArray();
    o.beginObject();
    o.field("reference", "#" + specimen_id);
    o.endObject();
    o.endArray();
  }
  if (!r.observations.empty()) {
    o.key("result");
    o.beginArray();
    for (uint64_t i = 0; i < r.observations.size(); ++i) {
      o.beginObject();
      o.field("reference", entryUrl(first_result + i));
      o.endObject();
    }
    o.endArray();
  }
  o.field("conclusion", r.conclusion);
  o.endObject();
}

void beginEntry(Out& o, std::string_view url) {
  o.beginObject();
  o.field("fullUrl", url);
  o.key("resource");
}

void endEntry(Out& o, std::string_view mode) {
  if (!mode.empty()) {
    o.key("search");
    o.beginObject();
    o.field("mode", mode);
    o.endObject();
  }
  o.endObject();
}

}  // namespace

std::string entryUrl(uint64_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "urn:uuid:6d657472-6f67-4700-8000-%012llx",
                static_cast<unsigned long long>(n));
  return buf;
}

Status decodeObservation(const Node& res, model::ObservationT& out) {
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(decodeStatus(res, out.status));
  RETURN_IF_ERROR(decodeConcept(res, "code", Mapping::kLabItems, out.code));
  RETURN_IF_ERROR(decodeValue(res, out));
  RETURN_IF_ERROR(withFirstObject(res, "referenceRange", [&](const Node& r) { return decodeRange(r, out); }));
  RETURN_IF_ERROR(decodeInterpretation(res, out));
  RETURN_IF_ERROR(getTime(res, "effectiveDateTime", out.effective));
  RETURN_IF_ERROR(decodeConcept(res, "method", Mapping::kNone, out.method));
  return withFirstObject(res, "note", [&](const Node& n) { return getString(n, "text", out.note); });
}

void writeObservation(Out& o, const model::ObservationT& obs) {
  o.beginObject();
  o.field("resourceType", "Observation");
  o.field("id", obs.id);
  o.field("status", codeOf(kReportStatus, obs.status, "unknown"));
  writeConcept(o, "code", obs.code);
  o.field("effectiveDateTime", obs.effective);
  writeValue(o, obs);
  if (obs.interpretation_code != nullptr || obs.interpretation != model::Interpretation::None) {
    model::CodingT flag;
    if (obs.interpretation_code != nullptr) {
      flag = *obs.interpretation_code;
    } else {
      flag.system = kInterpretationSystem;
      flag.code = codeOf(kInterpretation, obs.interpretation);
    }
    o.key("interpretation");
    o.beginArray();
    model::CodeableConceptT cc;
    cc.coding = std::make_unique<model::CodingT>(flag);
    writeConcept(o, cc);
    o.endArray();
  }
  if (!obs.note.empty()) {
    o.key("note");
    o.beginArray();
    o.beginObject();
    o.field("text", obs.note);
    o.endObject();
    o.endArray();
  }
  writeConcept(o, "method", obs.method);
  if (obs.reference_range != nullptr) writeRange(o, *obs.reference_range);
  o.endObject();
}

Status decodeDiagnosticReport(const Node& res, const Resolver* outer, model::LabReportT& out) {
  Resolver resolver(outer);
  RETURN_IF_ERROR(resolver.addContained(res));
  RETURN_IF_ERROR(decodeReportBody(res, resolver, out));
  return forEachItem(res, "result", [&](const Node& r) { return decodeResult(r, resolver, out); });
}

Status decodeObservationsAsReport(const std::vector<const Node*>& observations, const Resolver* resolver,
                                  model::LabReportT& out) {
  for (const Node* obs : observations) {
    if (out.patient == nullptr) {
      RETURN_IF_ERROR(withMember(
          *obs, "subject", [&](const Node& s) { return decodePatientReference(s, resolver, out.patient); }));
    }
    out.observations.push_back(std::make_unique<model::ObservationT>());
    RETURN_IF_ERROR(decodeObservation(*obs, *out.observations.back()));
  }
  return Status::ok();
}

void writeLabReportEntries(Out& o, const model::LabReportT& r, std::string_view mode, uint64_t& next,
                           bool patient_entry) {
  const uint64_t report_url = next++;
  std::string patient_url;
  if (r.patient != nullptr && (patient_entry || !fitsInReference(*r.patient))) patient_url = entryUrl(next++);
  const uint64_t first_result = next;
  next += r.observations.size();
  beginEntry(o, entryUrl(report_url));
  writeReport(o, r, patient_url, first_result);
  endEntry(o, mode);
  const std::string_view include = mode.empty() ? "" : "include";
  if (!patient_url.empty()) {
    beginEntry(o, patient_url);
    writePatient(o, *r.patient);
    endEntry(o, include);
  }
  for (uint64_t i = 0; i < r.observations.size(); ++i) {
    beginEntry(o, entryUrl(first_result + i));
    if (r.observations[i] != nullptr) {
      writeObservation(o, *r.observations[i]);
    } else {
      writeObservation(o, model::ObservationT());
    }
    endEntry(o, include);
  }
}

}  // namespace metrogw::adapters::fhir
