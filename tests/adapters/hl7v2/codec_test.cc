#include "adapters/hl7v2/codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/hl7v2/internal/charset.h"
#include "adapters/mapping.h"

namespace metrogw::adapters {
namespace {

std::string sample(const std::string& name) {
  std::ifstream in(std::string(METROGW_SAMPLES_DIR) + "/hl7v2/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

model::EnvelopeT decodeOk(std::string_view text) {
  auto env = hl7v2Codec().decode(text);
  EXPECT_TRUE(env.isOk()) << env.status().message();
  return env.isOk() ? std::move(env).value() : model::EnvelopeT{};
}

TEST(Hl7v2SampleTest, LabOru1TwoReportsWithBom) {
  const model::EnvelopeT env = decodeOk(sample("LAB-ORU-1.hl7"));
  EXPECT_EQ(env.message_id, "182");
  EXPECT_EQ(env.sent, "2014-10-06T06:45:00+07:00");
  const model::SearchResultT* r = env.body.AsSearchResult();
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->lab_reports.size(), 2u);
  const model::LabReportT& hemo = *r->lab_reports[0];
  EXPECT_EQ(hemo.id, "82503246");
  ASSERT_EQ(hemo.identifiers.size(), 1u);
  EXPECT_EQ(hemo.identifiers[0]->value, "88502218");
  EXPECT_EQ(hemo.code->coding->system, kLoincSystem);
  EXPECT_EQ(hemo.code->coding->code, "24317-0");
  EXPECT_EQ(hemo.status, model::ReportStatus::Final);
  // This sample puts the report time and interpreter one field late (OBR-23, OBR-33): read by the standard
  // positions, OBR-22 and OBR-32 are empty.
  EXPECT_EQ(hemo.issued, "");
  EXPECT_EQ(hemo.performer, nullptr);
  ASSERT_NE(hemo.patient, nullptr);
  EXPECT_EQ(hemo.patient->identifiers[0]->value, "10006579");
  EXPECT_EQ(hemo.patient->identifiers[0]->type, "MR");
  EXPECT_EQ(hemo.patient->name->family, "DUCK");
  EXPECT_EQ(hemo.patient->gender, model::Gender::Male);
  EXPECT_EQ(hemo.patient->birth_date, "1924-10-10");
  EXPECT_EQ(hemo.ordered_by->display, "URO");
  ASSERT_EQ(hemo.observations.size(), 5u);
  const model::ObservationT& rbc = *hemo.observations[1];
  EXPECT_EQ(rbc.code->coding->code, "11273-0");
  EXPECT_EQ(rbc.code->coding->display, "ERYTHROCYTES");
  EXPECT_EQ(rbc.value_type, model::ValueType::Quantity);
  EXPECT_EQ(rbc.value, "4.06");
  EXPECT_EQ(rbc.unit, "tera.l-1");
  EXPECT_EQ(rbc.interpretation, model::Interpretation::Normal);
  EXPECT_EQ(rbc.interpretation_code->code, "N");
  EXPECT_EQ(rbc.status, model::ReportStatus::Preliminary);
  EXPECT_EQ(rbc.effective, "2014-10-06T06:27:00+07:00");
  EXPECT_EQ(hemo.observations[0]->value, "");
  EXPECT_EQ(hemo.observations[0]->status, model::ReportStatus::Registered);
  EXPECT_EQ(hemo.observations[4]->status, model::ReportStatus::Final);
  ASSERT_NE(hemo.specimen, nullptr);
  EXPECT_EQ(hemo.specimen->id, "SpecimenID");
  EXPECT_EQ(hemo.specimen->type->coding->code, "BLD");
  EXPECT_EQ(hemo.specimen->collected, "2014-10-06T05:35:00+07:00");
  EXPECT_EQ(hemo.specimen->received, "2014-10-06T08:21:00+07:00");
  const model::LabReportT& diff = *r->lab_reports[1];
  EXPECT_EQ(diff.code->coding->code, "26464-8");
  EXPECT_EQ(diff.status, model::ReportStatus::Unknown);
  ASSERT_EQ(diff.observations.size(), 5u);
  EXPECT_EQ(diff.observations[0]->value, "72");
  EXPECT_EQ(diff.observations[0]->unit, "%");
  EXPECT_EQ(diff.patient->identifiers[0]->value, "10006579");
}

TEST(Hl7v2SampleTest, OruR01CodedValueRangeFlagsNotes) {
  const model::EnvelopeT env = decodeOk(sample("ORU-R01-01.hl7"));
  EXPECT_EQ(env.message_id, "2.16.840.1.114222.4.3.3.5.1.2-20120314235954.325");
  const model::LabReportT* r = env.body.AsLabReport();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, "986");
  EXPECT_EQ(r->code->coding->system, "XYZ");
  EXPECT_EQ(r->code->coding->code, "625-4");
  EXPECT_EQ(r->code->text, "Enteric Culture");
  EXPECT_EQ(r->effective, "2002-02-15T07:30+02:15");
  EXPECT_EQ(r->status, model::ReportStatus::Final);
  EXPECT_NE(r->conclusion.find("O157:H7 & other STECs"), std::string::npos) << r->conclusion;
  EXPECT_NE(r->conclusion.find("Allergy to peanuts observed."), std::string::npos);
  EXPECT_EQ(r->patient->identifiers[0]->system, "2.16.840.1.114222.4.3.3.5.1.2");
  EXPECT_EQ(r->patient->identifiers[0]->assigner, "IA PHIMS Stage");
  EXPECT_EQ(r->patient->identifiers[0]->type, "PI");
  EXPECT_EQ(r->patient->name->family, "Finn");
  EXPECT_EQ(r->patient->marital_status->code, "M");
  EXPECT_EQ(r->patient->address[0]->city, "GRINNELL");
  ASSERT_EQ(r->observations.size(), 3u);
  const model::ObservationT& culture = *r->observations[0];
  EXPECT_EQ(culture.value_type, model::ValueType::Coded);
  EXPECT_EQ(culture.value, "27268008");
  EXPECT_EQ(culture.value_coding->system, "http://snomed.info/sct");
  EXPECT_EQ(culture.value_coding->display, "Salmonella");
  EXPECT_EQ(culture.reference_range->low, "70");
  EXPECT_EQ(culture.reference_range->high, "80");
  EXPECT_EQ(culture.reference_range->text, "70-80");
  EXPECT_EQ(culture.interpretation, model::Interpretation::Abnormal);
  EXPECT_EQ(culture.interpretation_code->system, "HL70078");
  EXPECT_EQ(culture.unit, "beats/min");
  EXPECT_EQ(culture.unit_system, "ISO");
  EXPECT_EQ(culture.effective, "2012-03-01");
  EXPECT_EQ(culture.note, "Submission of serum\nNo Antibodies Detected");
  EXPECT_EQ(r->specimen->id, "2012545");
  EXPECT_EQ(r->specimen->collected, "2011-01-03T14:34:28-08:00");
  EXPECT_EQ(r->observations[1]->value_type, model::ValueType::None);  // RP: kept as text
  EXPECT_EQ(r->observations[2]->value, "27");
}

TEST(Hl7v2SampleTest, AdtA01Patient) {
  const model::EnvelopeT env = decodeOk(sample("ADT-A01-01.hl7"));
  EXPECT_EQ(env.message_id, "MSG00001");
  const model::PatientT* p = env.body.AsPatient();
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->identifiers.size(), 2u);
  EXPECT_EQ(p->identifiers[0]->value, "PATID1234");
  EXPECT_EQ(p->identifiers[0]->system, "2.16.1");
  EXPECT_EQ(p->identifiers[0]->assigner, "test1");
  EXPECT_EQ(p->identifiers[0]->type, "MR");
  EXPECT_EQ(p->identifiers[1]->value, "123456789");
  EXPECT_EQ(p->identifiers[1]->system, "USSSA");
  EXPECT_EQ(p->identifiers[1]->type, "SS");
  EXPECT_EQ(p->id, "1234567");
  EXPECT_EQ(p->name->family, "EVERYMAN");
  ASSERT_EQ(p->name->given.size(), 2u);
  EXPECT_EQ(p->name->given[0], "ADAM");
  EXPECT_EQ(p->name->given[1], "A");
  EXPECT_EQ(p->name->suffix, "III");
  EXPECT_EQ(p->name->prefix, "Dr.");
  EXPECT_EQ(p->gender, model::Gender::Male);
  EXPECT_EQ(p->gender_code, nullptr);
  EXPECT_EQ(p->birth_date, "1988-08-18T11:26+02:15");
  ASSERT_FALSE(p->address.empty());
  EXPECT_EQ(p->address[0]->line[0], "1000 Hospital Lane");
  EXPECT_EQ(p->address[0]->city, "Ann Arbor ");
  EXPECT_EQ(p->address[0]->province, "MI");
  ASSERT_GE(p->telecom.size(), 3u);
  EXPECT_EQ(p->telecom[0]->value, "78788788");
  EXPECT_EQ(p->telecom[0]->use, "mobile");
  EXPECT_EQ(p->marital_status->display, "Married");
  EXPECT_EQ(p->ethnicity->code, "N");
  EXPECT_TRUE(p->deceased);
}

TEST(Hl7v2SampleTest, SiuS12Booked) {
  const model::EnvelopeT env = decodeOk(sample("SIU-S12-01.hl7"));
  EXPECT_EQ(env.message_id, "MSG00012");
  const model::AppointmentT* a = env.body.AsAppointment();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->id, "36996");
  ASSERT_EQ(a->identifiers.size(), 1u);
  EXPECT_EQ(a->identifiers[0]->value, "12345");
  EXPECT_EQ(a->status, model::AppointmentStatus::Booked);
  EXPECT_EQ(a->start, "2021-09-24T09:30:00+02:15");
  EXPECT_EQ(a->end, "2021-09-24T10:20:00+02:15");
  EXPECT_EQ(a->minutes_duration, 1u);  // SCH-9/10: "60" "s"
  EXPECT_EQ(a->reason[0]->coding->code, "EMERGENCY");
  EXPECT_EQ(a->appointment_type->coding->code, "Normal");
  EXPECT_EQ(a->comment, "Appointment booked for emergency procedure");
  EXPECT_EQ(a->booked_by->display, "DENT COREY");
  EXPECT_EQ(a->patient->name->family, "EVERYMAN");
  EXPECT_EQ(a->service_type[0]->coding->code, "76164006");
  EXPECT_EQ(a->service_type[0]->coding->system, "http://snomed.info/sct");
  ASSERT_EQ(a->participants.size(), 3u);
  EXPECT_EQ(a->participants[0]->actor->kind, "Device");
  EXPECT_EQ(a->participants[0]->actor->id, "5001");
  EXPECT_EQ(a->participants[1]->actor->kind, "Location");
  EXPECT_EQ(a->participants[1]->actor->id, "055");
  EXPECT_EQ(a->participants[1]->actor->display, "Room01");
  EXPECT_EQ(a->participants[2]->actor->kind, "Practitioner");
  EXPECT_EQ(a->participants[2]->actor->id, "1210");
  EXPECT_EQ(a->participants[2]->actor->display, "GE Robert C");
  EXPECT_EQ(a->participants[2]->role->coding->display, "Gastroenterologist");
  EXPECT_EQ(a->participants[2]->status, model::ParticipationStatus::Accepted);
}

TEST(Hl7v2SampleTest, SiuS15Cancelled) {
  const model::EnvelopeT env = decodeOk(sample("SIU-S15-01.hl7"));
  const model::AppointmentT* a = env.body.AsAppointment();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->id, "36996");
  EXPECT_EQ(a->status, model::AppointmentStatus::Cancelled);
  EXPECT_EQ(a->cancelation_reason->coding->code, "Add");
  EXPECT_EQ(a->comment, "Appointment cancelled.");
  EXPECT_EQ(a->start, "2021-09-24T09:30:00+02:15");
  EXPECT_EQ(a->participants[2]->status, model::ParticipationStatus::Declined);
}

TEST(Hl7v2SampleTest, LineEndingsGiveEqualResults) {
  for (const char* name :
       {"LAB-ORU-1.hl7", "ORU-R01-01.hl7", "ADT-A01-01.hl7", "SIU-S12-01.hl7", "SIU-S15-01.hl7"}) {
    const std::string lf = sample(name);
    std::string cr = lf;
    std::replace(cr.begin(), cr.end(), '\n', '\r');
    std::string crlf;
    for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    const model::EnvelopeT a = decodeOk(lf);
    EXPECT_TRUE(a == decodeOk(cr)) << name;
    EXPECT_TRUE(a == decodeOk(crlf)) << name;
  }
}

TEST(Hl7v2CodecTest, Gb18030MessageDecodesToUtf8) {
  const std::string utf8 =
      "MSH|^~\\&|HIS|WHYY|||20240301081500||ADT^A04|G1|P|2.5||||||GB 18030-2000\r"
      "PID|1||340202199001011234^^^&2.16.156.10011.1.3&ISO^NNCHN||张三||19900101|F|||芜湖市镜湖区^^芜湖^"
      "安徽\r";
  auto gb = hl7v2::internal::utf8ToGb18030(utf8);
  ASSERT_TRUE(gb.isOk());
  const model::EnvelopeT env = decodeOk(*gb);
  const model::PatientT* p = env.body.AsPatient();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name->text, "张三");
  EXPECT_EQ(p->address[0]->line[0], "芜湖市镜湖区");
  EXPECT_EQ(p->address[0]->province, "安徽");
  EXPECT_EQ(p->identifiers[0]->system, model::kResidentIdOid);
  EXPECT_EQ(p->gender, model::Gender::Female);
  EXPECT_EQ(env.sent, "2024-03-01T08:15:00+08:00");
}

TEST(Hl7v2CodecTest, MalformedMessagesNameThePosition) {
  const std::string msh = "MSH|^~\\&|A|B|||20240101||ORU^R01|1|P|2.5\r";
  struct Case {
    std::string text;
    std::string prefix;
  };
  const Case cases[] = {
      {"PID|1\r", "MSH[1]:"},
      {"MSH|^~\\&", "MSH[1]-9: message type missing"},
      {msh + "OBR|1||R1|X^Y^L\rOBX|1|NM|A^B^L||4.0\rOBX|2|NM|A^B^L||4.0\rOBX|3|QQ|A^B^L||x\r",
       "OBX[3]-2: unknown value type"},
      {msh + "OBR|1||R1|X^Y^L\rOBX|1|NM|A^B^L||abc\r", "OBX[1]-5: NM value is not a number"},
      {msh + "OBR|1||R1|X^Y^L|||2024130112\r", "OBR[1]-7: invalid date/time"},
      {msh + "OBR|1||R1|X^Y^L\rOBX|1|ST|A^B^L||bad\\Xzz\\\r", "OBX[1]-5.1: bad hexadecimal"},
      {msh + "OBX|1|ST|A\r", "OBR[1]: segment missing"},
      {"MSH|^~\\&|A|B|||20240101||ZZZ^Z99|1|P|2.5\r", "MSH[1]-9: unsupported message type"},
      {"MSH|^~\\&|A|B|||20240101||SIU^S12|1|P|2.5\rPID|1\r", "SCH[1]: segment missing"},
      {"MSH|^~\\&|A|B|||20240101||SIU^S12|1|P|2.5\rSCH|1|2|||||||nan|min\r",
       "SCH[1]-9: duration is not a number"},
      {"MSH|^~\\&|A|B|||20240101||SIU^S12|1|P|2.5\rSCH|1|2|||||||9000000|d\r",
       "SCH[1]-9: duration out of range"},
  };
  for (const Case& c : cases) {
    auto env = hl7v2Codec().decode(c.text);
    ASSERT_FALSE(env.isOk()) << c.text;
    EXPECT_EQ(env.status().message().rfind(c.prefix, 0), 0u) << env.status().message();
  }
}

TEST(Hl7v2CodecTest, ErrorsDoNotLeakPatientData) {
  auto env = hl7v2Codec().decode(
      "MSH|^~\\&|A|B|||20240101||ADT^A04|1|P|2.5\rPID|1||340202199001011234||ZHANG^SAN||19900199\r");
  ASSERT_FALSE(env.isOk());
  EXPECT_EQ(env.status().message().find("340202"), std::string::npos);
  EXPECT_EQ(env.status().message().find("ZHANG"), std::string::npos);
  EXPECT_EQ(env.status().message().rfind("PID[1]-7:", 0), 0u) << env.status().message();
}

TEST(Hl7v2CodecTest, AckErrorBecomesProblem) {
  const model::EnvelopeT env = decodeOk(
      "MSH|^~\\&|A|B|||20240101||ACK|9|P|2.5\rMSA|AE|REQ7|Slot taken\rERR|||205^Duplicate key "
      "identifier^HL70357|E\r");
  EXPECT_EQ(env.in_reply_to, "REQ7");
  const model::ProblemT* p = env.body.AsProblem();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->status, 409);
  EXPECT_EQ(p->title, "Slot taken");
  EXPECT_EQ(p->type, "urn:metrogw:problem:hl7v2-205");
  const model::EnvelopeT ok = decodeOk("MSH|^~\\&|A|B|||20240101||ACK|9|P|2.5\rMSA|AA|REQ7\r");
  EXPECT_EQ(ok.body.type, model::Body::NONE);
  EXPECT_EQ(ok.in_reply_to, "REQ7");
}

}  // namespace
}  // namespace metrogw::adapters
