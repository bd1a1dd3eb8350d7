// fhir-r4 codec: decode -> encode -> decode gives the same canonical envelope, for every kind.
#include <gtest/gtest.h>

#include "adapters/fhir/codec.h"
#include "adapters/mapping.h"
#include "tests/adapters/fhir/test_util.h"

namespace metrogw::adapters::fhir {
namespace {

// Decodes, encodes, decodes again; expects equal envelopes and returns the first.
model::EnvelopeT roundTrip(std::string_view text) {
  model::EnvelopeT first = decodeOrDie(text);
  auto encoded = fhirR4Codec().encode(first);
  EXPECT_TRUE(encoded.isOk()) << encoded.status().message();
  if (!encoded.isOk()) return first;
  auto second = fhirR4Codec().decode(*encoded);
  EXPECT_TRUE(second.isOk()) << second.status().message() << "\n" << *encoded;
  if (second.isOk()) {
    EXPECT_TRUE(first == *second) << *encoded;
  }
  return first;
}

constexpr std::string_view kOrganization = R"({"resourceType":"Organization","id":"320100-001",
  "identifier":[{"system":"urn:oid:2.16.156.10011.1.5","value":"12320000466000000X"}],
  "type":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/organization-type","code":"prov"}]},
          {"coding":[{"system":"urn:metrogw:codes:hospital-grade","code":"3"}]}],
  "name":"南京鼓楼医院","telecom":[{"system":"phone","value":"025-83106666","use":"work"}],
  "address":[{"text":"南京市鼓楼区中山路321号","city":"南京市","district":"鼓楼区","state":"江苏省"}]})";

constexpr std::string_view kPractitioner = R"({"resourceType":"Practitioner","id":"dr-7",
  "extension":[{"url":"http://metrogw.example/fhir/StructureDefinition/specialty",
     "valueCodeableConcept":{"coding":[{"system":"urn:metrogw:codes:3402:department","code":"GK","display":"骨科"}]}},
   {"url":"http://metrogw.example/fhir/StructureDefinition/organization",
     "valueReference":{"reference":"Organization/320100-001","display":"南京鼓楼医院"}}],
  "name":[{"text":"王医生"}],"gender":"female",
  "qualification":[{"code":{"coding":[{"system":"urn:metrogw:codes:title","code":"231","display":"主任医师"}]}}]})";

constexpr std::string_view kSchedule = R"({"resourceType":"Schedule","id":"s1","active":true,
  "serviceType":[{"coding":[{"system":"urn:metrogw:codes:department","code":"04.03"}]}],
  "actor":[{"reference":"Practitioner/dr-7"},{"reference":"HealthcareService/ortho"},
           {"reference":"Organization/320100-001"},{"reference":"Location/room-3"}],
  "planningHorizon":{"start":"2026-11-24T08:00:00+0800","end":"2026-12-08"},"comment":"专家门诊"})";

constexpr std::string_view kSlot = R"({"resourceType":"Slot","id":"nj-ortho-1",
  "extension":[
   {"url":"http://metrogw.example/fhir/StructureDefinition/slot-capacity","valueUnsignedInt":10},
   {"url":"http://metrogw.example/fhir/StructureDefinition/slot-booked","valueUnsignedInt":4},
   {"url":"http://metrogw.example/fhir/StructureDefinition/slot-reserved-family-doctor","valueUnsignedInt":3},
   {"url":"http://metrogw.example/fhir/StructureDefinition/slot-organization",
    "valueReference":{"reference":"Organization/320100-001","extension":[
      {"url":"http://metrogw.example/fhir/StructureDefinition/city","valueString":"3201"}]}}],
  "schedule":{"reference":"Schedule/s1"},
  "specialty":[{"coding":[{"system":"urn:metrogw:codes:3405:department","code":"1043"}]}],
  "status":"free","start":"2026-11-24T08:00:00+08:00","end":"2026-11-24T08:30:00+08:00"})";

constexpr std::string_view kContainedAppointment = R"({"resourceType":"Appointment","id":"a1",
  "contained":[{"resourceType":"Patient","id":"pat1","identifier":[
      {"system":"urn:oid:2.16.156.10011.1.3","value":"340202198001010011"},
      {"system":"urn:oid:2.16.156.10011.1.19","value":"HC-1"}],
    "name":[{"text":"张三"}],"gender":"male","birthDate":"1980-01-01"}],
  "status":"pending","slot":[{"reference":"Slot/nj-ortho-1"}],
  "participant":[{"actor":{"reference":"#pat1"},"status":"accepted"},
                 {"actor":{"reference":"Practitioner/dr-7"},"required":"optional","status":"tentative"}],
  "minutesDuration":30,"requestedPeriod":[{"start":"2026-11-24","end":"2026-11-25"}]})";

constexpr std::string_view kReportWithContained = R"({"resourceType":"DiagnosticReport","id":"rep-1",
  "contained":[{"resourceType":"Observation","id":"o1","status":"final",
      "code":{"coding":[{"system":"urn:local:lis","code":"WBC","display":"白细胞"}]},
      "valueQuantity":{"value":4.06,"unit":"10^9/L"},"referenceRange":[{"text":"3.5-9.5"}]},
    {"resourceType":"Observation","id":"o2","status":"final","code":{"text":"HBsAg"},
      "valueCodeableConcept":{"coding":[{"system":"urn:local:result","code":"NEG","display":"阴性"}]}},
    {"resourceType":"Specimen","id":"sp","type":{"text":"血液"},"collection":{"collectedDateTime":"2026-11-20T07:30:00+08:00"}}],
  "status":"final","category":[{"coding":[{"code":"LAB"}]}],"code":{"text":"血常规"},
  "subject":{"reference":"Patient/p-1","display":"张三"},
  "performer":[{"reference":"Organization/340500-002"},{"reference":"Practitioner/lab-1"}],
  "effectiveDateTime":"2026-11-20T07:30:00+08:00","issued":"2026-11-20T10:00:00.123+08:00",
  "specimen":[{"reference":"#sp"}],"result":[{"reference":"#o1"},{"reference":"#o2"}],"conclusion":"未见异常"})";

constexpr std::string_view kSearchset = R"({"resourceType":"Bundle","type":"searchset","total":57,
  "link":[{"relation":"self","url":"http://p/fhir/Slot?status=free"},
          {"relation":"next","url":"http://p/fhir/Slot?status=free&_offset=20"}],
  "entry":[
   {"fullUrl":"http://p/fhir/Slot/a","resource":{"resourceType":"Slot","id":"a","status":"free",
     "start":"2026-11-24T08:00:00+08:00","end":"2026-11-24T08:30:00+08:00"},"search":{"mode":"match"}},
   {"fullUrl":"http://p/fhir/DiagnosticReport/r","resource":{"resourceType":"DiagnosticReport","id":"r",
     "status":"final","subject":{"reference":"Patient/p9"},"result":[{"reference":"Observation/x"}]},
     "search":{"mode":"match"}},
   {"fullUrl":"http://p/fhir/Patient/p9","resource":{"resourceType":"Patient","id":"p9","gender":"female"},
     "search":{"mode":"include"}},
   {"fullUrl":"http://p/fhir/Observation/x","resource":{"resourceType":"Observation","id":"x","status":"final",
     "valueQuantity":{"value":1.50,"comparator":"<","unit":"mg/L"}},"search":{"mode":"include"}},
   {"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"warning","code":"incomplete",
     "extension":[{"url":"http://metrogw.example/fhir/StructureDefinition/city","valueString":"3405"}],
     "details":{"coding":[{"system":"urn:metrogw:incomplete","code":"timeout"}]}}]},"search":{"mode":"outcome"}}]})";

constexpr std::string_view kDocument = R"({"resourceType":"Bundle","type":"document","entry":[
  {"fullUrl":"urn:uuid:c","resource":{"resourceType":"Composition","id":"doc-1","status":"final",
    "identifier":{"system":"urn:oid:2.16.156.10011.1.1","value":"D1"},"title":"健康档案摘要","date":"2026-11-01",
    "subject":{"reference":"urn:uuid:p"},"author":[{"reference":"Practitioner/gp-1"}],
    "custodian":{"reference":"Organization/340500-001"}}},
  {"fullUrl":"urn:uuid:p","resource":{"resourceType":"Patient","id":"p-1","gender":"male","birthDate":"1950-03-04"}},
  {"resource":{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]},
    "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"I10","display":"高血压"}]},
    "onsetDateTime":"2015"}},
  {"resource":{"resourceType":"AllergyIntolerance","code":{"text":"青霉素"},
    "reaction":[{"description":"皮疹","severity":"moderate"}]}},
  {"resource":{"resourceType":"MedicationStatement","status":"active","medicationCodeableConcept":{"text":"氨氯地平"},
    "dosage":[{"text":"5mg","timing":{"code":{"text":"qd"}},"route":{"text":"口服"}}],
    "effectivePeriod":{"start":"2020-01-01"}}},
  {"resource":{"resourceType":"Encounter","id":"e1","status":"finished",
    "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
    "period":{"start":"2026-10-01T09:00:00+08:00"},"serviceProvider":{"reference":"Organization/340500-001"},
    "reasonCode":[{"text":"复诊"}]}},
  {"resource":{"resourceType":"Observation","status":"final","code":{"text":"收缩压"},
    "valueQuantity":{"value":135,"unit":"mmHg"}}}]})";

constexpr std::string_view kOutcome = R"({"resourceType":"OperationOutcome","issue":[
  {"severity":"information","code":"informational"},
  {"severity":"error","code":"conflict","details":{"text":"Slot already booked"},"diagnostics":"slot nj-ortho-1"}]})";

TEST(FhirRoundTripTest, Samples) {
  for (const char* name : {"slot-example-busy.json", "appointment-example.json", "ObservationBundle.json"}) {
    SCOPED_TRACE(name);
    roundTrip(readSample(name));
  }
}

TEST(FhirRoundTripTest, Organization) {
  auto env = roundTrip(kOrganization);
  const model::OrganizationT& org = *env.body.AsOrganization();
  EXPECT_EQ(org.city, "3201");  // from the address
  EXPECT_EQ(org.grade, model::HospitalGrade::Tertiary);
  EXPECT_EQ(org.type->code, "prov");
  EXPECT_EQ(org.identifiers[0]->system, "2.16.156.10011.1.5");
  EXPECT_EQ(org.address->district, "鼓楼区");
}

TEST(FhirRoundTripTest, IdentifierSystemsThatAreNotPlainOids) {
  // Only "urn:oid:" followed by digits and dots becomes a bare OID; anything else is kept as sent,
  // so decode(encode(x)) == x also for odd systems (found by fhir_fuzz).
  const std::string text = R"({"resourceType":"Organization","id":"o1","identifier":[
      {"system":"urn:oid:urn:oid:1.2.3","value":"a"},{"system":"urn:oid:6.10011$1.1","value":"b"},
      {"system":"urn:oid:2.16.156.10011.1.5","value":"c"},{"system":"urn:oid:","value":"d"}]})";
  auto env = roundTrip(text);
  const model::OrganizationT& org = *env.body.AsOrganization();
  ASSERT_EQ(org.identifiers.size(), 4U);
  EXPECT_EQ(org.identifiers[0]->system, "urn:oid:urn:oid:1.2.3");
  EXPECT_EQ(org.identifiers[1]->system, "urn:oid:6.10011$1.1");
  EXPECT_EQ(org.identifiers[2]->system, "2.16.156.10011.1.5");
  EXPECT_EQ(org.identifiers[3]->system, "urn:oid:");
}

// A Reference whose kind comes from "type" may hold a '/': "A/B/abc" would read back as kind "B".
TEST(FhirRoundTripTest, ReferenceTypeWithASlash) {
  auto env = roundTrip(R"({"resourceType":"Slot","status":"free",
      "schedule":{"reference":"abc","type":"A/B"},
      "extension":[{"url":"http://metrogw.example/fhir/StructureDefinition/slot-organization",
                    "valueReference":{"type":"C/D"}}]})");
  const model::SlotT& slot = *env.body.AsSlot();
  ASSERT_NE(slot.schedule, nullptr);
  EXPECT_EQ(slot.schedule->kind, "A/B");
  EXPECT_EQ(slot.schedule->id, "abc");
  ASSERT_NE(slot.organization, nullptr);
  EXPECT_EQ(slot.organization->kind, "C/D");
}

TEST(FhirRoundTripTest, PractitionerAndSchedule) {
  auto env = roundTrip(kPractitioner);
  const model::PractitionerT& p = *env.body.AsPractitioner();
  EXPECT_EQ(p.gender, model::Gender::Female);
  EXPECT_EQ(p.title->display, "主任医师");
  ASSERT_EQ(p.specialty.size(), 1u);
  ASSERT_EQ(p.specialty[0]->alt.size(), 1u);  // Wuhu GK -> metro 04.03
  EXPECT_EQ(p.specialty[0]->alt[0]->system, kDepartmentSystem);
  EXPECT_EQ(p.specialty[0]->alt[0]->code, "04.03");
  EXPECT_EQ(p.organization->id, "320100-001");

  env = roundTrip(kSchedule);
  const model::ScheduleT& s = *env.body.AsSchedule();
  EXPECT_EQ(s.practitioner->id, "dr-7");
  EXPECT_EQ(s.department->kind, "HealthcareService");
  EXPECT_EQ(s.organization->id, "320100-001");
  EXPECT_EQ(s.planning_horizon->start, "2026-11-24T08:00:00+08:00");  // offset normalised
  EXPECT_EQ(s.planning_horizon->end, "2026-12-08");
}

TEST(FhirRoundTripTest, SlotWithCapacityExtensions) {
  auto env = roundTrip(kSlot);
  const model::SlotT& s = *env.body.AsSlot();
  EXPECT_EQ(s.capacity, 10);
  EXPECT_EQ(s.booked, 4);
  EXPECT_EQ(s.reserved_family_doctor, 3);
  EXPECT_EQ(s.organization->city, "3201");
  ASSERT_EQ(s.specialty[0]->alt.size(), 1u);
  EXPECT_EQ(s.specialty[0]->alt[0]->code, "04.03");
}

TEST(FhirRoundTripTest, AppointmentWithContainedPatient) {
  auto env = roundTrip(kContainedAppointment);
  const model::AppointmentT& a = *env.body.AsAppointment();
  EXPECT_EQ(a.status, model::AppointmentStatus::Pending);
  ASSERT_NE(a.patient, nullptr);
  EXPECT_EQ(a.patient->id, "pat1");
  ASSERT_EQ(a.patient->identifiers.size(), 2u);
  EXPECT_EQ(a.patient->identifiers[0]->system, model::kResidentIdOid);
  EXPECT_EQ(a.patient->gender, model::Gender::Male);
  ASSERT_EQ(a.participants.size(), 1u);
  EXPECT_FALSE(a.participants[0]->required);
  EXPECT_EQ(a.participants[0]->status, model::ParticipationStatus::Tentative);
  EXPECT_EQ(a.minutes_duration, 30u);
  EXPECT_EQ(a.slots[0]->id, "nj-ortho-1");
}

TEST(FhirRoundTripTest, DiagnosticReportWithContainedObservations) {
  auto env = roundTrip(kReportWithContained);
  ASSERT_EQ(env.body.type, model::Body::LabReport);
  const model::LabReportT& r = *env.body.AsLabReport();
  EXPECT_EQ(r.id, "rep-1");
  EXPECT_EQ(r.status, model::ReportStatus::Final);
  EXPECT_EQ(r.patient->id, "p-1");
  EXPECT_EQ(r.patient->name->text, "张三");
  EXPECT_EQ(r.organization->id, "340500-002");
  EXPECT_EQ(r.performer->id, "lab-1");
  EXPECT_EQ(r.issued, "2026-11-20T10:00:00.123+08:00");
  EXPECT_EQ(r.specimen->id, "sp");
  EXPECT_EQ(r.specimen->collected, "2026-11-20T07:30:00+08:00");
  ASSERT_EQ(r.observations.size(), 2u);
  EXPECT_EQ(r.observations[0]->value, "4.06");
  EXPECT_EQ(r.observations[0]->unit, "10^9/L");
  EXPECT_EQ(r.observations[0]->reference_range->text, "3.5-9.5");
  EXPECT_EQ(r.observations[1]->value_type, model::ValueType::Coded);
  EXPECT_EQ(r.observations[1]->value, "NEG");
  EXPECT_EQ(r.observations[1]->value_coding->display, "阴性");
  EXPECT_EQ(r.conclusion, "未见异常");
}

TEST(FhirRoundTripTest, SearchResultWithPagingIncludesAndIncomplete) {
  auto env = roundTrip(kSearchset);
  ASSERT_EQ(env.body.type, model::Body::SearchResult);
  const model::SearchResultT& r = *env.body.AsSearchResult();
  EXPECT_EQ(r.total, 57);
  EXPECT_EQ(r.next_page_token, "http://p/fhir/Slot?status=free&_offset=20");
  ASSERT_EQ(r.slots.size(), 1u);
  EXPECT_TRUE(r.patients.empty());  // the included Patient is joined into the report
  ASSERT_EQ(r.lab_reports.size(), 1u);
  EXPECT_EQ(r.lab_reports[0]->patient->gender, model::Gender::Female);
  ASSERT_EQ(r.lab_reports[0]->observations.size(), 1u);
  EXPECT_EQ(r.lab_reports[0]->observations[0]->value, "<1.50");
  ASSERT_EQ(r.incomplete.size(), 1u);
  EXPECT_EQ(r.incomplete[0]->city, "3405");
  EXPECT_EQ(r.incomplete[0]->reason, "timeout");

  model::SearchResultT page;
  page.next_page_token = "cursor:abc/+1";
  page.total = -1;
  auto encoded = fhirR4Codec().encode(model::envelopeOf(std::move(page)));
  ASSERT_TRUE(encoded.isOk());
  auto back = decodeOrDie(*encoded);
  EXPECT_EQ(back.body.AsSearchResult()->next_page_token, "cursor:abc/+1");
  EXPECT_EQ(back.body.AsSearchResult()->total, -1);
}

// Found by fhir_fuzz: the second report's patient fits in a bare "Patient/p9" reference, which
// would resolve to the first report's included Patient p9 and gain its gender.
TEST(FhirRoundTripTest, ReportsSharingAPatientIdKeepTheirOwnPatients) {
  constexpr std::string_view kTwoReports = R"({"resourceType":"Bundle","type":"searchset","entry":[
    {"fullUrl":"urn:uuid:1","resource":{"resourceType":"DiagnosticReport","id":"r1","status":"final",
       "subject":{"reference":"urn:uuid:2"}},"search":{"mode":"match"}},
    {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Patient","id":"p9","gender":"female"},
       "search":{"mode":"include"}},
    {"fullUrl":"urn:uuid:3","resource":{"resourceType":"DiagnosticReport","id":"r2","status":"final",
       "subject":{"reference":"urn:uuid:4"}},"search":{"mode":"match"}},
    {"fullUrl":"urn:uuid:4","resource":{"resourceType":"Patient","id":"p9"},"search":{"mode":"include"}}]})";
  auto env = roundTrip(kTwoReports);
  const model::SearchResultT& r = *env.body.AsSearchResult();
  ASSERT_EQ(r.lab_reports.size(), 2u);
  EXPECT_EQ(r.lab_reports[0]->patient->gender, model::Gender::Female);
  EXPECT_EQ(r.lab_reports[1]->patient->gender, model::Gender::Unknown);
}

// Found by fhir_fuzz: a Patient id with a '/' was written as a bare "Patient/p/" reference, which
// splits into kind "p" and an empty id; such a patient is an entry (a contained one) instead, and a
// contained "#x/y" is a Patient actor of an Appointment.
TEST(FhirRoundTripTest, PatientIdWithASlashIsNotABareReference) {
  constexpr std::string_view kReport = R"({"resourceType":"Bundle","type":"collection","entry":[
    {"fullUrl":"urn:uuid:1","resource":{"resourceType":"DiagnosticReport","id":"r1","status":"final",
       "subject":{"reference":"urn:uuid:2"}}},
    {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Patient","id":"p/"}}]})";
  const auto report = roundTrip(kReport);
  ASSERT_NE(report.body.AsLabReport()->patient, nullptr);
  EXPECT_EQ(report.body.AsLabReport()->patient->id, "p/");
  constexpr std::string_view kSearchset = R"({"resourceType":"Bundle","type":"searchset","entry":[
    {"fullUrl":"urn:uuid:1","resource":{"resourceType":"DiagnosticReport","id":"r1","status":"final",
       "subject":{"reference":"urn:uuid:2"}},"search":{"mode":"match"}},
    {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Patient","id":"a/b"},"search":{"mode":"include"}}]})";
  const auto result = roundTrip(kSearchset);
  ASSERT_NE(result.body.AsSearchResult()->lab_reports[0]->patient, nullptr);
  EXPECT_EQ(result.body.AsSearchResult()->lab_reports[0]->patient->id, "a/b");
  constexpr std::string_view kAppointment = R"({"resourceType":"Appointment","id":"a1","status":"booked",
    "contained":[{"resourceType":"Patient","id":"x/y"}],
    "participant":[{"actor":{"reference":"#x/y"},"status":"accepted"}]})";
  const auto appointment = roundTrip(kAppointment);
  ASSERT_NE(appointment.body.AsAppointment()->patient, nullptr);
  EXPECT_EQ(appointment.body.AsAppointment()->patient->id, "x/y");
  constexpr std::string_view kDocument = R"({"resourceType":"Bundle","type":"document","entry":[
    {"fullUrl":"urn:uuid:0","resource":{"resourceType":"Composition","id":"d1","subject":{"reference":"urn:uuid:1"}}},
    {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"/p"}}]})";
  const auto document = roundTrip(kDocument);
  ASSERT_NE(document.body.AsRecordSummary()->patient, nullptr);
  EXPECT_EQ(document.body.AsRecordSummary()->patient->id, "/p");
}

TEST(FhirRoundTripTest, RecordSummaryDocument) {
  auto env = roundTrip(kDocument);
  ASSERT_EQ(env.body.type, model::Body::RecordSummary);
  const model::RecordSummaryT& r = *env.body.AsRecordSummary();
  EXPECT_EQ(r.id, "doc-1");
  EXPECT_EQ(r.title, "健康档案摘要");
  EXPECT_EQ(r.patient->birth_date, "1950-03-04");
  EXPECT_EQ(r.custodian->id, "340500-001");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0]->code->coding->code, "I10");
  EXPECT_EQ(r.problems[0]->status, "active");
  EXPECT_EQ(r.allergies[0]->reaction, "皮疹");
  EXPECT_EQ(r.medications[0]->frequency, "qd");
  EXPECT_EQ(r.encounters[0]->encounter_class->code, "AMB");
  EXPECT_EQ(r.observations[0]->value, "135");
}

TEST(FhirRoundTripTest, OperationOutcomeIsAProblem) {
  auto env = roundTrip(kOutcome);
  ASSERT_EQ(env.body.type, model::Body::Problem);
  const model::ProblemT& p = *env.body.AsProblem();
  EXPECT_EQ(p.status, 409);
  EXPECT_EQ(p.type, "urn:metrogw:problem:conflict");
  EXPECT_EQ(p.title, "Slot already booked");
}

TEST(FhirRoundTripTest, EncodeRefusesQueries) {
  auto r = fhirR4Codec().encode(model::envelopeOf(model::QueryT()));
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace metrogw::adapters::fhir
