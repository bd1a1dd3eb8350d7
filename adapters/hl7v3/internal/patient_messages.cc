// Patient interactions: PRPA_IN201311UV02 register, PRPA_IN201305UV02 query, PRPA_IN201306UV02
// query response, and the MCCI_IN000002UV01 acknowledgement. Layouts follow the national samples
// (tests/data/samples/hl7v3-cda/); see patient.h for the patient itself.
#include <charconv>
#include <memory>
#include <utility>

#include "adapters/hl7v3/internal/datatypes.h"
#include "adapters/hl7v3/internal/messages.h"
#include "adapters/hl7v3/internal/patient.h"
#include "adapters/hl7v3/internal/wrapper.h"

namespace metrogw::adapters::hl7v3 {
namespace {

bool isEmptyPatient(const model::PatientT& p) {
  return p.identifiers.empty() && !p.name && p.gender == model::Gender::Unknown && !p.gender_code &&
         p.birth_date.empty();
}

void writeSemantics(XmlWriter& w, std::string_view text) { w.leaf("semanticsText", "value", text); }

void writeParamIds(XmlWriter& w, const model::PatientT& p) {
  for (const auto& id : p.identifiers) {
    if (identifierGroup(id->system) == 0) {
      writeIi(w, "id", *id);
      continue;
    }
    w.open("livingSubjectId");
    w.open("value");
    writeIi(w, "item", *id);
    w.close();
    writeSemantics(w, id->system == model::kResidentIdOid ? "患者身份证号" : "患者标识");
    w.close();
  }
}

void writeParamPerson(XmlWriter& w, const model::PatientT& p) {
  if (p.gender != model::Gender::Unknown || p.gender_code) {
    w.open("livingSubjectAdministrativeGender");
    writeGender(w, p, Style::kMessage, "value");
    writeSemantics(w, "患者性别");
    w.close();
  }
  if (!p.birth_date.empty()) {
    w.open("livingSubjectBirthTime");
    writeTs(w, "value", p.birth_date);
    writeSemantics(w, "出生日期");
    w.close();
  }
  if (p.name && !p.name->text.empty()) {
    w.open("livingSubjectName");
    w.open("value");
    w.open("item");
    w.leaf("part", "value", p.name->text);
    w.close();
    w.close();
    writeSemantics(w, "患者姓名");
    w.close();
  }
}

Status readParams(pugi::xml_node params, model::PatientT& p) {
  for (pugi::xml_node c = params.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view n = localName(c.name());
    pugi::xml_node value = child(c, "value");
    if (n == "id") {
      readIds(c, p.identifiers);
    } else if (n == "livingSubjectId") {
      readIds(value, p.identifiers);
    } else if (n == "livingSubjectAdministrativeGender") {
      readGender(value, p);
    } else if (n == "livingSubjectName") {
      const std::string name = readName(value);
      if (!name.empty()) {
        p.name = std::make_unique<model::HumanNameT>();
        p.name->text = name;
      }
    } else if (n == "livingSubjectBirthTime") {
      if (pugi::xml_node low = child(value, "low")) value = low;
      ASSIGN_OR_RETURN(p.birth_date, readTs(value));
    }
  }
  return Status::ok();
}

}  // namespace

Status decodePatientRegister(pugi::xml_node root, model::EnvelopeT& env) {
  // Register (PRPA_IN201311UV02) and update (PRPA_IN201314UV02) carry a registrationRequest;
  // the PRPA_IN201301/201302UV02 record events a registrationEvent.
  pugi::xml_node event = descend(root, "controlActProcess/subject/registrationEvent");
  ASSIGN_OR_RETURN(pugi::xml_node patient,
                   event ? require(event, "subject1/patient")
                         : require(root, "controlActProcess/subject/registrationRequest/subject1/patient"));
  ASSIGN_OR_RETURN(model::PatientT p, readMessagePatient(patient));
  env.body.Set(std::move(p));
  return Status::ok();
}

std::string encodePatientRegister(const model::EnvelopeT& env, const model::PatientT& p) {
  XmlWriter w;
  writeWrapper(w, "PRPA_IN201311UV02", env);
  writeReplyAck(w, env);
  openControlAct(w);
  w.open("subject");
  w.attr("typeCode", "SUBJ");
  w.open("registrationRequest");
  w.attr("classCode", "REG");
  w.attr("moodCode", "RQO");
  w.leaf("statusCode", "code", "active");
  w.open("subject1");
  w.attr("typeCode", "SBJ");
  writeMessagePatient(w, p);
  return w.finish();
}

Status decodePatientQuery(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node query, require(root, "controlActProcess/queryByParameter"));
  model::QueryT q;
  q.kind = model::QueryKind::Patients;
  if (pugi::xml_node qty = child(query, "initialQuantity")) {
    const std::string_view v = attr(qty, "value");
    unsigned n = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || ptr != v.data() + v.size() || n > 65535) {
      return xmlError(qty, "/@value", "not a count");
    }
    q.limit = static_cast<uint16_t>(n);
  }
  auto patient = std::make_unique<model::PatientT>();
  RETURN_IF_ERROR(readParams(child(query, "parameterList"), *patient));
  normaliseIdentifiers(*patient);
  if (!isEmptyPatient(*patient)) q.patient = std::move(patient);
  env.body.Set(std::move(q));
  return Status::ok();
}

std::string encodePatientQuery(const model::EnvelopeT& env, const model::QueryT& q) {
  XmlWriter w;
  writeWrapper(w, "PRPA_IN201305UV02", env);
  writeReplyAck(w, env);
  openControlAct(w);
  w.open("queryByParameter");
  w.leaf("queryId", "extension", env.message_id);
  w.leaf("statusCode", "code", "new");
  w.leaf("initialQuantity", "value", std::to_string(q.limit));
  w.open("parameterList");
  if (q.patient) {
    writeParamIds(w, *q.patient);
    writeParamPerson(w, *q.patient);
  }
  return w.finish();
}

Status decodePatientQueryResponse(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node act, require(root, "controlActProcess"));
  model::SearchResultT r;
  for (pugi::xml_node subject : children(act, "subject")) {
    ASSIGN_OR_RETURN(pugi::xml_node patient, require(subject, "registrationEvent/subject1/patient"));
    ASSIGN_OR_RETURN(model::PatientT p, readMessagePatient(patient));
    r.patients.push_back(std::make_unique<model::PatientT>(std::move(p)));
  }
  readQueryAck(act, r);
  env.body.Set(std::move(r));
  return Status::ok();
}

std::string encodePatientQueryResponse(const model::EnvelopeT& env, const model::SearchResultT& r) {
  XmlWriter w;
  writeWrapper(w, "PRPA_IN201306UV02", env);
  writeReplyAck(w, env);
  openControlAct(w);
  for (const auto& p : r.patients) {
    w.open("subject");
    w.attr("typeCode", "SUBJ");
    w.open("registrationEvent");
    w.attr("classCode", "REG");
    w.attr("moodCode", "EVN");
    w.leaf("statusCode", "code", "active");
    w.open("subject1");
    w.attr("typeCode", "SBJ");
    writeMessagePatient(w, *p);
    w.close();
    w.close();
    w.close();
  }
  writeQueryAck(w, r, r.patients.size());
  return w.finish();
}

// MCCI_IN000002UV01: acknowledgement typeCode AA (accepted), AE (application error), AR (rejected).
//   <acknowledgementDetail typeCode="E">
//     <code code="{Problem.type}" codeSystem="urn:metrogw:problem" displayName="{title}"/>
//     <text value="{detail}"/>
//   </acknowledgementDetail>
//   <acknowledgementDetail typeCode="I"><code code="{status}"
//   codeSystem="urn:metrogw:http-status"/></acknowledgementDetail>
// Decoded: Problem with status 200 (AA), 400 (AR), 500 (AE) unless the http-status detail says more.
Status decodeAcknowledgement(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node ack, require(root, "acknowledgement"));
  const std::string_view type = attr(ack, "typeCode");
  model::ProblemT p;
  if (type == "AA" || type == "CA") {
    p.status = 200;
  } else if (type == "AR" || type == "CR") {
    p.status = 400;
  } else if (type == "AE" || type == "CE") {
    p.status = 500;
  } else {
    return xmlError(ack, "/@typeCode", "not AA, AE or AR");
  }
  for (pugi::xml_node detail : children(ack, "acknowledgementDetail")) {
    pugi::xml_node code = child(detail, "code");
    if (attr(code, "codeSystem") == "urn:metrogw:http-status") {
      const std::string_view v = attr(code, "code");
      unsigned n = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec == std::errc() && ptr == v.data() + v.size() && n < 1000) p.status = static_cast<uint16_t>(n);
      continue;
    }
    if (!p.type.empty() || !p.detail.empty()) continue;
    p.type = attr(code, "code");
    p.title = attr(code, "displayName");
    pugi::xml_node t = child(detail, "text");
    p.detail = attr(t, "value");
    if (p.detail.empty()) p.detail = text(t);
  }
  env.body.Set(std::move(p));
  return Status::ok();
}

std::string encodeAcknowledgement(const model::EnvelopeT& env, const model::ProblemT& p) {
  XmlWriter w;
  writeWrapper(w, "MCCI_IN000002UV01", env);
  const std::string_view type = p.status < 300 ? "AA" : p.status < 500 ? "AR" : "AE";
  const uint16_t implied = p.status < 300 ? 200 : p.status < 500 ? 400 : 500;
  writeAckOpen(w, type, env);
  if (!p.type.empty() || !p.title.empty() || !p.detail.empty()) {
    w.open("acknowledgementDetail");
    w.attr("typeCode", p.status < 300 ? "I" : "E");
    w.open("code");
    w.optAttr("code", p.type);
    w.attr("codeSystem", "urn:metrogw:problem");
    w.optAttr("displayName", p.title);
    w.close();
    w.leaf("text", "value", p.detail);
    w.close();
  }
  if (p.status != implied) {
    w.open("acknowledgementDetail");
    w.attr("typeCode", "I");
    w.open("code");
    w.attr("code", std::to_string(p.status));
    w.attr("codeSystem", "urn:metrogw:http-status");
    w.close();
    w.close();
  }
  return w.finish();
}

}  // namespace metrogw::adapters::hl7v3
