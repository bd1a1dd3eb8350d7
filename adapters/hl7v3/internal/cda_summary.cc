// WS/T 500 C0001 (病历概要) <-> RecordSummary.
//
// Header: id, title, effectiveTime -> effective, recordTarget -> patient, author -> author,
// custodian -> custodian. Entries are read from every section by data element code:
//   DE05.01.024.00 / DE05.10.130.00 (西医诊断 / 中医病名)  value CD -> problems (code; effectiveTime ->
//       onset; entryRelationship DE05.10.113.00 病情转归 display -> note)
//   DE02.10.022.00 (过敏史)        value ST|CD -> allergies (substance)
//   DE08.50.022.00 (关键药物名称)   value ST|CD -> medications (code; entryRelationship DE06.00.136.00
//       关键药物用法 -> dose)
//   section "卫生事件" (no code)    one encounter: DE01.00.010.00 门(急)诊号 -> id, DE02.01.060.00
//       患者类型 -> class, DE08.10.026.00 科室 -> department, DE02.01.039.00 责任医师 -> practitioner,
//       DE05.10.053.00 就诊原因 -> type.text, DE06.00.092.00/.017.00 入院/出院日期 -> period
//   anything else (organizer components included) -> observations (code, value, effectiveTime).
// encode() writes problems, allergies, medications, encounters and observations in sections of
// their own (LOINC 29548-5, 48765-2, 10160-0, 卫生事件, 8716-3).
#include <memory>
#include <utility>

#include "adapters/hl7v3/internal/cda_common.h"
#include "adapters/hl7v3/internal/messages.h"
#include "adapters/hl7v3/internal/patient.h"

namespace metrogw::adapters::hl7v3 {
namespace {

constexpr std::string_view kSummaryTemplate = "2.16.156.10011.2.1.1.21";
constexpr std::string_view kDiagnosisDe = "DE05.01.024.00";
constexpr std::string_view kTcmDiagnosisDe = "DE05.10.130.00";
constexpr std::string_view kOutcomeDe = "DE05.10.113.00";
constexpr std::string_view kAllergyDe = "DE02.10.022.00";
constexpr std::string_view kDrugDe = "DE08.50.022.00";
constexpr std::string_view kDrugUsageDe = "DE06.00.136.00";
constexpr std::string_view kVisitIdDe = "DE01.00.010.00";
constexpr std::string_view kPatientTypeDe = "DE02.01.060.00";
constexpr std::string_view kDepartmentDe = "DE08.10.026.00";
constexpr std::string_view kDoctorDe = "DE02.01.039.00";
constexpr std::string_view kVisitReasonDe = "DE05.10.053.00";
constexpr std::string_view kAdmitDe = "DE06.00.092.00";
constexpr std::string_view kDischargeDe = "DE06.00.017.00";
constexpr std::string_view kEncounterSection = "卫生事件";

pugi::xml_node relatedObservation(pugi::xml_node obs, std::string_view de) {
  for (pugi::xml_node rel : children(obs, "entryRelationship")) {
    pugi::xml_node inner = child(rel, "observation");
    if (elementCode(inner) == de) return inner;
  }
  return {};
}

Status readCondition(pugi::xml_node obs, model::RecordSummaryT& s) {
  auto c = std::make_unique<model::ConditionT>();
  c->code = conceptOrNull(child(obs, "value"));
  if (pugi::xml_node t = child(obs, "effectiveTime")) {
    ASSIGN_OR_RETURN(c->onset, readTs(t));
  }
  c->note = attr(child(relatedObservation(obs, kOutcomeDe), "value"), "displayName");
  s.problems.push_back(std::move(c));
  return Status::ok();
}

std::string tsText(pugi::xml_node value) {
  auto iso = tsToIso(text(value));
  return iso.isOk() ? iso.value() : std::string();
}

void readEncounterEntry(pugi::xml_node obs, std::string_view de, model::EncounterT& e) {
  pugi::xml_node value = child(obs, "value");
  if (de != kPatientTypeDe && text(value).empty()) return;
  if (de == kVisitIdDe) {
    e.id = text(value);
  } else if (de == kPatientTypeDe) {
    e.encounter_class = codingOrNull(readCd(value));
  } else if (de == kDepartmentDe) {
    e.department = std::make_unique<model::ReferenceT>();
    e.department->kind = "Department";
    e.department->display = text(value);
  } else if (de == kDoctorDe) {
    e.practitioner = std::make_unique<model::ReferenceT>();
    e.practitioner->kind = "Practitioner";
    e.practitioner->display = text(value);
  } else if (de == kVisitReasonDe) {
    e.type = std::make_unique<model::CodeableConceptT>();
    e.type->text = text(value);
  } else if (de == kAdmitDe || de == kDischargeDe) {
    std::string iso = tsText(value);
    if (iso.empty()) return;
    if (!e.period) e.period = std::make_unique<model::PeriodT>();
    (de == kAdmitDe ? e.period->start : e.period->end) = std::move(iso);
  }
}

bool isEncounterElement(std::string_view de) {
  return de == kVisitIdDe || de == kPatientTypeDe || de == kDepartmentDe || de == kDoctorDe ||
         de == kVisitReasonDe || de == kAdmitDe || de == kDischargeDe;
}

Status readGenericObservation(pugi::xml_node obs, model::RecordSummaryT& s) {
  auto o = std::make_unique<model::ObservationT>();
  o->code = std::make_unique<model::CodeableConceptT>();
  o->code->coding = codingOrNull(readCd(child(obs, "code")));
  if (pugi::xml_node t = child(obs, "effectiveTime")) {
    ASSIGN_OR_RETURN(o->effective, readTs(t));
  }
  RETURN_IF_ERROR(readObservationValue(child(obs, "value"), *o));
  s.observations.push_back(std::move(o));
  return Status::ok();
}

Status readEntryObservation(pugi::xml_node obs, model::RecordSummaryT& s, model::EncounterT* encounter) {
  const std::string_view de = elementCode(obs);
  if (de == kDiagnosisDe || de == kTcmDiagnosisDe) return readCondition(obs, s);
  if (de == kAllergyDe) {
    auto a = std::make_unique<model::AllergyT>();
    a->substance = conceptOrNull(child(obs, "value"));
    s.allergies.push_back(std::move(a));
    return Status::ok();
  }
  if (de == kDrugDe) {
    auto m = std::make_unique<model::MedicationT>();
    m->code = conceptOrNull(child(obs, "value"));
    m->dose = text(child(relatedObservation(obs, kDrugUsageDe), "value"));
    s.medications.push_back(std::move(m));
    return Status::ok();
  }
  if (encounter != nullptr && isEncounterElement(de)) {
    readEncounterEntry(obs, de, *encounter);
    return Status::ok();
  }
  return readGenericObservation(obs, s);
}

Status readSection(pugi::xml_node section, model::RecordSummaryT& s) {
  pugi::xml_node code = child(section, "code");
  const bool encounter_section = attr(code, "code").empty() && attr(code, "displayName") == kEncounterSection;
  auto encounter = encounter_section ? std::make_unique<model::EncounterT>() : nullptr;
  for (pugi::xml_node entry : children(section, "entry")) {
    if (pugi::xml_node obs = child(entry, "observation")) {
      RETURN_IF_ERROR(readEntryObservation(obs, s, encounter.get()));
    } else if (pugi::xml_node organizer = child(entry, "organizer")) {
      for (pugi::xml_node comp : children(organizer, "component")) {
        if (pugi::xml_node inner = child(comp, "observation")) {
          RETURN_IF_ERROR(readEntryObservation(inner, s, encounter.get()));
        }
      }
    }
  }
  if (encounter) s.encounters.push_back(std::move(encounter));
  return Status::ok();
}

}  // namespace

StatusOr<model::RecordSummaryT> readRecordSummary(pugi::xml_node doc) {
  model::RecordSummaryT s;
  s.id = attr(child(doc, "id"), "extension");
  s.title = text(child(doc, "title"));
  if (pugi::xml_node t = child(doc, "effectiveTime")) {
    ASSIGN_OR_RETURN(s.effective, readTs(t));
  }
  ASSIGN_OR_RETURN(pugi::xml_node role, require(doc, "recordTarget/patientRole"));
  ASSIGN_OR_RETURN(model::PatientT p, readCdaPatient(role));
  s.patient = std::make_unique<model::PatientT>(std::move(p));
  std::string author_time;
  std::unique_ptr<model::ReferenceT> author_org;
  RETURN_IF_ERROR(readAuthor(doc, author_time, s.author, &author_org));
  s.custodian = readCustodian(doc);
  for (pugi::xml_node section : sections(doc)) RETURN_IF_ERROR(readSection(section, s));
  return s;
}

namespace {

void openSection(XmlWriter& w, std::string_view loinc, std::string_view display) {
  w.open("component");
  w.open("section");
  w.open("code");
  w.optAttr("code", loinc);
  if (!loinc.empty()) w.attr("codeSystem", kLoincOid);
  w.attr("displayName", display);
  w.close();
}

void closeSection(XmlWriter& w) {
  w.close();
  w.close();
}

// A data-element observation whose value is a concept: CD when coded, ST otherwise.
void writeConceptObservation(XmlWriter& w, std::string_view de, std::string_view display,
                             const model::CodeableConceptT* c, bool keep_open) {
  openElementObservation(w, de, display);
  if (c != nullptr && c->coding) {
    writeCdValue(w, *c->coding);
  } else if (c != nullptr) {
    w.open("value");
    w.attr("xsi:type", "ST");
    w.text(c->text);
    w.close();
  }
  if (keep_open) return;
  w.close();
  w.close();
}

void writeProblems(XmlWriter& w, const model::RecordSummaryT& s) {
  if (s.problems.empty()) return;
  openSection(w, "29548-5", "Diagnosis");
  for (const auto& c : s.problems) {
    writeConceptObservation(w, kDiagnosisDe, "西医诊断编码", c->code.get(), true);
    writeTs(w, "effectiveTime", c->onset);
    if (!c->note.empty()) {
      openRelatedObservation(w, kOutcomeDe, "病情转归代码");
      w.open("value");
      w.attr("xsi:type", "CD");
      w.attr("codeSystem", "2.16.156.10011.2.3.1.148");
      w.attr("displayName", c->note);
      w.close();
      w.close();
      w.close();
    }
    w.close();
    w.close();
  }
  closeSection(w);
}

void writeAllergiesAndMedications(XmlWriter& w, const model::RecordSummaryT& s) {
  if (!s.allergies.empty()) {
    openSection(w, "48765-2", "Allergies, adverse reactions, alerts");
    for (const auto& a : s.allergies)
      writeConceptObservation(w, kAllergyDe, "过敏史", a->substance.get(), false);
    closeSection(w);
  }
  if (s.medications.empty()) return;
  openSection(w, "10160-0", "HISTORY OF MEDICATION USE");
  for (const auto& m : s.medications) {
    writeConceptObservation(w, kDrugDe, "关键药物名称", m->code.get(), true);
    writeRelatedSt(w, kDrugUsageDe, "关键药物用法", m->dose);
    w.close();
    w.close();
  }
  closeSection(w);
}

void writeEncounter(XmlWriter& w, const model::EncounterT& e) {
  openSection(w, "", kEncounterSection);
  if (e.department) writeStObservation(w, kDepartmentDe, "医疗机构科室名称", e.department->display);
  if (e.encounter_class) {
    openElementObservation(w, kPatientTypeDe, "患者类型代码");
    writeCdValue(w, *e.encounter_class);
    w.close();
    w.close();
  }
  writeStObservation(w, kVisitIdDe, "门（急）诊号", e.id);
  if (e.period) {
    writeStObservation(w, kAdmitDe, "入院日期", isoToTs(e.period->start));
    writeStObservation(w, kDischargeDe, "出院日期", isoToTs(e.period->end));
  }
  if (e.type) writeStObservation(w, kVisitReasonDe, "就诊原因", e.type->text);
  if (e.practitioner) writeStObservation(w, kDoctorDe, "责任医师姓名", e.practitioner->display);
  closeSection(w);
}

void writeObservations(XmlWriter& w, const model::RecordSummaryT& s) {
  if (s.observations.empty()) return;
  openSection(w, "8716-3", "VITAL SIGNS");
  for (const auto& o : s.observations) {
    w.open("entry");
    w.open("observation");
    w.attr("classCode", "OBS");
    w.attr("moodCode", "EVN");
    if (o->code && o->code->coding) writeCd(w, "code", *o->code->coding, Style::kCda);
    writeTs(w, "effectiveTime", o->effective);
    writeObservationValue(w, *o, true);
    w.close();
    w.close();
  }
  closeSection(w);
}

}  // namespace

void writeRecordSummary(XmlWriter& w, const model::RecordSummaryT& s) {
  writeCdaHeader(w, {kSummaryTemplate, "C0001", s.title, s.id, s.effective});
  model::PatientT none;
  writeCdaRecordTarget(w, s.patient ? *s.patient : none, {});
  writeAuthor(w, {}, s.author.get(), nullptr);
  writeCustodian(w, s.custodian.get());
  w.open("component");
  w.open("structuredBody");
  writeProblems(w, s);
  writeAllergiesAndMedications(w, s);
  for (const auto& e : s.encounters) writeEncounter(w, *e);
  writeObservations(w, s);
  w.close();
  w.close();
  w.close();
}

}  // namespace metrogw::adapters::hl7v3
