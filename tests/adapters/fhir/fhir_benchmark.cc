// fhir-r4 codec: decode and encode of a ~1 KB Slot search Bundle, against a plain RapidJSON
// Document::Parse of the same bytes measured in the same run (goal: <= 10 us per 1 KB message).
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include <string>

#include "adapters/fhir/codec.h"

namespace {

constexpr char kSlotBundle[] = R"({"resourceType":"Bundle","type":"searchset","total":2,
"link":[{"relation":"next","url":"/fhir/Slot?status=free&specialty=04.03&_count=2&_offset=2"}],
"entry":[{"resource":{"resourceType":"Slot","id":"nj-0001-ortho-20261124T0800",
 "extension":[{"url":"http://metrogw.example/fhir/StructureDefinition/slot-capacity","valueUnsignedInt":4},
  {"url":"http://metrogw.example/fhir/StructureDefinition/slot-reserved-family-doctor","valueUnsignedInt":1},
  {"url":"http://metrogw.example/fhir/StructureDefinition/slot-organization",
   "valueReference":{"reference":"Organization/320100-001","display":"南京鼓楼医院"}}],
 "schedule":{"reference":"Schedule/ortho-wang"},
 "specialty":[{"coding":[{"system":"urn:metrogw:codes:department","code":"04.03","display":"骨科专业"}]}],
 "status":"free","start":"2026-11-24T08:00:00+08:00","end":"2026-11-24T08:30:00+08:00"},"search":{"mode":"match"}},
{"resource":{"resourceType":"Slot","id":"nj-0001-ortho-20261124T0830",
 "extension":[{"url":"http://metrogw.example/fhir/StructureDefinition/slot-capacity","valueUnsignedInt":4},
  {"url":"http://metrogw.example/fhir/StructureDefinition/slot-booked","valueUnsignedInt":2},
  {"url":"http://metrogw.example/fhir/StructureDefinition/slot-organization",
   "valueReference":{"reference":"Organization/320100-001","display":"南京鼓楼医院"}}],
 "schedule":{"reference":"Schedule/ortho-wang"},
 "specialty":[{"coding":[{"system":"urn:metrogw:codes:department","code":"04.03","display":"骨科专业"}]}],
 "status":"free","start":"2026-11-24T08:30:00+08:00","end":"2026-11-24T09:00:00+08:00"},"search":{"mode":"match"}}]})";

const std::string& message() {
  static const std::string m(kSlotBundle);
  return m;
}

void BM_RapidJsonParse(benchmark::State& state) {
  for (auto _ : state) {
    rapidjson::Document doc;
    doc.Parse(message().data(), message().size());
    benchmark::DoNotOptimize(doc.HasParseError());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * message().size()));
}
BENCHMARK(BM_RapidJsonParse);

void BM_FhirDecode(benchmark::State& state) {
  const auto& codec = metrogw::adapters::fhirR4Codec();
  for (auto _ : state) {
    auto env = codec.decode(message());
    if (!env.isOk()) state.SkipWithError(env.status().message().c_str());
    benchmark::DoNotOptimize(env);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * message().size()));
  state.counters["bytes/msg"] = static_cast<double>(message().size());
}
BENCHMARK(BM_FhirDecode);

void BM_FhirEncode(benchmark::State& state) {
  const auto& codec = metrogw::adapters::fhirR4Codec();
  auto env = codec.decode(message());
  if (!env.isOk()) return state.SkipWithError(env.status().message().c_str());
  size_t bytes = 0;
  for (auto _ : state) {
    auto out = codec.encode(*env);
    bytes = out->size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["bytes/msg"] = static_cast<double>(bytes);
}
BENCHMARK(BM_FhirEncode);

}  // namespace

BENCHMARK_MAIN();
