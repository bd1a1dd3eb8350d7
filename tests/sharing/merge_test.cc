// The asking node's merge and rendering, and the owning node's obligations and category filter:
// what a denied city or category leaves behind (nothing, not even a count).
#include <gtest/gtest.h>

#include "federation/peer_api.h"
#include "sharing/merge.h"
#include "sharing/obligations.h"
#include "sharing/render.h"

namespace metrogw::sharing {
namespace {

using gateway::http::Problem;

std::unique_ptr<model::LabReportT> report(const std::string& id, const std::string& section = "LAB") {
  auto r = std::make_unique<model::LabReportT>();
  r->id = id;
  r->category = std::make_unique<model::CodeableConceptT>();
  r->category->coding = std::make_unique<model::CodingT>();
  r->category->coding->system = "http://terminology.hl7.org/CodeSystem/v2-0074";
  r->category->coding->code = section;
  r->conclusion = "see note";
  r->patient = std::make_unique<model::PatientT>();
  r->patient->id = "P1";
  r->patient->address.push_back(std::make_unique<model::AddressT>());
  r->patient->telecom.push_back(std::make_unique<model::ContactPointT>());
  return r;
}

model::EnvelopeT reports(std::vector<std::string> ids) {
  model::SearchResultT result;
  for (const auto& id : ids) result.lab_reports.push_back(report(id));
  return model::envelopeOf(std::move(result));
}

model::EnvelopeT refusalOf(Problem p) {
  auto r = federation::envelopeProblem(p, "");
  return model::unpack(r.body).value();
}

TEST(SharingMerge, DeniedCityContributesNothingAndIsNotNamed) {
  Merged m;
  addAnswer("3201", reports({"r1", "r2"}), m);
  addAnswer("3402", refusalOf(Problem::kConsentRequired), m);
  EXPECT_FALSE(refusal(m).has_value());
  auto r = labReportsResponse(std::move(m), false);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("r1"), std::string::npos);
  EXPECT_EQ(r.body.find("3402"), std::string::npos);  // the denying city is nowhere
  EXPECT_EQ(r.body.find("total"), std::string::npos);
  EXPECT_EQ(r.body.find("incomplete"), std::string::npos);
  EXPECT_EQ(r.headers.get("X-Metrogw-Incomplete"), nullptr);
}

TEST(SharingMerge, EveryCityDeniedIsARefusal) {
  Merged m;
  addAnswer("3201", refusalOf(Problem::kConsentRequired), m);
  addAnswer("3402", Status::upstreamTimeout("late"), m);
  ASSERT_TRUE(refusal(m).has_value());
  EXPECT_EQ(*refusal(m), Problem::kConsentRequired);
  Merged bg;
  addAnswer("3201", refusalOf(Problem::kBreakGlassNotPermitted), bg);
  EXPECT_EQ(*refusal(bg), Problem::kBreakGlassNotPermitted);
}

TEST(SharingMerge, FailuresAreIncompleteNotRefusals) {
  Merged m;
  addAnswer("3201", reports({"r1"}), m);
  addAnswer("3402", Status::upstreamUnavailable("down"), m);
  addLate("3405", m);
  auto r = labReportsResponse(std::move(m), false);
  EXPECT_EQ(r.status, 200);
  ASSERT_NE(r.headers.get("X-Metrogw-Incomplete"), nullptr);
  EXPECT_EQ(*r.headers.get("X-Metrogw-Incomplete"), "3402,3405");
  EXPECT_NE(r.body.find("\"incomplete\""), std::string::npos);
}

TEST(SharingMerge, FhirBundleHasNoTotal) {
  Merged m;
  addAnswer("3201", reports({"r1"}), m);
  auto r = labReportsResponse(std::move(m), true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/fhir+json");
  EXPECT_NE(r.body.find("DiagnosticReport"), std::string::npos);
  EXPECT_EQ(r.body.find("\"total\""), std::string::npos);
}

TEST(SharingObligations, DropsTheNamedFields) {
  auto r = report("r1");
  applyObligations(*r, {"notes", "patient.address"});
  EXPECT_TRUE(r->conclusion.empty());
  EXPECT_TRUE(r->patient->address.empty());
  EXPECT_EQ(r->patient->telecom.size(), 1U);
  auto kept = report("r2");
  applyObligations(*kept, {});
  EXPECT_EQ(kept->conclusion, "see note");
}

TEST(SharingObligations, KeepsOnlyPermittedCategories) {
  std::vector<std::unique_ptr<model::LabReportT>> mixed;
  mixed.push_back(report("lab1"));
  mixed.push_back(report("ct1", "CT"));
  mixed.push_back(report("lab2"));
  EXPECT_EQ(reportCategory(*mixed[1]), policy::Category::kExamReport);
  EXPECT_EQ(keepCategories(mixed, {policy::Category::kLabReport}), 1U);
  ASSERT_EQ(mixed.size(), 2U);
  EXPECT_EQ(mixed[0]->id, "lab1");
  EXPECT_EQ(mixed[1]->id, "lab2");
}

}  // namespace
}  // namespace metrogw::sharing
