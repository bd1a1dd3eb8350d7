// Document Bundle (Composition + Condition, AllergyIntolerance, MedicationStatement, Encounter,
// Observation entries) <-> model::RecordSummaryT.
//
// Decoding takes the Composition (id, identifier, title, date, subject, author[0], custodian) and
// every other entry by resource type, in Bundle order. Encoding writes one section per kind,
// entries linked by urn:uuid fullUrls. Encounter: class, type[0], period, serviceProvider,
// participant[0].individual, reasonCode[] (diagnoses), extension kExtBase + "department".
#include "adapters/fhir/resources.h"

namespace metrogw::adapters::fhir {
namespace {

Status decodeClinicalStatus(const Node& res, std::string& out) {
  return withObject(res, "clinicalStatus", [&](const Node& cc) {
    return withFirstObject(cc, "coding", [&](const Node& c) { return getString(c, "code", out); });
  });
}

Status firstNoteText(const Node& res, std::string& out) {
  return withFirstObject(res, "note", [&](const Node& n) { return getString(n, "text", out); });
}

Status decodeCondition(const Node& res, model::ConditionT& out) {
  RETURN_IF_ERROR(decodeConcept(res, "code", Mapping::kNone, out.code));
  RETURN_IF_ERROR(getTime(res, "onsetDateTime", out.onset));
  RETURN_IF_ERROR(decodeClinicalStatus(res, out.status));
  return firstNoteText(res, out.note);
}

Status decodeAllergy(const Node& res, model::AllergyT& out) {
  RETURN_IF_ERROR(decodeConcept(res, "code", Mapping::kNone, out.substance));
  RETURN_IF_ERROR(decodeClinicalStatus(res, out.status));
  return withFirstObject(res, "reaction", [&](const Node& r) -> Status {
    RETURN_IF_ERROR(getString(r, "description", out.reaction));
    return getString(r, "severity", out.severity);
  });
}

Status decodeMedication(const Node& res, model::MedicationT& out) {
  RETURN_IF_ERROR(decodeConcept(res, "medicationCodeableConcept", Mapping::kNone, out.code));
  RETURN_IF_ERROR(getString(res, "status", out.status));
  RETURN_IF_ERROR(decodePeriod(res, "effectivePeriod", out.period));
  return withFirstObject(res, "dosage", [&](const Node& d) -> Status {
    RETURN_IF_ERROR(getString(d, "text", out.dose));
    RETURN_IF_ERROR(decodeConcept(d, "route", Mapping::kNone, out.route));
    return withObject(d, "timing", [&](const Node& t) {
      return withObject(t, "code", [&](const Node& c) { return getString(c, "text", out.frequency); });
    });
  });
}

Status decodeEncounter(const Node& res, model::EncounterT& out) {
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(withMember(res, "class", [&](const Node& c) -> Status {
    out.encounter_class = std::make_unique<model::CodingT>();
    return decodeCoding(c, *out.encounter_class);
  }));
  RETURN_IF_ERROR(withFirstObject(res, "type", [&](const Node& t) -> Status {
    out.type = std::make_unique<model::CodeableConceptT>();
    return decodeConcept(t, Mapping::kNone, *out.type);
  }));
  RETURN_IF_ERROR(decodePeriod(res, "period", out.period));
  RETURN_IF_ERROR(decodeReference(res, "serviceProvider", out.organization));
  RETURN_IF_ERROR(extReference(res, "department", out.department));
  RETURN_IF_ERROR(withFirstObject(
      res, "participant", [&](const Node& p) { return decodeReference(p, "individual", out.practitioner); }));
  return decodeConcepts(res, "reasonCode", Mapping::kNone, out.diagnoses);
}

template <class T, class F>
Status decodeInto(const Node& res, PtrList<T>& list, F&& f) {
  list.push_back(std::make_unique<T>());
  return f(res, *list.back());
}

Status decodeEntry(const Resolver::Target& t, model::RecordSummaryT& out) {
  const Node& res = *t.node;
  if (t.kind == "Condition") return decodeInto(res, out.problems, decodeCondition);
  if (t.kind == "AllergyIntolerance") return decodeInto(res, out.allergies, decodeAllergy);
  if (t.kind == "MedicationStatement") return decodeInto(res, out.medications, decodeMedication);
  if (t.kind == "Encounter") return decodeInto(res, out.encounters, decodeEncounter);
  if (t.kind == "Observation") return decodeInto(res, out.observations, decodeObservation);
  return Status::ok();
}

void writeStatusConcept(Out& o, std::string_view key, std::string_view code) {
  if (code.empty()) return;
  o.key(key);
  o.beginObject();
  o.key("coding");
  o.beginArray();
  o.beginObject();
  o.field("code", code);
  o.endObject();
  o.endArray();
  o.endObject();
}

void writeCondition(Out& o, const model::ConditionT& c, std::string_view subject) {
  o.beginObject();
  o.field("resourceType", "Condition");
  writeStatusConcept(o, "clinicalStatus", c.status);
  writeConcept(o, "code", c.code);
  o.key("subject");
  o.beginObject();
  o.field("reference", subject);
  o.endObject();
  o.field("onsetDateTime", c.onset);
  if (!c.note.empty()) {
    o.key("note");
    o.beginArray();
    o.beginObject();
    o.field("text", c.note);
    o.endObject();
    o.endArray();
  }
  o.endObject();
}

void writeAllergy(Out& o, const model::AllergyT& a, std::string_view subject) {
  o.beginObject();
  o.field("resourceType", "AllergyIntolerance");
  writeStatusConcept(o, "clinicalStatus", a.status);
  writeConcept(o, "code", a.substance);
  o.key("patient");
  o.beginObject();
  o.field("reference", subject);
  o.endObject();
  if (!a.reaction.empty() || !a.severity.empty()) {
    o.key("reaction");
    o.beginArray();
    o.beginObject();
    o.field("description", a.reaction);
    o.field("severity", a.severity);
    o.endObject();
    o.endArray();
  }
  o.endObject();
}

void writeMedication(Out& o, const model::MedicationT& m, std::string_view subject) {
  o.beginObject();
  o.field("resourceType", "MedicationStatement");
  o.field("status", m.status);
  writeConcept(o, "medicationCodeableConcept", m.code);
  o.key("subject");
  o.beginObject();
  o.field("reference", subject);
  o.endObject();
  writePeriod(o, "effectivePeriod", m.period);
  if (!m.dose.empty() || m.route != nullptr || !m.frequency.empty()) {
    o.key("dosage");
    o.beginArray();
    o.beginObject();
    o.field("text", m.dose);
    if (!m.frequency.empty()) {
      o.key("timing");
      o.beginObject();
      o.key("code");
      o.beginObject();
      o.field("text", m.frequency);
      o.endObject();
      o.endObject();
    }
    writeConcept(o, "route", m.route);
    o.endObject();
    o.endArray();
  }
  o.endObject();
}

void writeEncounter(Out& o, const model::EncounterT& e) {
  o.beginObject();
  o.field("resourceType", "Encounter");
  o.field("id", e.id);
  {
    Extensions ext(o);
    ext.reference("department", e.department);
  }
  o.field("status", "finished");
  if (e.encounter_class != nullptr) {
    o.key("class");
    writeCoding(o, *e.encounter_class);
  }
  if (e.type != nullptr) {
    o.key("type");
    o.beginArray();
    writeConcept(o, *e.type);
    o.endArray();
  }
  if (e.practitioner != nullptr) {
    o.key("participant");
    o.beginArray();
    o.beginObject();
    writeReference(o, "individual", e.practitioner);
    o.endObject();
    o.endArray();
  }
  writePeriod(o, "period", e.period);
  writeConcepts(o, "reasonCode", e.diagnoses);
  writeReference(o, "serviceProvider", e.organization);
  o.endObject();
}

struct Section {
  std::string_view title;
  std::string_view loinc;
  uint64_t first;
  uint64_t count;
};

void writeComposition(Out& o, const model::RecordSummaryT& r, std::string_view patient_url,
                      const std::vector<Section>& sections) {
  o.beginObject();
  o.field("resourceType", "Composition");
  o.field("id", r.id);
  if (!r.identifiers.empty() && r.identifiers[0] != nullptr) {
    o.key("identifier");
    writeIdentifier(o, *r.identifiers[0]);
  }
  o.field("status", "final");
  o.key("type");
  o.beginObject();
  o.key("coding");
  o.beginArray();
  o.beginObject();
  o.field("system", "http://loinc.org");
  o.field("code", "60591-5");
  o.field("display", "Patient summary Document");
  o.endObject();
  o.endArray();
  o.endObject();
  if (r.patient != nullptr) writePatientReference(o, "subject", *r.patient, patient_url);
  o.field("date", r.effective);
  if (r.author != nullptr) {
    o.key("author");
    o.beginArray();
    writeReference(o, *r.author);
    o.endArray();
  }
  o.field("title", r.title);
  writeReference(o, "custodian", r.custodian);
  o.key("section");
  o.beginArray();
  for (const Section& s : sections) {
    if (s.count == 0) continue;
    o.beginObject();
    o.field("title", s.title);
    o.key("code");
    o.beginObject();
    o.key("coding");
    o.beginArray();
    o.beginObject();
    o.field("system", "http://loinc.org");
    o.field("code", s.loinc);
    o.endObject();
    o.endArray();
    o.endObject();
    o.key("entry");
    o.beginArray();
    for (uint64_t i = 0; i < s.count; ++i) {
      o.beginObject();
      o.field("reference", entryUrl(s.first + i));
      o.endObject();
    }
    o.endArray();
    o.endObject();
  }
  o.endArray();
  o.endObject();
}

template <class T, class F>
void writeEntries(Out& o, const PtrList<T>& list, uint64_t& next, F&& f) {
  for (const auto& item : list) {
    o.beginObject();
    o.field("fullUrl", entryUrl(next++));
    o.key("resource");
    if (item) {
      f(*item);
    } else {
      f(T());
    }
    o.endObject();
  }
}

}  // namespace

Status decodeDocument(const Node& composition, const Resolver& resolver, model::RecordSummaryT& out) {
  RETURN_IF_ERROR(getString(composition, "id", out.id));
  RETURN_IF_ERROR(withMember(composition, "identifier", [&](const Node& i) -> Status {
    out.identifiers.push_back(std::make_unique<model::IdentifierT>());
    return decodeIdentifier(i, *out.identifiers.back());
  }));
  RETURN_IF_ERROR(getString(composition, "title", out.title));
  RETURN_IF_ERROR(getTime(composition, "date", out.effective));
  RETURN_IF_ERROR(withMember(composition, "subject", [&](const Node& s) {
    return decodePatientReference(s, &resolver, out.patient);
  }));
  RETURN_IF_ERROR(withFirstObject(composition, "author", [&](const Node& a) -> Status {
    out.author = std::make_unique<model::ReferenceT>();
    return decodeReference(a, *out.author);
  }));
  RETURN_IF_ERROR(decodeReference(composition, "custodian", out.custodian));
  for (const Resolver::Target& t : resolver.targets()) {
    if (t.node != &composition) RETURN_IF_ERROR(decodeEntry(t, out));
  }
  return Status::ok();
}

void writeRecordSummary(Out& o, const model::RecordSummaryT& r) {
  uint64_t next = 1;
  std::string patient_url;
  if (r.patient != nullptr && !fitsInReference(*r.patient)) patient_url = entryUrl(next++);
  std::vector<Section> sections = {
      {"Problems", "11450-4", 0, r.problems.size()},       {"Allergies", "48765-2", 0, r.allergies.size()},
      {"Medications", "10160-0", 0, r.medications.size()}, {"Encounters", "46240-8", 0, r.encounters.size()},
      {"Results", "30954-2", 0, r.observations.size()},
  };
  for (Section& s : sections) {
    s.first = next;
    next += s.count;
  }
  const std::string subject = patient_url.empty() && r.patient != nullptr && !r.patient->id.empty()
                                  ? "Patient/" + r.patient->id
                                  : patient_url;
  o.beginObject();
  o.field("resourceType", "Bundle");
  o.field("type", "document");
  o.key("entry");
  o.beginArray();
  o.beginObject();
  o.field("fullUrl", entryUrl(0));
  o.key("resource");
  writeComposition(o, r, patient_url, sections);
  o.endObject();
  if (!patient_url.empty()) {
    o.beginObject();
    o.field("fullUrl", patient_url);
    o.key("resource");
    writePatient(o, *r.patient);
    o.endObject();
  }
  next = sections[0].first;
  writeEntries(o, r.problems, next, [&](const model::ConditionT& c) { writeCondition(o, c, subject); });
  writeEntries(o, r.allergies, next, [&](const model::AllergyT& a) { writeAllergy(o, a, subject); });
  writeEntries(o, r.medications, next, [&](const model::MedicationT& m) { writeMedication(o, m, subject); });
  writeEntries(o, r.encounters, next, [&](const model::EncounterT& e) { writeEncounter(o, e); });
  writeEntries(o, r.observations, next, [&](const model::ObservationT& obs) { writeObservation(o, obs); });
  o.endArray();
  o.endObject();
}

}  // namespace metrogw::adapters::fhir
