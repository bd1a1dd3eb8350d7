// hl7v3-cda codec throughput on the real samples: decode and encode of the C0007 lab report and
// of the PRPA_IN201311UV02 patient register, with a bare pugixml parse of the same bytes as the
// reference (the codec's floor: it parses with pugixml, then maps).
#include <benchmark/benchmark.h>

#include <pugixml.hpp>

#include <string>

#include "adapters/hl7v3/codec.h"
#include "tests/adapters/hl7v3/test_util.h"

namespace metrogw::adapters {
namespace {

constexpr const char* kLab = "C0007-lab-report.xml";
constexpr const char* kRegister = "PRPA_IN201311UV02-patient-register.xml";

void bareParse(benchmark::State& state, const char* name) {
  const std::string text = hl7v3::testing::readSample(name);
  for (auto _ : state) {
    pugi::xml_document doc;
    benchmark::DoNotOptimize(doc.load_buffer(text.data(), text.size()));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void decode(benchmark::State& state, const char* name) {
  const std::string text = hl7v3::testing::readSample(name);
  for (auto _ : state) {
    auto env = hl7v3CdaCodec().decode(text);
    if (!env.isOk()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(env);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void encode(benchmark::State& state, const char* name) {
  auto env = hl7v3CdaCodec().decode(hl7v3::testing::readSample(name));
  if (!env.isOk()) {
    state.SkipWithError("decode failed");
    return;
  }
  size_t bytes = 0;
  for (auto _ : state) {
    auto xml = hl7v3CdaCodec().encode(*env);
    bytes = xml.isOk() ? xml->size() : 0;
    benchmark::DoNotOptimize(xml);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

BENCHMARK_CAPTURE(bareParse, C0007_pugixml_reference, kLab);
BENCHMARK_CAPTURE(decode, C0007, kLab);
BENCHMARK_CAPTURE(encode, C0007, kLab);
BENCHMARK_CAPTURE(bareParse, PRPA_IN201311UV02_pugixml_reference, kRegister);
BENCHMARK_CAPTURE(decode, PRPA_IN201311UV02, kRegister);
BENCHMARK_CAPTURE(encode, PRPA_IN201311UV02, kRegister);

}  // namespace
}  // namespace metrogw::adapters

BENCHMARK_MAIN();
