// decide() cost: goal <= 2 µs per decision.
#include <benchmark/benchmark.h>

#include <vector>

#include "policy/policy.h"

namespace metrogw::policy {
namespace {

std::vector<ConsentRecord> records(size_t n) {
  std::vector<ConsentRecord> out;
  for (size_t i = 0; i < n; ++i) {
    ConsentRecord c;
    c.id = "consent-" + std::to_string(i);
    c.patient_token = "k2025a.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    c.grantee = {"3405", "mas-hospital-" + std::to_string(i), ""};
    c.categories = {Category::kLabReport, Category::kRecordSummary};
    c.purposes = {Purpose::kTreatment, Purpose::kReferral};
    c.not_before_ms = 1'000;
    c.not_after_ms = 2'000'000'000'000;
    out.push_back(std::move(c));
  }
  return out;
}

Request request(size_t hospital, Purpose purpose) {
  Request r;
  r.caller_city = "3405";
  r.caller_hospital = "mas-hospital-" + std::to_string(hospital);
  r.practitioner = "dr-li";
  r.patient_token = "k2025a.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  r.category = Category::kLabReport;
  r.purpose = purpose;
  r.now_ms = 1'763'900'000'000;
  return r;
}

// Permit by the last of N records, with referral obligations (3 fields copied).
void BM_DecidePermitLast(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const auto recs = records(n);
  const auto req = request(n - 1, Purpose::kReferral);
  const Settings settings;
  for (auto _ : state) benchmark::DoNotOptimize(decide(req, recs, settings));
}
BENCHMARK(BM_DecidePermitLast)->Arg(1)->Arg(8)->Arg(32);

// Deny after checking every record (the slow path).
void BM_DecideDeny(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const auto recs = records(n);
  const auto req = request(n + 1, Purpose::kTreatment);
  const Settings settings;
  for (auto _ : state) benchmark::DoNotOptimize(decide(req, recs, settings));
}
BENCHMARK(BM_DecideDeny)->Arg(1)->Arg(8)->Arg(32);

}  // namespace
}  // namespace metrogw::policy

BENCHMARK_MAIN();
