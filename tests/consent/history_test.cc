// Consent histories from several ledgers: the strict reading of a peer ledger's answer, the merge
// by record id, and the fail-safe property the owning node relies on — deciding with fewer
// ledgers never permits what deciding with all of them denies.
#include <gtest/gtest.h>

#include <random>

#include "consent/record.h"
#include "policy/policy.h"

namespace metrogw::consent {
namespace {

constexpr int64_t kNow = 1'790'000'000'000;
constexpr const char* kToken = "t1.abc";

Record grant(const std::string& id, const std::string& city, int64_t recorded_ms) {
  Record r;
  r.id = id;
  r.patient_token = kToken;
  r.grantee = {"3405", "", ""};
  r.categories = {policy::Category::kLabReport};
  r.purposes = {policy::Purpose::kTreatment};
  r.not_before_ms = recorded_ms;
  r.recorded_ms = recorded_ms;
  r.source = "12320-app";
  r.home_city = city;
  return r;
}

Record revocation(const std::string& id, const Record& of, int64_t recorded_ms) {
  Record r = of;
  r.id = id;
  r.kind = Kind::kRevocation;
  r.revokes = of.id;
  r.recorded_ms = recorded_ms;
  return r;
}

std::vector<std::string> ids(const std::vector<Record>& history) {
  std::vector<std::string> out;
  for (const auto& r : history) out.push_back(r.id);
  return out;
}

TEST(ConsentHistory, MergeIsAUnionByIdInRecordedOrder) {
  const Record nj = grant("3201-aa", "3201", kNow + 5);
  const Record nj_rev = revocation("3201-bb", nj, kNow + 30);
  const Record wh = grant("3402-cc", "3402", kNow + 10);
  const Record same_time = grant("3201-0a", "3201", kNow + 10);
  // The same record answered twice (e.g. a city listed twice) counts once.
  auto merged = mergeHistories({{nj, same_time, nj_rev}, {wh}, {nj}});
  EXPECT_EQ(ids(merged), (std::vector<std::string>{"3201-aa", "3201-0a", "3402-cc", "3201-bb"}));
  EXPECT_TRUE(mergeHistories({}).empty());
  EXPECT_TRUE(mergeHistories({{}, {}}).empty());

  // What the policy engine reads: the Nanjing grant revoked, the Wuhu grant still in force.
  auto e = effective(merged);
  ASSERT_EQ(e.size(), 3U);
  for (const auto& c : e) EXPECT_EQ(c.revoked, c.id == "3201-aa") << c.id;
}

TEST(ConsentHistory, ReadsAPeerLedgersAnswer) {
  const Record g = grant("3201-aa", "3201", kNow);
  const Record r = revocation("3201-bb", g, kNow + 1);
  auto back = historyFromJson(historyJson(kToken, {g, r}), kToken, "3201");
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  ASSERT_EQ(back->size(), 2U);
  EXPECT_EQ(toJson((*back)[0]), toJson(g));
  EXPECT_EQ(toJson((*back)[1]), toJson(r));
  auto empty = historyFromJson(historyJson(kToken, {}), kToken, "3201");
  ASSERT_TRUE(empty.isOk());
  EXPECT_TRUE(empty->empty());
}

TEST(ConsentHistory, RefusesAnAnswerThatIsNotThatLedgersRecordsOfThatPatient) {
  const Record g = grant("3201-aa", "3201", kNow);
  Record other_patient = g;
  other_patient.patient_token = "t1.xyz";
  Record other_city = grant("3402-aa", "3402", kNow);  // Wuhu's record answered by "Nanjing"
  Record wrong_prefix = g;
  wrong_prefix.id = "3402-aa";
  Record bare_revocation = revocation("3201-bb", g, kNow);
  bare_revocation.revokes.clear();
  Record empty_grant = g;
  empty_grant.categories.clear();
  const std::vector<std::string> bad = {
      historyJson(kToken, {other_patient}),
      historyJson(kToken, {other_city}),
      historyJson(kToken, {wrong_prefix}),
      historyJson(kToken, {bare_revocation}),
      historyJson(kToken, {empty_grant}),
      historyJson("t1.xyz", {g}),  // the answer is about another patient
      R"({"patient":"t1.abc"})",
      R"({"patient":"t1.abc","consents":{}})",
      R"({"patient":"t1.abc","consents":[1]})",
      "not json",
  };
  for (const auto& body : bad) {
    EXPECT_EQ(historyFromJson(body, kToken, "3201").status().code(), StatusCode::kMalformedMessage) << body;
  }
  // A record whose kind is neither grant nor revocation is not read as a grant.
  std::string odd = historyJson(kToken, {g});
  odd.replace(odd.find("\"grant\""), 7, "\"permit\"");
  EXPECT_FALSE(historyFromJson(odd, kToken, "3201").isOk());
}

// Random grants and revocations spread over three ledgers (each revocation in its grant's ledger,
// as the ledger guarantees). For every subset of ledgers that could be read, a permit with the
// subset is also a permit with all ledgers: an unreadable ledger can only deny more.
TEST(ConsentHistory, FewerLedgersNeverPermitWhatAllLedgersDeny) {
  const std::vector<std::string> cities = {"3201", "3402", "3405"};
  std::mt19937 rng(20261205);
  policy::Settings settings;
  int permits_lost = 0;
  for (int round = 0; round < 400; ++round) {
    std::vector<std::vector<Record>> ledgers(cities.size());
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      const size_t l = rng() % cities.size();
      const std::string id = cities[l] + "-" + std::to_string(round) + "g" + std::to_string(i);
      Record g = grant(id, cities[l], kNow + static_cast<int64_t>(rng() % 100));
      if (rng() % 2 == 0) g.grantee = {"3402", "", ""};  // granted to someone else
      ledgers[l].push_back(g);
      if (rng() % 2 == 0)
        ledgers[l].push_back(revocation(id + "r", g, g.recorded_ms + static_cast<int64_t>(rng() % 100)));
    }
    policy::Request req;
    req.caller_city = "3405";
    req.patient_token = kToken;
    req.now_ms = kNow + 150;
    const bool all = policy::decide(req, effective(mergeHistories(ledgers)), settings).permit;
    for (unsigned mask = 0; mask < (1U << cities.size()); ++mask) {
      std::vector<std::vector<Record>> readable;
      for (size_t l = 0; l < cities.size(); ++l) {
        if ((mask & (1U << l)) != 0) readable.push_back(ledgers[l]);
      }
      const bool some = policy::decide(req, effective(mergeHistories(readable)), settings).permit;
      if (some) {
        EXPECT_TRUE(all) << "round " << round << " mask " << mask;
      }
      if (all && !some) ++permits_lost;
    }
  }
  EXPECT_GT(permits_lost, 0);  // the generator does exercise grants that only some ledgers hold
}

}  // namespace
}  // namespace metrogw::consent
