// FHIR REST helpers: Query/Command -> request -> Query/Command, targets as the contract says.
#include "adapters/fhir/rest.h"

#include <gtest/gtest.h>

#include "adapters/fhir/codec.h"

namespace metrogw::adapters::fhir {
namespace {

model::QueryT slotQuery() {
  model::QueryT q;
  q.kind = model::QueryKind::Slots;
  q.from = "2026-11-24T08:00:00+08:00";
  q.to = "2026-11-25";
  q.department_code = "04.03";
  q.organization_id = "320100-001";
  q.practitioner_id = "dr 7";
  q.family_doctor = true;
  q.limit = 20;
  q.page_token = "40";
  return q;
}

model::QueryT roundTrip(const model::QueryT& q) {
  auto req = toRestRequest(q);
  EXPECT_TRUE(req.isOk()) << req.status().message();
  if (!req.isOk()) return {};
  auto env = fromRestRequest(req->method, req->target, req->body);
  EXPECT_TRUE(env.isOk()) << req->target << " -> " << env.status().message();
  if (!env.isOk() || env->body.type != model::Body::Query) return {};
  return *env->body.AsQuery();
}

TEST(FhirRestTest, SlotSearchTargetFollowsTheContract) {
  auto req = toRestRequest(slotQuery());
  ASSERT_TRUE(req.isOk());
  EXPECT_EQ(req->method, "GET");
  EXPECT_EQ(
      req->target,
      "/fhir/Slot?status=free&start=ge2026-11-24T08%3A00%3A00%2B08%3A00&start=lt2026-11-25&specialty=04.03"
      "&organization=320100-001&practitioner=dr%207&family-doctor=true&_count=20&_offset=40");
  EXPECT_TRUE(req->body.empty());
  EXPECT_EQ(roundTrip(slotQuery()), slotQuery());
}

TEST(FhirRestTest, EveryQueryKindRoundTrips) {
  model::QueryT orgs;
  orgs.kind = model::QueryKind::Organizations;
  orgs.limit = 100;
  EXPECT_EQ(toRestRequest(orgs)->target, "/fhir/Organization?_count=100");
  EXPECT_EQ(roundTrip(orgs), orgs);

  model::QueryT patients;
  patients.kind = model::QueryKind::Patients;
  patients.patient = std::make_unique<model::PatientT>();
  auto id = std::make_unique<model::IdentifierT>();
  id->system = std::string(model::kResidentIdOid);
  id->value = "32010219800101001X";
  patients.patient->identifiers.push_back(std::move(id));
  patients.patient->birth_date = "1980-01-01";
  EXPECT_EQ(
      toRestRequest(patients)->target,
      "/fhir/Patient?identifier=urn%3Aoid%3A2.16.156.10011.1.3%7C32010219800101001X&birthdate=1980-01-01"
      "&_count=50");
  EXPECT_EQ(roundTrip(patients), patients);

  model::QueryT reports;
  reports.kind = model::QueryKind::LabReports;
  reports.patient = std::make_unique<model::PatientT>();
  reports.patient->id = "p-1";
  EXPECT_EQ(toRestRequest(reports)->target,
            "/fhir/DiagnosticReport?patient=p-1&_include=DiagnosticReport%3Aresult&_count=50");
  EXPECT_EQ(roundTrip(reports), reports);

  model::QueryT one;
  one.kind = model::QueryKind::LabReport;
  one.id = "rep-9";
  EXPECT_EQ(toRestRequest(one)->target,
            "/fhir/DiagnosticReport?_id=rep-9&_include=DiagnosticReport%3Aresult");
  EXPECT_EQ(roundTrip(one).id, "rep-9");
  EXPECT_EQ(roundTrip(one).kind, model::QueryKind::LabReport);

  model::QueryT summary;
  summary.kind = model::QueryKind::RecordSummary;
  summary.patient = std::make_unique<model::PatientT>();
  summary.patient->id = "p-1";
  EXPECT_EQ(toRestRequest(summary)->target, "/fhir/Patient/p-1/$summary");
  EXPECT_EQ(roundTrip(summary), summary);

  model::QueryT paged = slotQuery();
  paged.page_token = "opaque token/2";
  EXPECT_EQ(roundTrip(paged), paged);
}

TEST(FhirRestTest, HoldBookAndCancelCommands) {
  model::CommandT hold;
  hold.action = model::CommandAction::Hold;
  hold.slot_id = "slot-42";
  hold.idempotency_key = "k-1";
  hold.family_doctor = true;
  hold.reason = "referral for knee pain";
  hold.patient = std::make_unique<model::PatientT>();
  hold.patient->id = "p-1";
  hold.patient->gender = model::Gender::Female;
  hold.requester = std::make_unique<model::ReferenceT>();
  hold.requester->kind = "Practitioner";
  hold.requester->id = "fd-3";
  hold.requester->city = "3402";
  auto req = toRestRequest(hold);
  ASSERT_TRUE(req.isOk()) << req.status().message();
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->target, "/fhir/Appointment");
  EXPECT_NE(req->body.find(R"("status":"pending")"), std::string::npos) << req->body;
  auto env = fromRestRequest(req->method, req->target, req->body);
  ASSERT_TRUE(env.isOk()) << env.status().message();
  ASSERT_EQ(env->body.type, model::Body::Command);
  EXPECT_EQ(*env->body.AsCommand(), hold);

  model::CommandT book;
  book.action = model::CommandAction::Book;
  book.slot_id = "slot-42";
  book.hold_id = "h-7";
  req = toRestRequest(book);
  ASSERT_TRUE(req.isOk());
  EXPECT_NE(req->body.find(R"("status":"booked")"), std::string::npos);
  env = fromRestRequest(req->method, req->target, req->body);
  ASSERT_TRUE(env.isOk()) << env.status().message();
  EXPECT_EQ(*env->body.AsCommand(), book);

  model::CommandT cancel;
  cancel.action = model::CommandAction::Cancel;
  cancel.appointment_id = "appt/1";
  cancel.reason = "patient request";
  req = toRestRequest(cancel);
  ASSERT_TRUE(req.isOk());
  EXPECT_EQ(req->method, "PUT");
  EXPECT_EQ(req->target, "/fhir/Appointment/appt%2F1");
  env = fromRestRequest(req->method, req->target, req->body);
  ASSERT_TRUE(env.isOk()) << env.status().message();
  EXPECT_EQ(*env->body.AsCommand(), cancel);
}

TEST(FhirRestTest, BadParametersAreNamed) {
  auto starts = [](std::string_view method, std::string_view target, std::string_view body,
                   std::string_view prefix) {
    auto env = fromRestRequest(method, target, body);
    ASSERT_FALSE(env.isOk()) << target;
    EXPECT_EQ(env.status().message().substr(0, prefix.size()), prefix) << env.status().message();
  };
  starts("GET", "/fhir/Slot?start=gx2026-01-01", "", "start: ");
  starts("GET", "/fhir/Slot?_count=abc", "", "_count: ");
  starts("GET", "/fhir/Slot?_count=0", "", "_count: ");
  starts("GET", "/fhir/Slot?status=busy", "", "status: ");
  starts("GET", "/fhir/Slot?bogus=1", "", "bogus: ");
  starts("GET", "/fhir/Slot?specialty=%zz", "", "specialty: ");
  starts("GET", "/fhir/Patient?identifier=novalue", "", "identifier: ");
  starts("GET", "/fhir/Encounter?x=1", "", "path: ");
  starts("GET", "/other/Slot", "", "path: ");
  starts("DELETE", "/fhir/Appointment/1", "", "path: ");
  starts("POST", "/fhir/Appointment", "{", "/: ");
  starts("POST", "/fhir/Appointment", R"({"resourceType":"Appointment","status":"booked"})", "/slot: ");
  starts("POST", "/fhir/Appointment", R"({"resourceType":"Appointment","status":"cancelled"})", "/status: ");
  starts("PUT", "/fhir/Appointment/1", R"({"resourceType":"Appointment","id":"2","status":"cancelled"})",
         "/id: ");
}

TEST(FhirRestTest, CommandsNeedTheirIds) {
  model::CommandT c;
  c.action = model::CommandAction::Book;
  EXPECT_FALSE(toRestRequest(c).isOk());
  c.action = model::CommandAction::Cancel;
  EXPECT_FALSE(toRestRequest(c).isOk());
  model::QueryT q;
  q.kind = model::QueryKind::RecordSummary;
  EXPECT_FALSE(toRestRequest(q).isOk());
}

}  // namespace
}  // namespace metrogw::adapters::fhir
