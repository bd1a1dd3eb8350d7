// hl7v3-cda codec: every real sample decodes with its field values; malformed input fails with
// the XML path of the problem and without personal data in the message.
#include "adapters/hl7v3/codec.h"

#include <gtest/gtest.h>

#include <string>

#include "adapters/mapping.h"
#include "tests/adapters/hl7v3/test_util.h"

namespace metrogw::adapters {
namespace {

using hl7v3::testing::readSample;

const Codec& codec() { return hl7v3CdaCodec(); }

model::EnvelopeT decodeOk(const std::string& text) {
  auto env = codec().decode(text);
  EXPECT_TRUE(env.isOk()) << env.status().toString();
  return env.isOk() ? std::move(env).value() : model::EnvelopeT{};
}

std::string decodeError(const std::string& text) {
  auto env = codec().decode(text);
  EXPECT_FALSE(env.isOk());
  if (env.isOk()) return {};
  EXPECT_EQ(env.status().code(), StatusCode::kMalformedMessage);
  EXPECT_EQ(env.status().message().find('\n'), std::string::npos);
  return env.status().message();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

TEST(Hl7v3Codec, Dialect) { EXPECT_EQ(codec().dialect(), "hl7v3-cda"); }

TEST(Hl7v3Codec, PatientRegisterSample) {
  const model::EnvelopeT env = decodeOk(readSample("PRPA_IN201311UV02-patient-register.xml"));
  EXPECT_EQ(env.message_id, "22a0f9e0-4454-11dc-a6be-3603d6866807");
  EXPECT_EQ(env.sent, "2013-01-16T11:28:55+08:00");
  const model::PatientT* p = env.body.AsPatient();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id, "患者ID");
  ASSERT_EQ(p->identifiers.size(), 4u);
  EXPECT_EQ(p->identifiers[0]->system, "2.16.156.10011.2.5.1.4");
  EXPECT_EQ(p->identifiers[1]->system, model::kResidentIdOid);
  EXPECT_EQ(p->identifiers[1]->value, "120109197706015516");
  EXPECT_EQ(p->identifiers[2]->system, model::kHealthCardOid);
  EXPECT_EQ(p->identifiers[2]->value, "38273N237");
  EXPECT_EQ(p->identifiers[3]->system, "2.16.156.10011.1.2");
  ASSERT_NE(p->name, nullptr);
  EXPECT_EQ(p->name->text, "刘永好");
  EXPECT_EQ(p->gender, model::Gender::Male);
  EXPECT_EQ(p->gender_code, nullptr);
  EXPECT_EQ(p->birth_date, "1957-03-23");
  ASSERT_EQ(p->telecom.size(), 1u);
  EXPECT_EQ(p->telecom[0]->system, model::ContactSystem::Phone);
  EXPECT_EQ(p->telecom[0]->value, "028-2222444");
  ASSERT_EQ(p->address.size(), 1u);
  const model::AddressT& a = *p->address[0];
  EXPECT_EQ(a.text, "四川省成都市双流县红沙村");
  EXPECT_EQ(a.province, "广东省");
  EXPECT_EQ(a.city, "广州市");
  EXPECT_EQ(a.district, "越秀区");
  EXPECT_EQ(a.postal_code, "510000");
  EXPECT_EQ(a.line, (std::vector<std::string>{"童心街", "下塘西路", "39号"}));
  ASSERT_NE(p->marital_status, nullptr);
  EXPECT_EQ(p->marital_status->code, "10");
  EXPECT_EQ(p->marital_status->display, "未婚");
  ASSERT_NE(p->ethnicity, nullptr);
  EXPECT_EQ(p->ethnicity->code, "01");
  EXPECT_EQ(p->ethnicity->system, "2.16.156.10011.2.3.3.3");
  ASSERT_NE(p->managing_organization, nullptr);
  EXPECT_EQ(p->managing_organization->display, "无锡中医院");
  EXPECT_EQ(p->managing_organization->identifier->system, "2.16.156.10011.1.5");
}

TEST(Hl7v3Codec, PatientQuerySample) {
  const model::EnvelopeT env = decodeOk(readSample("PRPA_IN201305UV02-patient-query.xml"));
  EXPECT_EQ(env.sent, "2007-08-03T13:06:24+08:00");
  const model::QueryT* q = env.body.AsQuery();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->kind, model::QueryKind::Patients);
  EXPECT_EQ(q->limit, 2);
  ASSERT_NE(q->patient, nullptr);
  ASSERT_EQ(q->patient->identifiers.size(), 2u);
  EXPECT_EQ(q->patient->identifiers[0]->system, "2.16.156.10011.2.5.1.4");
  EXPECT_EQ(q->patient->identifiers[0]->value, "0020109112");
  EXPECT_EQ(q->patient->identifiers[1]->system, model::kResidentIdOid);
  EXPECT_EQ(q->patient->id, "0020109112");
  EXPECT_EQ(q->patient->gender, model::Gender::Male);
  EXPECT_EQ(q->patient->name->text, "李丽丽");
}

TEST(Hl7v3Codec, LabReportSample) {
  const model::EnvelopeT env = decodeOk(readSample("C0007-lab-report.xml"));
  EXPECT_EQ(env.message_id, "RN001");
  const model::LabReportT* r = env.body.AsLabReport();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "RN001");
  EXPECT_EQ(r->status, model::ReportStatus::Final);
  EXPECT_EQ(r->issued, "2016-09-13");
  ASSERT_EQ(r->identifiers.size(), 3u);
  EXPECT_EQ(r->identifiers[1]->system, "2.16.156.10011.1.24");
  EXPECT_EQ(r->identifiers[1]->value, "29031019");
  ASSERT_NE(r->patient, nullptr);
  EXPECT_EQ(r->patient->name->text, "杨磊");
  EXPECT_EQ(r->patient->gender, model::Gender::Female);
  ASSERT_EQ(r->patient->identifiers.size(), 2u);  // resident ID (kept though invalid), outpatient no.
  EXPECT_EQ(r->patient->identifiers[0]->system, model::kResidentIdOid);
  EXPECT_EQ(r->patient->identifiers[0]->value, "ID_CARD_NO");
  EXPECT_EQ(r->patient->identifiers[1]->value, "000480000000");
  ASSERT_NE(r->performer, nullptr);
  EXPECT_EQ(r->performer->display, "刘宠");
  EXPECT_EQ(r->organization->identifier->value, "1234567890");
  EXPECT_EQ(r->department->display, "美容成形");
  EXPECT_EQ(r->department->identifier->value, "1290100");
  EXPECT_EQ(r->ordered_by->display, "XXX医院");
  ASSERT_NE(r->category, nullptr);
  EXPECT_EQ(r->category->text, "患者检验项目所属的类别详细描述");
  EXPECT_EQ(r->conclusion, "无");
  ASSERT_NE(r->specimen, nullptr);
  EXPECT_EQ(r->specimen->type->text, "标本类别");
  EXPECT_EQ(r->specimen->collected, "2013-01-01T11:01:03+08:00");
  EXPECT_EQ(r->specimen->received, "2013-01-02T11:02:12+08:00");
  ASSERT_EQ(r->observations.size(), 1u);
  const model::ObservationT& o = *r->observations[0];
  EXPECT_EQ(o.code->coding->code, "患者检验项目在特定编码体系中的代码");
  EXPECT_EQ(o.effective, "2012-04-05");
  EXPECT_EQ(o.value_type, model::ValueType::Quantity);
  EXPECT_EQ(o.value, "1.1234");
  EXPECT_EQ(o.unit, "ml");
  EXPECT_EQ(o.interpretation, model::Interpretation::Abnormal);
  ASSERT_NE(o.interpretation_code, nullptr);
  EXPECT_EQ(o.interpretation_code->system, "2.16.156.10011.2.3.2.38");
  EXPECT_EQ(o.interpretation_code->code, "1");
}

TEST(Hl7v3Codec, RecordSummarySample) {
  // The sample has attributes without separating whitespace (`..."displayName=...`): tolerated.
  const model::EnvelopeT env = decodeOk(readSample("C0001-record-summary.xml"));
  const model::RecordSummaryT* s = env.body.AsRecordSummary();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->title, "病历概要");
  EXPECT_EQ(s->effective, "2012-10-24T15:48:23+08:00");
  EXPECT_EQ(s->patient->name->text, "贾晓明");
  EXPECT_EQ(s->patient->birth_date, "2008-08-08");
  EXPECT_EQ(s->patient->identifiers[0]->value, "420106201101011919");
  EXPECT_EQ(s->patient->address[0]->city, "xx市");
  EXPECT_EQ(s->patient->address[0]->use, "home");
  EXPECT_EQ(s->author->display, "李医生");
  EXPECT_EQ(s->custodian->display, "xx医院");
  ASSERT_EQ(s->problems.size(), 3u);
  EXPECT_EQ(s->problems[0]->code->coding->system, "2.16.156.10011.2.3.3.11.1");
  EXPECT_EQ(s->problems[0]->code->coding->display, "西医诊断");
  EXPECT_EQ(s->problems[0]->note, "治愈");
  EXPECT_EQ(s->problems[2]->code->coding->system, "2.16.156.10011.2.3.3.14");
  ASSERT_EQ(s->allergies.size(), 1u);
  EXPECT_EQ(s->allergies[0]->substance->text, "患者既往发生过敏情况的详细描述");
  ASSERT_EQ(s->medications.size(), 1u);
  EXPECT_EQ(s->medications[0]->code->text, "关键药物名称");
  EXPECT_EQ(s->medications[0]->dose, "关键药物用法");
  ASSERT_EQ(s->encounters.size(), 1u);
  EXPECT_EQ(s->encounters[0]->department->display, "名称");
  EXPECT_EQ(s->encounters[0]->period->start, "2013-01-02T12:34:22+08:00");
  EXPECT_EQ(s->encounters[0]->type->text, "就诊原因描述");
  ASSERT_GE(s->observations.size(), 2u);
  EXPECT_EQ(s->observations[0]->value_coding->display, "A型");
  EXPECT_EQ(s->observations[1]->value_coding->system, "2.16.156.10011.2.3.1.250");
  const model::ObservationT& cost = *s->observations.back();
  EXPECT_EQ(cost.value_type, model::ValueType::Quantity);
  EXPECT_EQ(cost.value, "200.00");
  EXPECT_EQ(cost.unit, "元");
}

constexpr const char* kDirectResult =
    "<entry><observation classCode=\"OBS\" moodCode=\"EVN\"><code code=\"WBC\" "
    "codeSystem=\"2.16.156.10011.1.5.1234567890.9\" displayName=\"白细胞计数\"/><effectiveTime "
    "value=\"20160913093000\"/><value xsi:type=\"PQ\" value=\"4.06\" unit=\"10^9/L\"/><interpretationCode "
    "code=\"N\" codeSystem=\"2.16.840.1.113883.5.83\"/><referenceRange><observationRange><text>3.5-9.5</text>"
    "<value xsi:type=\"IVL_PQ\"><low value=\"3.5\" unit=\"10^9/L\"/><high value=\"9.5\" unit=\"10^9/L\"/>"
    "</value></observationRange></referenceRange></observation></entry>";

TEST(Hl7v3Codec, LabResultsAsDirectObservations) {
  const std::string doc = replaced(readSample("C0007-lab-report.xml"), "displayName=\"STUDIES SUMMARY\"/>",
                                   std::string("displayName=\"STUDIES SUMMARY\"/>") + kDirectResult);
  const model::EnvelopeT env = decodeOk(doc);
  const model::LabReportT* r = env.body.AsLabReport();
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->observations.size(), 2u);
  const model::ObservationT& wbc = *r->observations[0];
  EXPECT_EQ(wbc.code->coding->code, "WBC");
  EXPECT_EQ(wbc.code->coding->display, "白细胞计数");
  EXPECT_EQ(wbc.value_type, model::ValueType::Quantity);
  EXPECT_EQ(wbc.value, "4.06");
  EXPECT_EQ(wbc.unit, "10^9/L");
  EXPECT_EQ(wbc.interpretation, model::Interpretation::Normal);
  EXPECT_EQ(wbc.interpretation_code, nullptr);
  EXPECT_EQ(wbc.reference_range->low, "3.5");
  EXPECT_EQ(wbc.reference_range->high, "9.5");
  EXPECT_EQ(wbc.reference_range->unit, "10^9/L");
  EXPECT_EQ(wbc.reference_range->text, "3.5-9.5");
  EXPECT_EQ(wbc.effective, "2016-09-13T09:30:00+08:00");
  auto xml = codec().encode(env);
  ASSERT_TRUE(xml.isOk());
  auto back = codec().decode(*xml);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_TRUE(back.value() == env);
}

TEST(Hl7v3Codec, PatientUpdateAndRecordEvents) {
  std::string msg = readSample("PRPA_IN201311UV02-patient-register.xml");
  msg = replaced(msg, "<PRPA_IN201311UV02", "<PRPA_IN201314UV02");
  msg = replaced(msg, "</PRPA_IN201311UV02>", "</PRPA_IN201314UV02>");
  EXPECT_EQ(decodeOk(msg).body.AsPatient()->name->text, "刘永好");
  msg = replaced(msg, "<PRPA_IN201314UV02", "<PRPA_IN201301UV02");
  msg = replaced(msg, "</PRPA_IN201314UV02>", "</PRPA_IN201301UV02>");
  msg = replaced(msg, "<registrationRequest classCode=\"REG\" moodCode=\"RQO\">", "<registrationEvent>");
  msg = replaced(msg, "</registrationRequest>", "</registrationEvent>");
  const model::EnvelopeT env = decodeOk(msg);
  ASSERT_NE(env.body.AsPatient(), nullptr);
  EXPECT_EQ(env.body.AsPatient()->birth_date, "1957-03-23");
}

TEST(Hl7v3Codec, NotXml) { EXPECT_EQ(decodeError("hello").rfind("/: not well-formed XML", 0), 0u); }

TEST(Hl7v3Codec, WrongRoot) {
  EXPECT_EQ(decodeError("<foo xmlns=\"urn:hl7-org:v3\"/>"), "/foo: unsupported message type");
}

TEST(Hl7v3Codec, UnknownDocumentType) {
  std::string doc = replaced(readSample("C0007-lab-report.xml"), "code=\"C0007\"", "code=\"C0099\"");
  doc = replaced(doc, "2.16.156.10011.2.1.1.27", "2.16.156.10011.2.1.1.99");
  EXPECT_EQ(decodeError(doc), "/ClinicalDocument/code: unsupported document type (expected C0007 or C0001)");
}

TEST(Hl7v3Codec, MissingPatient) {
  const std::string msg = replaced(readSample("PRPA_IN201311UV02-patient-register.xml"),
                                   "<subject1 typeCode=\"SBJ\">", "<subject2 typeCode=\"SBJ\">");
  EXPECT_EQ(decodeError(replaced(msg, "</subject1>", "</subject2>")),
            "/PRPA_IN201311UV02/controlActProcess/subject/registrationRequest/subject1: missing");
}

TEST(Hl7v3Codec, MissingRecordTarget) {
  std::string doc = readSample("C0007-lab-report.xml");
  doc = replaced(doc, "<recordTarget typeCode=\"RCT\" contextControlCode=\"OP\">", "<recordTargetX>");
  doc = replaced(doc, "</recordTarget>", "</recordTargetX>");
  EXPECT_EQ(decodeError(doc), "/ClinicalDocument/recordTarget: missing");
}

TEST(Hl7v3Codec, BadTimeNamesTheAttributeWithIndexes) {
  const std::string doc = replaced(readSample("C0007-lab-report.xml"), "20120405", "2012O405");
  EXPECT_EQ(decodeError(doc),
            "/ClinicalDocument/component/structuredBody/component[2]/section/entry[3]/organizer/component[1]/"
            "observation/effectiveTime/@value: not a TS value");
}

TEST(Hl7v3Codec, ErrorsCarryNoPersonalData) {
  const std::string msg =
      replaced(readSample("PRPA_IN201311UV02-patient-register.xml"), "19570323", "1957-13-23");
  const std::string error = decodeError(msg);
  EXPECT_EQ(error,
            "/PRPA_IN201311UV02/controlActProcess/subject/registrationRequest/subject1/patient/patientPerson/"
            "birthTime/@value: not a TS value");
  EXPECT_EQ(error.find("120109197706015516"), std::string::npos);
  EXPECT_EQ(error.find("刘永好"), std::string::npos);
}

TEST(Hl7v3Codec, RejectsDoctypeAndEntities) {
  EXPECT_EQ(decodeError("<!DOCTYPE x [<!ENTITY a \"b\">]><PRPA_IN201311UV02>&a;</PRPA_IN201311UV02>"),
            "/: DOCTYPE is not allowed");
  EXPECT_EQ(decodeError("<!DOCTYPE lol [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><a>&lol2;</a>"),
            "/: DOCTYPE is not allowed");
}

TEST(Hl7v3Codec, RejectsDeepNesting) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "<a>";
  for (int i = 0; i < 200; ++i) deep += "</a>";
  const std::string error = decodeError(deep);
  EXPECT_NE(error.find(": nested too deep"), std::string::npos) << error;
  EXPECT_EQ(error.rfind("/a/a/a", 0), 0u);
}

TEST(Hl7v3Codec, RejectsOversize) {
  EXPECT_EQ(decodeError(std::string(9 * 1024 * 1024, ' ')), "/: message too large");
}

TEST(Hl7v3Codec, AcknowledgementErrorIsProblem) {
  const std::string ack =
      "<MCCI_IN000002UV01 xmlns=\"urn:hl7-org:v3\"><id root=\"2.16.156.10011.2.5.1.1\" extension=\"m2\"/>"
      "<creationTime value=\"20240102030405\"/><acknowledgement typeCode=\"AE\"><targetMessage><id "
      "extension=\"m1\"/>"
      "</targetMessage><acknowledgementDetail><text "
      "value=\"患者不存在\"/></acknowledgementDetail></acknowledgement>"
      "</MCCI_IN000002UV01>";
  const model::EnvelopeT env = decodeOk(ack);
  EXPECT_EQ(env.message_id, "m2");
  EXPECT_EQ(env.in_reply_to, "m1");
  const model::ProblemT* p = env.body.AsProblem();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->status, 500);
  EXPECT_EQ(p->detail, "患者不存在");
}

TEST(Hl7v3Codec, GenderFromOtherSystemsIsMapped) {
  const std::string msg =
      replaced(readSample("PRPA_IN201311UV02-patient-register.xml"),
               "<administrativeGenderCode code=\"1\" codeSystem=\"2.16.156.10011.2.3.3.4\">",
               "<administrativeGenderCode code=\"female\" codeSystem=\"" + std::string(kFhirGender) + "\">");
  const model::EnvelopeT env = decodeOk(msg);
  const model::PatientT* p = env.body.AsPatient();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->gender, model::Gender::Female);
  ASSERT_NE(p->gender_code, nullptr);
  EXPECT_EQ(p->gender_code->code, "female");
}

TEST(Hl7v3Codec, Hl7AdministrativeGenderIsMapped) {
  const std::string doc =
      replaced(readSample("C0007-lab-report.xml"), "code=\"2\" codeSystem=\"2.16.156.10011.2.3.3.4\"",
               "code=\"M\" codeSystem=\"2.16.840.1.113883.5.1\"");
  const model::EnvelopeT env = decodeOk(doc);
  const model::LabReportT* r = env.body.AsLabReport();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->patient->gender, model::Gender::Male);
  ASSERT_NE(r->patient->gender_code, nullptr);
  EXPECT_EQ(r->patient->gender_code->system, "2.16.840.1.113883.5.1");
}

TEST(Hl7v3Codec, PrefixedNamespaceAndIsoTimes) {
  const std::string msg =
      "<v3:PRPA_IN201311UV02 xmlns:v3=\"urn:hl7-org:v3\"><v3:id extension=\"m9\"/>"
      "<v3:creationTime value=\"2024-05-06 "
      "07:08:09\"/><v3:controlActProcess><v3:subject><v3:registrationRequest>"
      "<v3:subject1><v3:patient><v3:patientPerson><v3:birthTime "
      "value=\"198001\"/></v3:patientPerson></v3:patient>"
      "</v3:subject1></v3:registrationRequest></v3:subject></v3:controlActProcess></v3:PRPA_IN201311UV02>";
  const model::EnvelopeT env = decodeOk(msg);
  EXPECT_EQ(env.message_id, "m9");
  EXPECT_EQ(env.sent, "2024-05-06T07:08:09+08:00");
  ASSERT_NE(env.body.AsPatient(), nullptr);
  EXPECT_EQ(env.body.AsPatient()->birth_date, "1980-01");
}

// A document query must say which document type it wants; anything but C0007/C0001 is named.
TEST(Hl7v3Codec, DocumentQueryNeedsAKnownDocumentType) {
  const std::string head =
      "<RCMR_IN000031UV01 xmlns=\"urn:hl7-org:v3\"><id "
      "extension=\"M1\"/><controlActProcess><queryByParameter>"
      "<parameterList><patientId><value extension=\"P1\"/></patientId>";
  const std::string tail = "</parameterList></queryByParameter></controlActProcess></RCMR_IN000031UV01>";
  EXPECT_NE(decodeError(head + tail).find("documentType: missing"), std::string::npos)
      << decodeError(head + tail);
  const std::string other = head + "<documentType><value code=\"C0003\"/></documentType>" + tail;
  EXPECT_NE(decodeError(other).find("unsupported document type"), std::string::npos) << decodeError(other);
  auto ok = codec().decode(head + "<documentType><value code=\"C0007\"/></documentType>" + tail);
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  const auto* q = ok->body.AsQuery();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->kind, model::QueryKind::LabReports);
  ASSERT_NE(q->patient, nullptr);
  EXPECT_EQ(q->patient->id, "P1");
}

TEST(Hl7v3Codec, UnsupportedBodiesAreInvalidArgument) {
  model::EnvelopeT env = model::envelopeOf(model::ConsentT{});
  auto out = codec().encode(env);
  ASSERT_FALSE(out.isOk());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  model::CommandT hold;
  hold.action = model::CommandAction::Hold;
  EXPECT_FALSE(codec().encode(model::envelopeOf(std::move(hold))).isOk());
}

}  // namespace
}  // namespace metrogw::adapters
