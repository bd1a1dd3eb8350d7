// Regressions found by fuzz/hl7v2_fuzz: what decodes must encode and decode back to the same
// envelope, and the encoding must be a fixed point after one trip.
#include <gtest/gtest.h>

#include <string>

#include "adapters/hl7v2/codec.h"

namespace metrogw::adapters {
namespace {

using model::EnvelopeT;

constexpr std::string_view kOruHead =
    "MSH|^~\\&|LIS|WHYY|||20240301081530||ORU^R01^ORU_R01|M1|P|2.5\rOBR|1||R1|WBC^White cells^L\r";

// Decodes `text`, then checks decode(encode(x)) == x and encode(decode(encode(x))) == encode(x).
EnvelopeT decodeStable(const std::string& text) {
  auto env = hl7v2Codec().decode(text);
  EXPECT_TRUE(env.isOk()) << env.status().message();
  if (!env.isOk()) return {};
  auto encoded = hl7v2Codec().encode(*env);
  EXPECT_TRUE(encoded.isOk()) << encoded.status().message();
  if (!encoded.isOk()) return {};
  auto again = hl7v2Codec().decode(*encoded);
  EXPECT_TRUE(again.isOk()) << again.status().message() << "\n" << *encoded;
  if (!again.isOk()) return {};
  EXPECT_TRUE(*again == *env) << *encoded;
  auto encoded2 = hl7v2Codec().encode(*again);
  EXPECT_TRUE(encoded2.isOk() && *encoded2 == *encoded) << *encoded;
  return std::move(env).value();
}

std::string snValue(const std::string& obx5) {
  const EnvelopeT env = decodeStable(std::string(kOruHead) + "OBX|1|SN|X^Y||" + obx5 + "\r");
  const model::LabReportT* r = env.body.AsLabReport();
  if (r == nullptr || r->observations.size() != 1) return "<no observation>";
  EXPECT_EQ(r->observations[0]->value_type, model::ValueType::Quantity);
  return r->observations[0]->value;
}

// SN (structured numeric) parts are joined into the Quantity text and split again on encode; every
// form HL7 defines (comparator, ratio, range, suffix) must come back as written.
TEST(Hl7v2FuzzRegression, StructuredNumericFormsRoundTrip) {
  EXPECT_EQ(snValue("^1^:^128"), "1:128");
  EXPECT_EQ(snValue(">=^5"), ">=5");
  EXPECT_EQ(snValue("<^0.5"), "<0.5");
  EXPECT_EQ(snValue("^3.5^-^9.5"), "3.5-9.5");
  EXPECT_EQ(snValue("^-2^-^-1"), "-2--1");
  EXPECT_EQ(snValue("^2^+"), "2+");  // suffix form (e.g. a 2+ urine dipstick)
  EXPECT_EQ(snValue("<>"), "<>");
  EXPECT_EQ(snValue("^1^.^5"), "1.5");
}

// Found by hl7v2_fuzz (crash a1e14a54): an SN whose comparator was a URL (taken from an RP value)
// decoded to "https://testurl.comimagePICT" and encoded as an SN number that the decoder refused.
TEST(Hl7v2FuzzRegression, StructuredNumericWithTextIsRefused) {
  const auto bad = [](const std::string& obx5) {
    auto env = hl7v2Codec().decode(std::string(kOruHead) + "OBX|1|SN|X^Y||" + obx5 + "\r");
    return env.isOk() ? std::string("<decoded>") : env.status().message();
  };
  EXPECT_EQ(bad("https://testurl.com^^image^PICT"), "OBX[1]-5.1: SN comparator is not one of > < >= <= = <>");
  EXPECT_EQ(bad("^5x"), "OBX[1]-5.2: SN value is not a number");
  EXPECT_EQ(bad("^1^x^2"), "OBX[1]-5.3: SN separator is not one of - + / . :");
  EXPECT_EQ(bad("^^:^2"), "OBX[1]-5.2: SN separator without a first number");
  EXPECT_EQ(bad("^1^^2"), "OBX[1]-5.4: SN second number without separator or not a number");
  EXPECT_EQ(bad("^1^:^2a"), "OBX[1]-5.4: SN second number without separator or not a number");
}

// Found by hl7v2_fuzz: a note with blank lines (\.br\\.br\ in NTE-3, or an empty NTE) was written as
// one NTE per line including empty ones, which read back without them. Blank lines are now dropped
// on both sides.
TEST(Hl7v2FuzzRegression, NotesDropBlankLines) {
  const EnvelopeT env = decodeStable(std::string(kOruHead) +
                                     "NTE|1||\\.br\\a\\.br\\\\.br\\b\\.br\\\rNTE|2\rNTE|3|L|c\r"
                                     "OBX|1|NM|X^Y||5\rNTE|1||d\\.br\\\r");
  const model::LabReportT* r = env.body.AsLabReport();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->conclusion, "a\nb\nc");
  ASSERT_EQ(r->observations.size(), 1u);
  EXPECT_EQ(r->observations[0]->note, "d");
}

// Found by hl7v2_fuzz: the unsupported-type error echoed MSH-9 unescaped, so "\.br\" in the type
// put a line break into the message. It now shows the raw text, printable ASCII only, bounded.
TEST(Hl7v2FuzzRegression, UnsupportedTypeErrorIsOneLine) {
  auto env = hl7v2Codec().decode("MSH|^~\\&|||||||A\\.br\\B\\X0D\\^X|1|P|2.5\r");
  ASSERT_FALSE(env.isOk());
  EXPECT_EQ(env.status().message(), "MSH[1]-9: unsupported message type A\\.br\\B\\X0D\\^X");
  env = hl7v2Codec().decode("MSH|^~\\&|||||||" + std::string(40, 'Z') + "^\x01|1|P|2.5\r");
  ASSERT_FALSE(env.isOk());
  EXPECT_EQ(env.status().message(), "MSH[1]-9: unsupported message type ZZZZZZZZZZZZZZZZ...^?");
}

// Found by hl7v2_fuzz once it compared envelopes: a PID-5 holding only a suffix (or nothing the model
// keeps, "^") decoded to a name the writer dropped, since it wrote XPN.1 from the text alone.
TEST(Hl7v2FuzzRegression, NameWithoutFamilyOrGivenKeepsItsParts) {
  const auto nameOf = [](const std::string& pid5) {
    return decodeStable("MSH|^~\\&|A|B|||20240101||ADT^A04|1|P|2.5\rPID|1||X^^^^PI||" + pid5 + "\r");
  };
  EnvelopeT env = nameOf("^^^Jr^Dr");
  ASSERT_NE(env.body.AsPatient(), nullptr);
  ASSERT_NE(env.body.AsPatient()->name, nullptr);
  EXPECT_EQ(env.body.AsPatient()->name->family, "");
  EXPECT_EQ(env.body.AsPatient()->name->suffix, "Jr");
  EXPECT_EQ(env.body.AsPatient()->name->prefix, "Dr");
  env = nameOf("^");
  ASSERT_NE(env.body.AsPatient(), nullptr);
  EXPECT_EQ(env.body.AsPatient()->name, nullptr);
  env = nameOf("张三");
  ASSERT_NE(env.body.AsPatient(), nullptr);
  ASSERT_NE(env.body.AsPatient()->name, nullptr);
  EXPECT_EQ(env.body.AsPatient()->name->text, "张三");
}

// Found by hl7v2_fuzz once it compared envelopes: an empty PDQ parameter ("@PID.5^") made an empty
// name or identifier that the writer, which skips empty parameters, did not write back.
TEST(Hl7v2FuzzRegression, EmptyPdqParametersAreIgnored) {
  const EnvelopeT env = decodeStable(
      "MSH|^~\\&|A|B|||2024||QBP^Q22|1|P|2.5\rQPD|IHE PDQ Query|Q1|@PID.5^~@PID.3.1^~@PID.7.1^19900101\r");
  const model::QueryT* q = env.body.AsQuery();
  ASSERT_TRUE(q != nullptr && q->patient);
  EXPECT_EQ(q->patient->name, nullptr);
  EXPECT_TRUE(q->patient->identifiers.empty());
  EXPECT_EQ(q->patient->birth_date, "1990-01-01");
}

// Found by hl7v2_fuzz once it compared envelopes: an EI with a namespace and a non-OID universal id
// ("X^HEMOGLOBIN^MR") lost its assigner, written only when the system was an OID or URI.
TEST(Hl7v2FuzzRegression, EntityIdentifierKeepsItsAssigner) {
  const EnvelopeT env = decodeStable(
      "MSH|^~\\&|LIS|WHYY|||20240301081530||ORU^R01|M1|P|2.5\rOBR|1|X^HEMOGLOBIN^MR|R1|WBC^White cells^L\r");
  const model::LabReportT* r = env.body.AsLabReport();
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->identifiers.size(), 1u);
  EXPECT_EQ(r->identifiers[0]->value, "X");
  EXPECT_EQ(r->identifiers[0]->system, "MR");
  EXPECT_EQ(r->identifiers[0]->assigner, "HEMOGLOBIN");
  EXPECT_EQ(r->identifiers[0]->type, "PLAC");
}

// Found by hl7v2_fuzz once it compared envelopes: an AIL-3 with no id or name ("^", "^^^&1.2")
// decoded to an empty location participant that the writer left out.
TEST(Hl7v2FuzzRegression, EmptyLocationIsNoParticipant) {
  const EnvelopeT env = decodeStable(
      "MSH|^~\\&|A|B|||20240101||SIU^S12|1|P|2.5\rSCH|1|A1\rRGS|1\rAIL|1||^\rAIL|2||^^^&1.2^^D\r"
      "AIL|3||^^^ORG1\rAIL|4||ROOM1^^^^^^^^Room 1\r");
  const model::AppointmentT* a = env.body.AsAppointment();
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->participants.size(), 2u);
  EXPECT_EQ(a->participants[0]->actor->kind, "Organization");
  EXPECT_EQ(a->participants[0]->actor->id, "ORG1");
  EXPECT_EQ(a->participants[1]->actor->kind, "Location");
  EXPECT_EQ(a->participants[1]->actor->display, "Room 1");
}

// Found by hl7v2_fuzz once it compared envelopes: every AIS was read into service_type but only
// the first was written.
TEST(Hl7v2FuzzRegression, EveryServiceTypeIsWritten) {
  const EnvelopeT env = decodeStable(
      "MSH|^~\\&|A|B|||20240101||SIU^S12|1|P|2.5\rSCH|1|A1\rRGS|1\r"
      "AIS|1||76164006^Biopsy of colon (procedure)^SCT\rAIS|2||GI^Gastroenterology^L\r");
  const model::AppointmentT* a = env.body.AsAppointment();
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->service_type.size(), 2u);
  EXPECT_EQ(a->service_type[0]->coding->code, "76164006");
  EXPECT_EQ(a->service_type[0]->coding->system, "http://snomed.info/sct");
  EXPECT_EQ(a->service_type[1]->coding->code, "GI");
}

// Found reviewing writePid, reproduced with hl7v2_fuzz: PID-2 was left out whenever any PI
// identifier carried Patient.id, but readPid takes the id from the first PI only.
TEST(Hl7v2FuzzRegression, PatientIdFromALaterPiIsWritten) {
  const EnvelopeT env = decodeStable("MSH|^~\\&|A|B|||20240101||ADT^A04|1|P|2.5\rPID|1|Y|X^^^^PI~Y^^^^PI\r");
  ASSERT_NE(env.body.AsPatient(), nullptr);
  EXPECT_EQ(env.body.AsPatient()->id, "Y");
  const EnvelopeT first = decodeStable("MSH|^~\\&|A|B|||20240101||ADT^A04|1|P|2.5\rPID|1||X^^^^PI~Y^^^^PI\r");
  ASSERT_NE(first.body.AsPatient(), nullptr);
  EXPECT_EQ(first.body.AsPatient()->id, "X");
  auto text = hl7v2Codec().encode(first);
  ASSERT_TRUE(text.isOk());
  EXPECT_NE(text->find("PID|1||X^^^^PI~Y^^^^PI"), std::string::npos) << *text;  // PID-2 stays empty
}

// Found by hl7v2_fuzz once it compared envelopes: MSA-2 was read into in_reply_to for any message
// type, but ORU, ADT, SIU, ... are written without an MSA. It is now read only where the structure
// has an MSA (ACK, RSP, SQR, MFR, SRR) or when the MSA makes the message a Problem.
TEST(Hl7v2FuzzRegression, StrayMsaIsIgnored) {
  EnvelopeT env = decodeStable(std::string(kOruHead) + "MSA|AA|12345672\r");
  EXPECT_EQ(env.in_reply_to, "");
  EXPECT_NE(env.body.AsLabReport(), nullptr);
  env = decodeStable("MSH|^~\\&|A|B|||20240101||ADT^A04|1|P|2.5\rMSA|AA|REQ1\rPID|1||X^^^^PI\r");
  EXPECT_EQ(env.in_reply_to, "");
  EXPECT_NE(env.body.AsPatient(), nullptr);
  env = decodeStable(std::string(kOruHead) + "MSA|AE|REQ2|Unknown patient\r");
  EXPECT_EQ(env.in_reply_to, "REQ2");
  ASSERT_NE(env.body.AsProblem(), nullptr);
  EXPECT_EQ(env.body.AsProblem()->title, "Unknown patient");
  env = decodeStable("MSH|^~\\&|A|B|||20240101||SRR^S01|1|P|2.5\rMSA|AA|REQ3\rSCH|1|A1\r");
  EXPECT_EQ(env.in_reply_to, "REQ3");
  EXPECT_NE(env.body.AsAppointment(), nullptr);
}

// Found by hl7v2_fuzz once it compared envelopes: lab-report results without in_reply_to were
// written as ORU^R01, which reads back as a LabReport when there is one report and has no place for
// the total or the page token. They go as RSP^Z02 unless the ORU carries everything.
TEST(Hl7v2FuzzRegression, LabResultsGoAsOruOnlyWhenItCarriesThemAll) {
  const EnvelopeT env = decodeStable(
      "MSH|^~\\&|A|B|||20240101||RSP^Z02|1|P|2.5\rMSA|AA\rQAK|Q1|OK||7\rOBR|1||R1|WBC^W^L\rDSC|tok\r");
  const model::SearchResultT* r = env.body.AsSearchResult();
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->lab_reports.size(), 1u);
  EXPECT_EQ(r->lab_reports[0]->id, "R1");
  EXPECT_EQ(r->total, 7);
  EXPECT_EQ(r->next_page_token, "tok");
  auto text = hl7v2Codec().encode(env);
  ASSERT_TRUE(text.isOk());
  EXPECT_NE(text->find("RSP^Z02"), std::string::npos) << *text;
}

// Found by hl7v2_fuzz once it compared envelopes: a mobile listed after a work number in PID-14 was
// written to PID-13, so it came back before the work number.
TEST(Hl7v2FuzzRegression, TelecomOrderSurvives) {
  const EnvelopeT env = decodeStable(
      "MSH|^~\\&|A|B|||20240101||ADT^A04|1|P|2.5\rPID|1||X^^^^PI||||||||||0553-1^PRN^PH|0553-2^WPN^PH~"
      "13800000000^WPN^CP\r");
  const model::PatientT* p = env.body.AsPatient();
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->telecom.size(), 3u);
  EXPECT_EQ(p->telecom[0]->use, "home");
  EXPECT_EQ(p->telecom[1]->use, "work");
  EXPECT_EQ(p->telecom[1]->value, "0553-2");
  EXPECT_EQ(p->telecom[2]->use, "mobile");
  EXPECT_EQ(p->telecom[2]->value, "13800000000");
}

}  // namespace
}  // namespace metrogw::adapters
