// Decode / encode of a 10-result ORU^R01, against a bare ER7 split of the same message (no mapping).
#include <benchmark/benchmark.h>

#include <string>

#include "adapters/hl7v2/codec.h"
#include "adapters/hl7v2/er7.h"

namespace metrogw::adapters {
namespace {

std::string oru10() {
  std::string m =
      "MSH|^~\\&|LIS|WHYY|METROGW|3402|20240301091500+0800||ORU^R01^ORU_R01|LIS-000123|P|2.5|||||CHN|UNICODE "
      "UTF-8\r"
      "PID|1||340202199001011234^^^&2.16.156.10011.1.3&ISO^NNCHN~MR-7^^^WHYY^MR||张三||19900101|F|||"
      "镜湖区北京中路1号^^芜湖^安徽^241000^CHN||13800000000^PRN^CP|||M^Married^HL70002\r"
      "OBR|1|ORD-9^HIS|R-2024-1|CBC^血常规^L|||20240301073000+0800||||||||D01^王^医生||||||20240301090000+"
      "0800||HM|F|||||||T02&李&技师\r";
  const char* items[][5] = {
      {"WBC", "白细胞", "6.1", "10*9/L", "3.5-9.5"},    {"RBC", "红细胞", "4.06", "10*12/L", "3.8-5.1"},
      {"HGB", "血红蛋白", "112", "g/L", "115-150"},     {"HCT", "红细胞压积", "35.2", "%", "35-45"},
      {"PLT", "血小板", "221", "10*9/L", "125-350"},    {"GLU", "葡萄糖", "5.3", "mmol/L", "3.9-6.1"},
      {"ALT", "丙氨酸氨基转移酶", "18", "U/L", "7-40"}, {"AST", "天门冬氨酸氨基转移酶", "21", "U/L", "13-35"},
      {"CREA", "肌酐", "64", "umol/L", "41-73"},        {"CRP", "C反应蛋白", "12.5", "mg/L", "0-10"}};
  int n = 0;
  for (const auto& it : items) {
    ++n;
    m += "OBX|" + std::to_string(n) + "|NM|" + it[0] + "^" + it[1] + "^L||" + it[2] + "|" + it[3] + "|" +
         it[4] + "|" +
         (n == 3    ? "L"
          : n == 10 ? "H"
                    : "N") +
         "|||F|||20240301083000+0800\r";
  }
  m += "SPM|1|S1||BLD^Blood^HL70487|||||||||||||20240301073000+0800\r";
  return m;
}

void BM_Oru10Decode(benchmark::State& state) {
  const std::string msg = oru10();
  for (auto _ : state) {
    auto env = hl7v2Codec().decode(msg);
    benchmark::DoNotOptimize(env);
  }
}
BENCHMARK(BM_Oru10Decode);

void BM_Oru10Encode(benchmark::State& state) {
  const auto env = hl7v2Codec().decode(oru10());
  for (auto _ : state) {
    auto text = hl7v2Codec().encode(env.value());
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_Oru10Encode);

// Reference: split into segments and fields only (charset check, escapes validated), no mapping.
void BM_Oru10SplitOnly(benchmark::State& state) {
  const std::string msg = oru10();
  for (auto _ : state) {
    auto parsed = hl7v2::Message::parse(msg);
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_Oru10SplitOnly);

}  // namespace
}  // namespace metrogw::adapters

BENCHMARK_MAIN();
