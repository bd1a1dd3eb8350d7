// settingsFrom(config::Consent) and the decision metrics.
#include <gtest/gtest.h>

#include "observability/metrics.h"
#include "policy/metrics.h"
#include "policy/settings.h"

namespace metrogw::policy {
namespace {

const std::vector<std::string>& at(const Settings& s, Category c, Purpose p) {
  return s.drop_fields[static_cast<size_t>(c)][static_cast<size_t>(p)];
}

TEST(Settings, DefaultsAndOverrides) {
  config::Consent consent;
  consent.break_glass = true;
  consent.obligations.push_back({"*", "treatment", {"notes"}});
  consent.obligations.push_back({"lab-report", "referral", {}});
  auto s = settingsFrom(consent);
  ASSERT_TRUE(s.isOk());
  EXPECT_TRUE(s->break_glass_enabled);
  EXPECT_EQ(at(*s, Category::kAppointment, Purpose::kTreatment), std::vector<std::string>{"notes"});
  EXPECT_TRUE(at(*s, Category::kLabReport, Purpose::kReferral).empty());
  EXPECT_EQ(at(*s, Category::kExamReport, Purpose::kReferral),
            at(Settings{}, Category::kExamReport, Purpose::kReferral));
}

TEST(Settings, UnknownNames) {
  config::Consent consent;
  consent.obligations.push_back({"x-ray", "*", {}});
  EXPECT_FALSE(settingsFrom(consent).isOk());
  consent.obligations = {{"*", "research", {}}};
  EXPECT_FALSE(settingsFrom(consent).isOk());
}

TEST(Metrics, CountsOutcomesByCategory) {
  observability::Registry registry(2);
  Metrics m(registry, 1);
  Decision permit;
  permit.permit = true;
  Decision glass = permit;
  glass.break_glass = true;
  m.count(permit, Category::kLabReport);
  m.count(glass, Category::kLabReport);
  m.count(Decision{}, Category::kAppointment);
  const std::string text = registry.renderText();
  EXPECT_NE(text.find(R"(metrogw_policy_decisions_total{outcome="permit",category="lab-report"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(metrogw_policy_decisions_total{outcome="break-glass",category="lab-report"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(metrogw_policy_decisions_total{outcome="deny",category="appointment"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(metrogw_policy_break_glass_total{category="lab-report"} 1)"), std::string::npos);
}

}  // namespace
}  // namespace metrogw::policy
