// Audit append cost (format + SM3/SHA-256 + write(2); fsync batched in the background).
#include <benchmark/benchmark.h>

#include "tests/audit/test_util.h"

namespace metrogw::audit {
namespace {

void appendLoop(benchmark::State& state, const char* hash) {
  test::TempDir tmp;
  auto c = test::auditConfig(tmp.path());
  c.hash = hash;
  auto log = Log::open(c, "nanjing");
  if (!log.isOk()) {
    state.SkipWithError(log.status().message().c_str());
    return;
  }
  const Event e = test::readEvent(1);
  for (auto _ : state) {
    if (!log.value()->append(e).isOk()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_AppendSm3(benchmark::State& state) { appendLoop(state, "sm3"); }
void BM_AppendSha256(benchmark::State& state) { appendLoop(state, "sha256"); }
BENCHMARK(BM_AppendSm3);
BENCHMARK(BM_AppendSha256);

}  // namespace
}  // namespace metrogw::audit

BENCHMARK_MAIN();
