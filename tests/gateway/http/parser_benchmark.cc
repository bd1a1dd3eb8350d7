// Benchmark: Parser (head accumulation, pausing) against raw http_parser on the same bytes.
//
// Each wrapper benchmark has a reference measured in the same run: http_parser_execute with
// callbacks that do nothing. At the end the wrapper/reference time ratios are printed.
#include <benchmark/benchmark.h>
#include <http_parser.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/http/parser.h"

namespace metrogw::gateway::http {
namespace {

// A typical partner call: 8 header fields, bearer token, trace context.
constexpr std::string_view kRequest =
    "GET /v1/hospitals/H-0042/departments/cardiology/beds?status=free&limit=50 HTTP/1.1\r\n"
    "Host: gw.metro-health.example\r\n"
    "User-Agent: ehr-client/4.2.1 (+https://ehr.example/bot)\r\n"
    "Accept: application/fhir+json; fhirVersion=4.0\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjbGluaWMtNDIiLCJzY29wZSI6"
    "InBhdGllbnQvKi5yZWFkIn0.c2lnbmF0dXJlLW5vdC1yZWFs\r\n"
    "X-Request-Id: 9f8c2a7e-5d1b-4c3e-8a6f-0b1d2e3f4a5b\r\n"
    "Traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
    "Connection: keep-alive\r\n"
    "\r\n";

constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/fhir+json\r\n"
    "Content-Length: 64\r\n"
    "Date: Tue, 04 Jun 2024 10:00:00 GMT\r\n"
    "Cache-Control: no-store\r\n"
    "\r\n"
    "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":1,\"x\":\"00\"}\n";
static_assert(kResponse.size() - kResponse.find("\r\n\r\n") - 4 == 64);

// ---- reference: raw http_parser, callbacks that do nothing ----

int noop(http_parser*) { return 0; }
int noopData(http_parser*, const char*, size_t) { return 0; }

http_parser_settings noopSettings() {
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_message_begin = noop;
  s.on_url = noopData;
  s.on_status = noopData;
  s.on_header_field = noopData;
  s.on_header_value = noopData;
  s.on_headers_complete = noop;
  s.on_body = noopData;
  s.on_message_complete = noop;
  return s;
}

void rawParse(benchmark::State& state, http_parser_type type, std::string_view bytes) {
  const http_parser_settings settings = noopSettings();
  http_parser parser;
  http_parser_init(&parser, type);
  for (auto _ : state) {
    const size_t n = http_parser_execute(&parser, &settings, bytes.data(), bytes.size());
    if (n != bytes.size() || HTTP_PARSER_ERRNO(&parser) != HPE_OK) {
      state.SkipWithError("raw http_parser failed");
      break;
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}

// ---- the wrapper, as a connection drives it: execute, then resume for the next message ----

class Sink : public ParserCallbacks {
 public:
  bool onHeaders(MessageHead& head) override {
    benchmark::DoNotOptimize(head.headers.size());
    return true;
  }
  bool onBody(std::string_view data) override {
    body_bytes += data.size();
    return true;
  }
  void onMessageComplete() override { ++messages; }
  size_t body_bytes = 0;
  size_t messages = 0;
};

void wrapperParse(benchmark::State& state, MessageKind kind, std::string_view bytes) {
  Sink sink;
  Parser parser(kind, sink, 16 * 1024);
  for (auto _ : state) {
    const ParseResult r = parser.execute(bytes.data(), bytes.size());
    if (r.error != ParseError::kNone || r.consumed != bytes.size()) {
      state.SkipWithError("wrapper failed");
      break;
    }
    parser.resume();
  }
  benchmark::DoNotOptimize(sink.messages);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}

void BM_RequestRawHttpParser(benchmark::State& state) { rawParse(state, HTTP_REQUEST, kRequest); }
void BM_RequestWrapper(benchmark::State& state) { wrapperParse(state, MessageKind::kRequest, kRequest); }
void BM_ResponseRawHttpParser(benchmark::State& state) { rawParse(state, HTTP_RESPONSE, kResponse); }
void BM_ResponseWrapper(benchmark::State& state) { wrapperParse(state, MessageKind::kResponse, kResponse); }

BENCHMARK(BM_RequestRawHttpParser);
BENCHMARK(BM_RequestWrapper);
BENCHMARK(BM_ResponseRawHttpParser);
BENCHMARK(BM_ResponseWrapper);

// (measured, reference) pairs whose time ratio is printed after the run.
const std::vector<std::pair<std::string, std::string>> kRatios = {
    {"BM_RequestWrapper", "BM_RequestRawHttpParser"},
    {"BM_ResponseWrapper", "BM_ResponseRawHttpParser"},
};

// Console output as usual, plus the ratios once every benchmark has run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const std::string& name = run.run_name.function_name;
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "mean") {
        means_[name] = run.GetAdjustedCPUTime();
      } else if (run.run_type == Run::RT_Iteration) {
        auto& [sum, count] = iterations_[name];
        sum += run.GetAdjustedCPUTime();
        ++count;
      }
    }
  }

  void Finalize() override {
    for (const auto& [measured, reference] : kRatios) {
      const double mt = cpuTime(measured);
      const double rt = cpuTime(reference);
      if (mt <= 0 || rt <= 0) continue;
      std::printf("ratio %-20s / %-26s = %.2fx  (%.0f ns vs %.0f ns per message)\n", measured.c_str(),
                  reference.c_str(), mt / rt, mt, rt);
    }
    ConsoleReporter::Finalize();
  }

 private:
  // Mean CPU time per iteration in ns: the "mean" aggregate when repetitions ran, else the runs'.
  double cpuTime(const std::string& name) const {
    if (const auto m = means_.find(name); m != means_.end()) return m->second;
    const auto it = iterations_.find(name);
    return it == iterations_.end() ? 0 : it->second.first / it->second.second;
  }

  std::map<std::string, double> means_;
  std::map<std::string, std::pair<double, int>> iterations_;  // name -> (sum of cpu ns, runs)
};

}  // namespace
}  // namespace metrogw::gateway::http

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return EXIT_FAILURE;
  metrogw::gateway::http::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return EXIT_SUCCESS;
}
