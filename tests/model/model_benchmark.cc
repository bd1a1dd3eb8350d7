// Canonical envelopes between nodes: pack, verify and unpack of a 50-slot search result (the size
// of one city's answer to a slot search). Reference in the same run: verify alone, the cost every
// received buffer pays before anything reads it.
#include <benchmark/benchmark.h>

#include "model/model.h"

namespace metrogw::model {
namespace {

EnvelopeT fiftySlots() {
  SearchResultT r;
  for (int i = 0; i < 50; ++i) {
    auto s = std::make_unique<SlotT>();
    s->id = "3201H01-D00633-2026112408" + std::to_string(i);
    s->status = SlotStatus::Free;
    s->start = "2026-11-24T08:00:00+08:00";
    s->end = "2026-11-24T08:30:00+08:00";
    s->capacity = 3;
    s->reserved_family_doctor = 1;
    s->organization = std::make_unique<ReferenceT>();
    s->organization->kind = "Organization";
    s->organization->id = "3201H01";
    s->organization->display = "南京鼓楼医院";
    s->organization->city = "3201";
    s->practitioner = std::make_unique<ReferenceT>();
    s->practitioner->id = "3201H01-D00633";
    s->practitioner->display = "马博强";
    auto dept = std::make_unique<CodeableConceptT>();
    dept->coding = std::make_unique<CodingT>();
    dept->coding->system = "urn:metrogw:codes:department";
    dept->coding->code = "04.03";
    dept->coding->display = "骨科专业";
    s->specialty.push_back(std::move(dept));
    r.slots.push_back(std::move(s));
  }
  return envelopeOf(std::move(r), "3201");
}

void BM_Pack(benchmark::State& state) {
  const EnvelopeT env = fiftySlots();
  for (auto _ : state) benchmark::DoNotOptimize(pack(env));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * pack(env).size()));
}
BENCHMARK(BM_Pack);

void BM_VerifyOnly(benchmark::State& state) {
  const std::string bytes = pack(fiftySlots());
  for (auto _ : state) benchmark::DoNotOptimize(verify(bytes).isOk());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_VerifyOnly);

void BM_VerifyAndUnpack(benchmark::State& state) {
  const std::string bytes = pack(fiftySlots());
  for (auto _ : state) benchmark::DoNotOptimize(unpack(bytes).isOk());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_VerifyAndUnpack);

}  // namespace
}  // namespace metrogw::model

BENCHMARK_MAIN();
