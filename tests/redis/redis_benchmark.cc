// Pipelined GET throughput through redis::Client against raw hiredis async on the same libevent
// loop and the same local redis-server (the reference), and what the command-timeout design costs
// per command: one libevent Timer per command against the client's FIFO sweep. The
// measured/reference time ratios are printed after the run. Skips when redis-server is missing.
#include <benchmark/benchmark.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "redis/client.h"
#include "redis/internal/request.h"
#include "tests/redis/redis_server.h"

namespace metrogw::redis {
namespace {

using namespace std::chrono_literals;

const std::string kKey = "bench:slot:3201H01-D00633";
const std::string kValue(64, 'v');

// One server, one loop, both clients on it; built on first use, torn down at exit.
struct Fixture {
  test::RedisServer server;
  Dispatcher dispatcher;
  std::unique_ptr<Client> client;
  redisAsyncContext* raw = nullptr;
  int outstanding = 0;

  bool setUp() {
    if (!server.start()) return false;
    Options o;
    o.port = server.port();
    o.command_timeout = 5000ms;
    client = std::make_unique<Client>(dispatcher, o);
    client->start();
    bool stored = false;
    for (int i = 0; i < 500 && client->state() != State::kReady; ++i) runFor(10ms);
    client->command({"SET", kKey, kValue}, [&](const StatusOr<Reply>& r) { stored = r.isOk(); });
    runFor(50ms);
    raw = redisAsyncConnect("127.0.0.1", server.port());
    if (raw == nullptr || raw->err != 0) return false;
    redisLibeventAttach(raw, dispatcher.base());
    return stored;
  }

  void runFor(std::chrono::milliseconds ms) {
    Timer stop(dispatcher.base(), [this] { dispatcher.exit(); });
    stop.enableOnce(ms);
    dispatcher.run();
  }

  ~Fixture() {
    if (raw != nullptr) redisAsyncFree(raw);
    client.reset();
  }
};

Fixture* g_fixture = nullptr;

void clientBatch(Fixture& f, int batch) {
  f.outstanding = batch;
  for (int i = 0; i < batch; ++i) {
    f.client->command({"GET", kKey}, [&f](const StatusOr<Reply>& r) {
      benchmark::DoNotOptimize(r);
      if (--f.outstanding == 0) f.dispatcher.exit();
    });
  }
  f.dispatcher.run();
}

void rawReply(redisAsyncContext*, void* reply, void* privdata) {
  auto* f = static_cast<Fixture*>(privdata);
  benchmark::DoNotOptimize(reply);
  if (--f->outstanding == 0) f->dispatcher.exit();
}

void rawBatch(Fixture& f, int batch) {
  const char* argv[] = {"GET", kKey.data()};
  const size_t lens[] = {3, kKey.size()};
  f.outstanding = batch;
  for (int i = 0; i < batch; ++i) redisAsyncCommandArgv(f.raw, &rawReply, &f, 2, argv, lens);
  f.dispatcher.run();
}

void BM_ClientPipelinedGet(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  for (auto _ : state) clientBatch(*g_fixture, batch);
  state.SetItemsProcessed(state.iterations() * batch);
}

void BM_RawHiredisPipelinedGet(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  for (auto _ : state) rawBatch(*g_fixture, batch);
  state.SetItemsProcessed(state.iterations() * batch);
}

BENCHMARK(BM_RawHiredisPipelinedGet)->Arg(1)->Arg(64)->Arg(512)->UseRealTime();
BENCHMARK(BM_ClientPipelinedGet)->Arg(1)->Arg(64)->Arg(512)->UseRealTime();

// The alternative timeout design: a libevent timer armed and cancelled for every command.
void BM_TimerPerCommand(benchmark::State& state) {
  Dispatcher d;
  for (auto _ : state) {
    Timer t(d.base(), [] {});
    t.enableOnce(250ms);
  }
  state.SetItemsProcessed(state.iterations());
}

// What the client does instead: a clock read and an intrusive-list push/unlink.
void BM_SweepQueuePerCommand(benchmark::State& state) {
  internal::RequestQueue q;
  internal::Request r;
  for (auto _ : state) {
    r.started = std::chrono::steady_clock::now();
    q.pushBack(&r);
    benchmark::DoNotOptimize(q.front());
    q.unlink(&r);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_TimerPerCommand);
BENCHMARK(BM_SweepQueuePerCommand);

// (measured, reference) pairs whose time ratio is printed after the run.
const std::vector<std::pair<std::string, std::string>> kRatios = {
    {"BM_ClientPipelinedGet/1/real_time", "BM_RawHiredisPipelinedGet/1/real_time"},
    {"BM_ClientPipelinedGet/64/real_time", "BM_RawHiredisPipelinedGet/64/real_time"},
    {"BM_ClientPipelinedGet/512/real_time", "BM_RawHiredisPipelinedGet/512/real_time"},
    {"BM_SweepQueuePerCommand", "BM_TimerPerCommand"},
};

// Console output as usual, then measured/reference ratios of real time (throughput, the server
// included) and CPU time (this process's own cost per command). Means when repetitions ran.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(isatty(STDOUT_FILENO) != 0 ? OO_Defaults : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const std::string name = run.run_name.str();
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "mean") {
        means_[name] = {run.GetAdjustedRealTime(), run.GetAdjustedCPUTime()};
      } else if (run.run_type == Run::RT_Iteration) {
        auto& t = sums_[name];
        t.real += run.GetAdjustedRealTime();
        t.cpu += run.GetAdjustedCPUTime();
        ++t.runs;
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const auto& [measured, reference] : kRatios) {
      const Times m = times(measured);
      const Times r = times(reference);
      if (m.real <= 0 || r.real <= 0) continue;
      std::printf("ratio %-36s / %-38s = %.2fx real, %.2fx cpu\n", measured.c_str(), reference.c_str(),
                  m.real / r.real, m.cpu / r.cpu);
    }
  }

 private:
  struct Times {
    double real = 0;
    double cpu = 0;
    int runs = 0;
  };
  Times times(const std::string& name) const {
    if (const auto m = means_.find(name); m != means_.end()) return m->second;
    const auto it = sums_.find(name);
    if (it == sums_.end() || it->second.runs == 0) return {};
    return {it->second.real / it->second.runs, it->second.cpu / it->second.runs, 1};
  }
  std::map<std::string, Times> means_;
  std::map<std::string, Times> sums_;
};

}  // namespace
}  // namespace metrogw::redis

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (!metrogw::redis::test::RedisServer::available()) {
    std::printf("redis-server is not installed: skipping\n");
    return 0;
  }
  std::signal(SIGPIPE, SIG_IGN);
  metrogw::redis::Fixture fixture;
  if (!fixture.setUp()) {
    std::fprintf(stderr, "could not start redis-server or connect to it\n");
    return 1;
  }
  metrogw::redis::g_fixture = &fixture;
  metrogw::redis::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
