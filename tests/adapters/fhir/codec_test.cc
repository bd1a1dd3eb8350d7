// fhir-r4 codec: every real sample decodes to the expected canonical values.
#include "adapters/fhir/codec.h"

#include <gtest/gtest.h>

#include "adapters/mapping.h"
#include "tests/adapters/fhir/test_util.h"

namespace metrogw::adapters::fhir {
namespace {

TEST(FhirDecodeTest, SlotSample) {
  auto env = decodeOrDie(readSample("slot-example-busy.json"));
  ASSERT_EQ(env.body.type, model::Body::Slot);
  const model::SlotT& s = *env.body.AsSlot();
  EXPECT_EQ(s.id, "1");
  ASSERT_EQ(s.identifiers.size(), 1u);
  EXPECT_EQ(s.identifiers[0]->system, "http://example.org/identifiers/slots");
  EXPECT_EQ(s.identifiers[0]->value, "123132");
  ASSERT_EQ(s.service_category.size(), 1u);
  EXPECT_EQ(s.service_category[0]->coding->code, "17");
  EXPECT_EQ(s.service_category[0]->coding->display, "General Practice");
  ASSERT_NE(s.schedule, nullptr);
  EXPECT_EQ(s.schedule->kind, "Schedule");
  EXPECT_EQ(s.schedule->id, "example");
  EXPECT_EQ(s.status, model::SlotStatus::Busy);
  EXPECT_EQ(s.start, "2013-12-25T09:00:00Z");
  EXPECT_EQ(s.end, "2013-12-25T09:15:00Z");
  EXPECT_TRUE(s.overbooked);
  EXPECT_EQ(s.capacity, 1);
  EXPECT_EQ(s.booked, 0);
  EXPECT_EQ(s.comment, "Assessments should be performed before requesting appointments in this slot.");
}

TEST(FhirDecodeTest, AppointmentSample) {
  auto env = decodeOrDie(readSample("appointment-example.json"));
  ASSERT_EQ(env.body.type, model::Body::Appointment);
  const model::AppointmentT& a = *env.body.AsAppointment();
  EXPECT_EQ(a.id, "example");
  EXPECT_EQ(a.status, model::AppointmentStatus::Booked);
  ASSERT_EQ(a.service_category.size(), 1u);
  EXPECT_EQ(a.service_category[0]->coding->system, "http://example.org/service-category");
  EXPECT_EQ(a.service_category[0]->coding->code, "gp");
  ASSERT_EQ(a.service_type.size(), 1u);
  EXPECT_EQ(a.service_type[0]->coding->code, "52");
  EXPECT_EQ(a.service_type[0]->coding->system, "");
  ASSERT_EQ(a.specialty.size(), 1u);
  EXPECT_EQ(a.specialty[0]->coding->system, "http://snomed.info/sct");
  EXPECT_EQ(a.specialty[0]->coding->code, "394814009");
  ASSERT_NE(a.appointment_type, nullptr);
  EXPECT_EQ(a.appointment_type->coding->code, "FOLLOWUP");
  EXPECT_EQ(a.priority, 5);
  EXPECT_EQ(a.description, "Discussion on the results of your recent MRI");
  EXPECT_EQ(a.start, "2013-12-10T09:00:00Z");
  EXPECT_EQ(a.end, "2013-12-10T11:00:00Z");
  EXPECT_EQ(a.created, "2013-10-10");
  ASSERT_NE(a.patient, nullptr);
  EXPECT_EQ(a.patient->id, "example");
  ASSERT_NE(a.patient->name, nullptr);
  EXPECT_EQ(a.patient->name->text, "Peter James Chalmers");
  ASSERT_EQ(a.participants.size(), 2u);
  EXPECT_EQ(a.participants[0]->actor->kind, "Practitioner");
  EXPECT_EQ(a.participants[0]->actor->id, "example");
  EXPECT_EQ(a.participants[0]->actor->display, "Dr Adam Careful");
  EXPECT_EQ(a.participants[0]->role->coding->code, "ATND");
  EXPECT_TRUE(a.participants[0]->required);
  EXPECT_EQ(a.participants[0]->status, model::ParticipationStatus::Accepted);
  EXPECT_EQ(a.participants[1]->actor->kind, "Location");
  EXPECT_EQ(a.participants[1]->actor->id, "1");
  ASSERT_NE(a.referral, nullptr);
  EXPECT_EQ(a.referral->kind, "ServiceRequest");
  EXPECT_EQ(a.referral->id, "myringotomy");
}

TEST(FhirDecodeTest, ObservationBundleSampleIsALabReport) {
  auto env = decodeOrDie(readSample("ObservationBundle.json"));
  ASSERT_EQ(env.body.type, model::Body::LabReport);
  const model::LabReportT& r = *env.body.AsLabReport();
  ASSERT_NE(r.patient, nullptr);
  const model::PatientT& p = *r.patient;
  EXPECT_EQ(p.id, "f001");
  ASSERT_EQ(p.identifiers.size(), 1u);
  EXPECT_EQ(p.identifiers[0]->system, "1.2.36.146.595.217.0.1");
  EXPECT_EQ(p.identifiers[0]->value, "12345");
  EXPECT_EQ(p.identifiers[0]->type, "MR");
  EXPECT_EQ(p.identifiers[0]->assigner, "Acme Healthcare");
  ASSERT_NE(p.name, nullptr);
  EXPECT_EQ(p.name->family, "Chalmers");
  EXPECT_EQ(p.name->given, (std::vector<std::string>{"Peter", "James"}));
  EXPECT_EQ(p.gender, model::Gender::Male);
  EXPECT_EQ(p.birth_date, "1974-12-25");
  ASSERT_EQ(p.telecom.size(), 2u);
  EXPECT_EQ(p.telecom[1]->system, model::ContactSystem::Phone);
  EXPECT_EQ(p.telecom[1]->use, "work");
  ASSERT_EQ(p.address.size(), 1u);
  EXPECT_EQ(p.address[0]->city, "PleasantVille");
  EXPECT_EQ(p.address[0]->province, "Vic");
  EXPECT_EQ(p.address[0]->postal_code, "3999");
  EXPECT_FALSE(p.deceased);
  EXPECT_EQ(p.managing_organization->kind, "Organization");
  EXPECT_EQ(p.managing_organization->id, "1");

  ASSERT_EQ(r.observations.size(), 1u);
  const model::ObservationT& o = *r.observations[0];
  EXPECT_EQ(o.id, "f001");
  EXPECT_EQ(o.status, model::ReportStatus::Final);
  EXPECT_EQ(o.code->coding->system, kLoincSystem);
  EXPECT_EQ(o.code->coding->code, "15074-8");
  EXPECT_EQ(o.code->coding->display, "Glucose [Moles/volume] in Blood");
  EXPECT_EQ(o.effective, "2013-04-02T09:30:10+01:00");
  EXPECT_EQ(o.value_type, model::ValueType::Quantity);
  EXPECT_EQ(o.value, "6.3");
  EXPECT_EQ(o.unit, "mmol/l");
  EXPECT_EQ(o.unit_system, "http://unitsofmeasure.org");
  EXPECT_EQ(o.interpretation, model::Interpretation::High);
  EXPECT_EQ(o.interpretation_code->code, "H");
  ASSERT_NE(o.reference_range, nullptr);
  EXPECT_EQ(o.reference_range->low, "3.1");
  EXPECT_EQ(o.reference_range->high, "6.2");
  EXPECT_EQ(o.reference_range->unit, "mmol/l");
}

// ExamplePatient.json is not FHIR but a flat legacy JSON record; it decodes as a Patient.
TEST(FhirDecodeTest, LegacyFlatPatientSample) {
  auto env = fhirR4Codec().decode(readSample("ExamplePatient.json"));
  ASSERT_TRUE(env.isOk()) << env.status().message();
  ASSERT_EQ(env->body.type, model::Body::Patient);
  const model::PatientT& p = *env->body.AsPatient();
  EXPECT_EQ(p.id, "12434");
  ASSERT_EQ(p.identifiers.size(), 2u);
  EXPECT_EQ(p.identifiers[0]->type, "PI");
  EXPECT_EQ(p.identifiers[1]->type, "MR");
  EXPECT_EQ(p.identifiers[1]->value, "M0R1N2");
  ASSERT_NE(p.name, nullptr);
  EXPECT_EQ(p.name->family, "Smith");
  ASSERT_EQ(p.name->given.size(), 1u);
  EXPECT_EQ(p.name->given[0], "Jerry");
  ASSERT_EQ(p.telecom.size(), 2u);
  EXPECT_EQ(p.telecom[1]->value, "1234-5679");
  EXPECT_EQ(p.gender, model::Gender::Male);
  EXPECT_EQ(p.gender_code->code, "M");
  EXPECT_EQ(p.birth_date, "2001-01-10");
}

TEST(FhirDecodeTest, LegacyFlatPatientErrorsArePointed) {
  auto env = fhirR4Codec().decode(R"({"PatientId": 1, "FirstName": 7})");
  ASSERT_FALSE(env.isOk());
  EXPECT_EQ(env.status().message(), "/FirstName: expected a string");
  auto other = fhirR4Codec().decode(R"({"Name": "x"})");
  ASSERT_FALSE(other.isOk());
  EXPECT_EQ(other.status().message(), "/resourceType: missing");
}

}  // namespace
}  // namespace metrogw::adapters::fhir

namespace metrogw::adapters::fhir {
namespace {

TEST(FhirDecodeTest, UnknownPatientGenderIsKeptAsSourceCode) {
  auto env = decodeOrDie(R"({"resourceType":"Patient","gender":"intersex"})");
  const model::PatientT& p = *env.body.AsPatient();
  EXPECT_EQ(p.gender, model::Gender::Unknown);
  ASSERT_NE(p.gender_code, nullptr);
  EXPECT_EQ(p.gender_code->code, "intersex");
}

}  // namespace
}  // namespace metrogw::adapters::fhir
