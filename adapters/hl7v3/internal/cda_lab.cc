// WS/T 500 C0007 (检验报告) <-> LabReport, and RCMR_IN000032UV01, the document retrieve response
// that carries one or more such documents.
//
// Header: id -> id; recordTarget -> patient, except patientRole ids for the report itself
// (报告单号 2.16.156.10011.1.33, 申请单号 .1.24, 标本编号 .1.14) -> identifiers; author/time -> issued;
// author -> performer; custodian -> organization; participant[@typeCode=PRF] scopingOrganization ->
// department, its wholeOrganization -> ordered_by; componentOf/encompassingEncounter/effectiveTime
// -> effective. Lab section (LOINC 30954-2): observation DE04.30.018.00 (检验类别) -> category;
// report section: DE04.50.130.00 (检验报告结果) -> conclusion. Each result is one organizer, in
// the national data-element layout of the sample:
//   <organizer classCode="CLUSTER" moodCode="EVN"><id extension="{observation id}"/><statusCode code=".."/>
//     <component><observation><code code="DE04.30.019.00"/>               检验项目代码 -> code
//         <effectiveTime value=".."/>  <value xsi:type="CD|ST"/>  <methodCode/>
//         <entryRelationship><observation><code code="DE04.50.134.00"/>   标本类别 -> report specimen
//             <effectiveTime><low/><high/></effectiveTime><value
//             xsi:type="ST|CD"/></observation></entryRelationship>
//     <component><observation><code code="DE04.30.017.00"/>               检验结果代码 -> interpretation
//         <value xsi:type="CD"/>
//     <component><observation><code code="DE04.30.015.00"/>               检验定量结果 -> value
//         <value xsi:type="REAL|PQ|INT|ST|CD|TS"/>
//         <entryRelationship><observation><code code="DE04.30.016.00"/><value xsi:type="ST">unit</value>
//         <referenceRange><observationRange><text>..</text><value xsi:type="IVL_PQ"><low/><high/></value>
// Also read (written back in the layout above): results as direct observations, in an entry or as
// organizer components: <observation><code code="{lab item}" codeSystem="{LIS}"/><effectiveTime/>
// <value xsi:type="PQ" value unit/><interpretationCode/><referenceRange/></observation>.
// Status: organizer statusCode (completed Final, active Preliminary, cancelled, nullified); the
// report takes the first organizer's (Final without one) and every observation the report's.
// Not carried: LabReport.code, observation notes, unit_system, the diagnosis section.
#include <memory>
#include <utility>

#include "adapters/hl7v3/internal/cda_common.h"
#include "adapters/hl7v3/internal/messages.h"
#include "adapters/hl7v3/internal/patient.h"
#include "adapters/hl7v3/internal/wrapper.h"
#include "adapters/mapping.h"

namespace metrogw::adapters::hl7v3 {
namespace {

constexpr std::string_view kLabTemplate = "2.16.156.10011.2.1.1.27";
constexpr std::string_view kItemDe = "DE04.30.019.00";
constexpr std::string_view kFlagDe = "DE04.30.017.00";
constexpr std::string_view kResultDe = "DE04.30.015.00";
constexpr std::string_view kUnitDe = "DE04.30.016.00";
constexpr std::string_view kSpecimenDe = "DE04.50.134.00";
constexpr std::string_view kCategoryDe = "DE04.30.018.00";
constexpr std::string_view kConclusionDe = "DE04.50.130.00";
constexpr std::string_view kInterpretationSystem = "2.16.840.1.113883.5.83";

bool isReportId(std::string_view root) {
  return root == "2.16.156.10011.1.33" || root == "2.16.156.10011.1.24" || root == "2.16.156.10011.1.14";
}

model::ReportStatus statusOf(std::string_view code) {
  if (code == "active") return model::ReportStatus::Preliminary;
  if (code == "cancelled" || code == "aborted") return model::ReportStatus::Cancelled;
  if (code == "nullified") return model::ReportStatus::EnteredInError;
  return model::ReportStatus::Final;
}

std::string_view statusCode(model::ReportStatus s) {
  switch (s) {
    case model::ReportStatus::Registered:
    case model::ReportStatus::Partial:
    case model::ReportStatus::Preliminary: return "active";
    case model::ReportStatus::Cancelled: return "cancelled";
    case model::ReportStatus::EnteredInError: return "nullified";
    default: return "completed";
  }
}

struct FlagCode {
  std::string_view code;
  model::Interpretation value;
};
constexpr FlagCode kFlags[] = {
    {"N", model::Interpretation::Normal},
    {"L", model::Interpretation::Low},
    {"H", model::Interpretation::High},
    {"LL", model::Interpretation::CriticalLow},
    {"HH", model::Interpretation::CriticalHigh},
    {"A", model::Interpretation::Abnormal},
    {"AA", model::Interpretation::CriticalAbnormal},
};

model::Interpretation interpretationOf(const model::CodingT& c) {
  for (const FlagCode& f : kFlags) {
    if (c.code == f.code) return f.value;
  }
  const std::string_view d = c.display;
  if (d.find("偏高") != std::string_view::npos || d == "高") return model::Interpretation::High;
  if (d.find("偏低") != std::string_view::npos || d == "低") return model::Interpretation::Low;
  if (d.find("异常") != std::string_view::npos) return model::Interpretation::Abnormal;
  if (d.find("正常") != std::string_view::npos) return model::Interpretation::Normal;
  return model::Interpretation::None;
}

void readFlag(pugi::xml_node value, model::ObservationT& o) {
  model::CodingT c = readCd(value);
  o.interpretation = interpretationOf(c);
  o.interpretation_code.reset();
  if (c.system != kInterpretationSystem) o.interpretation_code = codingOrNull(std::move(c));
}

void readRange(pugi::xml_node range, model::ObservationT& o) {
  pugi::xml_node obs_range = child(range, "observationRange");
  if (!obs_range) return;
  auto r = std::make_unique<model::ReferenceRangeT>();
  r->text = text(child(obs_range, "text"));
  pugi::xml_node value = child(obs_range, "value");
  r->low = attr(child(value, "low"), "value");
  r->high = attr(child(value, "high"), "value");
  if (!r->low.empty()) r->unit = attr(child(value, "low"), "unit");
  if (r->unit.empty() && !r->high.empty()) r->unit = attr(child(value, "high"), "unit");
  o.reference_range = std::move(r);
}

Status readSpecimen(pugi::xml_node obs, model::LabReportT& r) {
  if (r.specimen) return Status::ok();
  auto s = std::make_unique<model::SpecimenT>();
  pugi::xml_node time = child(obs, "effectiveTime");
  if (pugi::xml_node low = child(time, "low")) {
    ASSIGN_OR_RETURN(s->collected, readTs(low));
  }
  if (pugi::xml_node high = child(time, "high")) {
    ASSIGN_OR_RETURN(s->received, readTs(high));
  }
  pugi::xml_node value = child(obs, "value");
  s->type = conceptOrNull(value);
  r.specimen = std::move(s);
  return Status::ok();
}

Status readItem(pugi::xml_node obs, model::ObservationT& o, model::LabReportT& r) {
  if (pugi::xml_node t = child(obs, "effectiveTime")) {
    ASSIGN_OR_RETURN(o.effective, readTs(t));
  }
  pugi::xml_node value = child(obs, "value");
  model::CodingT c = readCd(value);
  if (xsiType(value) == "ST" || c.code.empty()) c.code = text(value);
  if (!c.code.empty() || !c.system.empty() || !c.display.empty()) {
    o.code = std::make_unique<model::CodeableConceptT>();
    mapInto(Table::kLabItems, c.system, c.code, c.display, *o.code);
  }
  if (auto method = codingOrNull(readCd(child(obs, "methodCode")))) {
    o.method = std::make_unique<model::CodeableConceptT>();
    o.method->coding = std::move(method);
  }
  for (pugi::xml_node rel : children(obs, "entryRelationship")) {
    pugi::xml_node inner = child(rel, "observation");
    if (elementCode(inner) == kSpecimenDe) RETURN_IF_ERROR(readSpecimen(inner, r));
  }
  return Status::ok();
}

Status readResult(pugi::xml_node obs, model::ObservationT& o) {
  RETURN_IF_ERROR(readObservationValue(child(obs, "value"), o));
  for (pugi::xml_node rel : children(obs, "entryRelationship")) {
    pugi::xml_node inner = child(rel, "observation");
    if (elementCode(inner) == kUnitDe) o.unit = text(child(inner, "value"));
  }
  if (pugi::xml_node i = child(obs, "interpretationCode")) readFlag(i, o);
  if (pugi::xml_node range = child(obs, "referenceRange")) readRange(range, o);
  return Status::ok();
}

// A result written directly as one observation (the other common LIS layout): a lab item code
// that is not a data element, value PQ/ST/CD, interpretationCode, referenceRange.
bool isDirectResult(pugi::xml_node obs) {
  pugi::xml_node code = child(obs, "code");
  return obs && !attr(code, "code").empty() && attr(code, "codeSystem") != kDataElementSystem &&
         child(obs, "value");
}

Status readDirectResult(pugi::xml_node obs, model::LabReportT& r) {
  auto o = std::make_unique<model::ObservationT>();
  o->id = attr(child(obs, "id"), "extension");
  const model::CodingT c = readCd(child(obs, "code"));
  o->code = std::make_unique<model::CodeableConceptT>();
  mapInto(Table::kLabItems, c.system, c.code, c.display, *o->code);
  pugi::xml_node time = child(obs, "effectiveTime");
  if (pugi::xml_node low = child(time, "low")) time = low;
  if (time) {
    ASSIGN_OR_RETURN(o->effective, readTs(time));
  }
  if (auto method = codingOrNull(readCd(child(obs, "methodCode")))) {
    o->method = std::make_unique<model::CodeableConceptT>();
    o->method->coding = std::move(method);
  }
  RETURN_IF_ERROR(readResult(obs, *o));
  r.observations.push_back(std::move(o));
  return Status::ok();
}

bool isCluster(pugi::xml_node organizer) {
  for (pugi::xml_node comp : children(organizer, "component")) {
    const std::string_view de = elementCode(child(comp, "observation"));
    if (de == kItemDe || de == kFlagDe || de == kResultDe) return true;
  }
  return false;
}

Status readOrganizer(pugi::xml_node organizer, model::LabReportT& r) {
  const bool first = r.observations.empty();
  const model::ReportStatus status = statusOf(attr(child(organizer, "statusCode"), "code"));
  if (!isCluster(organizer)) {
    for (pugi::xml_node comp : children(organizer, "component")) {
      pugi::xml_node obs = child(comp, "observation");
      if (isDirectResult(obs)) RETURN_IF_ERROR(readDirectResult(obs, r));
    }
    if (first && !r.observations.empty()) r.status = status;
    return Status::ok();
  }
  if (first) r.status = status;
  auto o = std::make_unique<model::ObservationT>();
  o->id = attr(child(organizer, "id"), "extension");
  for (pugi::xml_node comp : children(organizer, "component")) {
    pugi::xml_node obs = child(comp, "observation");
    const std::string_view de = elementCode(obs);
    if (de == kItemDe) {
      RETURN_IF_ERROR(readItem(obs, *o, r));
    } else if (de == kFlagDe) {
      readFlag(child(obs, "value"), *o);
    } else if (de == kResultDe) {
      RETURN_IF_ERROR(readResult(obs, *o));
    }
  }
  r.observations.push_back(std::move(o));
  return Status::ok();
}

Status readSection(pugi::xml_node section, model::LabReportT& r) {
  const bool diagnoses = attr(child(section, "code"), "code") == "29548-5";
  for (pugi::xml_node entry : children(section, "entry")) {
    if (pugi::xml_node organizer = child(entry, "organizer")) {
      RETURN_IF_ERROR(readOrganizer(organizer, r));
      continue;
    }
    pugi::xml_node obs = child(entry, "observation");
    const std::string_view de = elementCode(obs);
    if (!diagnoses && isDirectResult(obs)) {
      RETURN_IF_ERROR(readDirectResult(obs, r));
    } else if (de == kCategoryDe) {
      r.category = conceptOrNull(child(obs, "value"));
    } else if (de == kConclusionDe) {
      r.conclusion = text(child(obs, "value"));
    }
  }
  return Status::ok();
}

void readRequester(pugi::xml_node doc, model::LabReportT& r) {
  for (pugi::xml_node p : children(doc, "participant")) {
    if (attr(p, "typeCode") != "PRF") continue;
    pugi::xml_node scoping = descend(p, "associatedEntity/scopingOrganization");
    r.department = readEntityRef(scoping, "Department");
    r.ordered_by = readEntityRef(descend(scoping, "asOrganizationPartOf/wholeOrganization"), "Organization");
    return;
  }
}

}  // namespace

StatusOr<model::LabReportT> readLabReport(pugi::xml_node doc) {
  model::LabReportT r;
  r.status = model::ReportStatus::Final;
  r.id = attr(child(doc, "id"), "extension");
  ASSIGN_OR_RETURN(pugi::xml_node role, require(doc, "recordTarget/patientRole"));
  ASSIGN_OR_RETURN(model::PatientT p, readCdaPatient(role));
  auto& ids = p.identifiers;
  for (auto it = ids.begin(); it != ids.end();) {
    if (isReportId((*it)->system)) {
      r.identifiers.push_back(std::move(*it));
      it = ids.erase(it);
    } else {
      ++it;
    }
  }
  r.patient = std::make_unique<model::PatientT>(std::move(p));
  RETURN_IF_ERROR(readAuthor(doc, r.issued, r.performer, nullptr));
  r.organization = readCustodian(doc);
  readRequester(doc, r);
  if (pugi::xml_node t = descend(doc, "componentOf/encompassingEncounter/effectiveTime")) {
    if (pugi::xml_node low = child(t, "low")) t = low;
    ASSIGN_OR_RETURN(r.effective, readTs(t));
  }
  for (pugi::xml_node section : sections(doc)) RETURN_IF_ERROR(readSection(section, r));
  for (auto& o : r.observations) o->status = r.status;
  return r;
}

namespace {

void writeRequester(XmlWriter& w, const model::LabReportT& r) {
  if (!r.department && !r.ordered_by) return;
  w.open("participant");
  w.attr("typeCode", "PRF");
  w.open("associatedEntity");
  w.attr("classCode", "ASSIGNED");
  w.open("scopingOrganization");
  if (r.department && r.department->identifier) writeIi(w, "id", *r.department->identifier);
  if (r.department) writeName(w, "name", r.department->display, Style::kCda);
  if (r.ordered_by) {
    w.open("asOrganizationPartOf");
    writeEntityRef(w, "wholeOrganization", r.ordered_by.get(), Style::kCda);
    w.close();
  }
  w.close();
  w.close();
  w.close();
}

void writeItem(XmlWriter& w, const model::ObservationT& o, const model::SpecimenT* specimen) {
  w.open("component");
  w.open("observation");
  w.attr("classCode", "OBS");
  w.attr("moodCode", "EVN");
  w.open("code");
  w.attr("code", kItemDe);
  w.attr("codeSystem", kDataElementSystem);
  w.attr("displayName", "检验项目代码");
  w.close();
  writeTs(w, "effectiveTime", o.effective);
  const model::CodingT* c = o.code ? o.code->coding.get() : nullptr;
  if (c != nullptr && (!c->system.empty() || !c->display.empty())) {
    writeCdValue(w, *c);
  } else if (c != nullptr) {
    w.open("value");
    w.attr("xsi:type", "ST");
    w.text(c->code);
    w.close();
  }
  if (o.method && o.method->coding) writeCd(w, "methodCode", *o.method->coding, Style::kCda);
  if (specimen != nullptr) {
    openRelatedObservation(w, kSpecimenDe, "标本类别");
    if (!specimen->collected.empty() || !specimen->received.empty()) {
      w.open("effectiveTime");
      writeTs(w, "low", specimen->collected);
      writeTs(w, "high", specimen->received);
      w.close();
    }
    if (specimen->type && specimen->type->coding) {
      writeCdValue(w, *specimen->type->coding);
    } else if (specimen->type) {
      w.open("value");
      w.attr("xsi:type", "ST");
      w.text(specimen->type->text);
      w.close();
    }
    w.close();
    w.close();
  }
  w.close();
  w.close();
}

void openComponentObservation(XmlWriter& w, std::string_view de, std::string_view display) {
  w.open("component");
  w.open("observation");
  w.attr("classCode", "OBS");
  w.attr("moodCode", "EVN");
  w.open("code");
  w.attr("code", de);
  w.attr("codeSystem", kDataElementSystem);
  w.attr("displayName", display);
  w.close();
}

void writeFlag(XmlWriter& w, const model::ObservationT& o) {
  model::CodingT c;
  if (o.interpretation_code) {
    c = *o.interpretation_code;
  } else if (o.interpretation != model::Interpretation::None) {
    for (const FlagCode& f : kFlags) {
      if (f.value == o.interpretation) c.code = f.code;
    }
    c.system = kInterpretationSystem;
  } else {
    return;
  }
  openComponentObservation(w, kFlagDe, "检验结果代码");
  writeCdValue(w, c);
  w.close();
  w.close();
}

void writeRange(XmlWriter& w, const model::ReferenceRangeT& r) {
  w.open("referenceRange");
  w.open("observationRange");
  if (!r.text.empty()) {
    w.open("text");
    w.text(r.text);
    w.close();
  }
  if (!r.low.empty() || !r.high.empty()) {
    w.open("value");
    w.attr("xsi:type", "IVL_PQ");
    for (const auto& [name, v] :
         {std::pair<std::string_view, std::string_view>{"low", r.low}, {"high", r.high}}) {
      if (v.empty()) continue;
      w.open(name);
      w.attr("value", v);
      w.optAttr("unit", r.unit);
      w.close();
    }
    w.close();
  }
  w.close();
  w.close();
}

void writeResult(XmlWriter& w, const model::ObservationT& o) {
  if (o.value_type == model::ValueType::None && o.unit.empty() && !o.reference_range) return;
  openComponentObservation(w, kResultDe, "检验定量结果");
  writeObservationValue(w, o, false);
  writeRelatedSt(w, kUnitDe, "检查定量结果计量单位", o.unit);
  if (o.reference_range) writeRange(w, *o.reference_range);
  w.close();
  w.close();
}

void writeOrganizer(XmlWriter& w, const model::ObservationT& o, model::ReportStatus status,
                    const model::SpecimenT* specimen) {
  w.open("entry");
  w.open("organizer");
  w.attr("classCode", "CLUSTER");
  w.attr("moodCode", "EVN");
  w.leaf("id", "extension", o.id);
  w.leaf("statusCode", "code", statusCode(status));
  writeItem(w, o, specimen);
  writeFlag(w, o);
  writeResult(w, o);
  w.close();
  w.close();
}

void writeLabSection(XmlWriter& w, const model::LabReportT& r) {
  w.open("component");
  w.open("section");
  w.open("code");
  w.attr("code", "30954-2");
  w.attr("codeSystem", kLoincOid);
  w.attr("codeSystemName", "LOINC");
  w.attr("displayName", "STUDIES SUMMARY");
  w.close();
  if (r.category && r.category->coding) {
    openElementObservation(w, kCategoryDe, "检验类别");
    writeCdValue(w, *r.category->coding);
    w.close();
    w.close();
  } else if (r.category) {
    writeStObservation(w, kCategoryDe, "检验类别", r.category->text);
  }
  bool first = true;
  for (const auto& o : r.observations) {
    writeOrganizer(w, *o, r.status, first ? r.specimen.get() : nullptr);
    first = false;
  }
  w.close();
  w.close();
}

}  // namespace

void writeLabReport(XmlWriter& w, const model::LabReportT& r) {
  writeCdaHeader(w, {kLabTemplate, "C0007", "检验报告", r.id, r.issued});
  model::PatientT none;
  writeCdaRecordTarget(w, r.patient ? *r.patient : none, r.identifiers);
  writeAuthor(w, r.issued, r.performer.get(), nullptr);
  writeCustodian(w, r.organization.get());
  writeRequester(w, r);
  if (!r.effective.empty()) {
    w.open("componentOf");
    w.open("encompassingEncounter");
    writeTs(w, "effectiveTime", r.effective);
    w.close();
    w.close();
  }
  w.open("component");
  w.open("structuredBody");
  writeLabSection(w, r);
  if (!r.conclusion.empty()) {
    w.open("component");
    w.open("section");
    w.leaf("code", "displayName", "检验报告");
    writeStObservation(w, kConclusionDe, "检验报告结果", r.conclusion);
    w.close();
    w.close();
  }
  w.close();
  w.close();
  w.close();
}

// RCMR_IN000032UV01 (文档调阅应答): the wrapper, then one subject per document:
//   <controlActProcess><subject
//   typeCode="SUBJ"><ClinicalDocument>..</ClinicalDocument></subject>..<queryAck/>
Status decodeDocumentRetrieve(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node act, require(root, "controlActProcess"));
  model::SearchResultT result;
  for (pugi::xml_node subject : children(act, "subject")) {
    ASSIGN_OR_RETURN(pugi::xml_node doc, require(subject, "ClinicalDocument"));
    ASSIGN_OR_RETURN(model::LabReportT r, readLabReport(doc));
    result.lab_reports.push_back(std::make_unique<model::LabReportT>(std::move(r)));
  }
  readQueryAck(act, result);
  env.body.Set(std::move(result));
  return Status::ok();
}

std::string encodeDocumentRetrieve(const model::EnvelopeT& env, const model::SearchResultT& r) {
  XmlWriter w;
  writeWrapper(w, kDocumentRetrieveRoot, env);
  writeReplyAck(w, env);
  openControlAct(w);
  for (const auto& report : r.lab_reports) {
    w.open("subject");
    w.attr("typeCode", "SUBJ");
    writeLabReport(w, *report);
    w.close();
  }
  writeQueryAck(w, r, r.lab_reports.size());
  return w.finish();
}

}  // namespace metrogw::adapters::hl7v3
