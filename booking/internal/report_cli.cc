// runReportCli() (booking/report.h): flags, Redis settings (flags over --config over defaults),
// one synchronous HGETALL with hiredis, the CSV on stdout.
#include <hiredis/hiredis.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "booking/report.h"
#include "config/config.h"
#include "redis/config.h"

namespace metrogw::booking {
namespace {

constexpr const char* kUsage =
    "usage: metrogw report bookings --month YYYY-MM [--redis HOST:PORT] [--db N] [--prefix P] [--config "
    "FILE]\n"
    "  prints bookings by hospital x channel (CSV) from <prefix>pool:stats:<month>\n"
    "  Redis address, db, key prefix and password file come from --config's redis: section unless given\n";

struct Flags {
  std::string month;
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string prefix = "mgw:";
  std::string password;
};

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

[[nodiscard]] bool parseInt(const char* s, int& out) {
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 0 || v > 65535) return false;
  out = static_cast<int>(v);
  return true;
}

[[nodiscard]] bool parseHostPort(const std::string& s, Flags& f) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  f.host = s.substr(0, colon);
  return parseInt(s.c_str() + colon + 1, f.port) && f.port > 0;
}

// --config first (its redis: section), so that the other flags override it.
[[nodiscard]] Status applyConfig(const std::string& path, config::LoadOptions options, Flags& f) {
  options.check_files = false;
  auto cfg = config::loadFile(path, options);
  if (!cfg.isOk()) return cfg.status();
  if (!(*cfg)->redis) return Status::ok();
  const config::Redis& r = *(*cfg)->redis;
  ASSIGN_OR_RETURN(const config::HostAddress primary, redis::currentPrimary(r));
  f.host = primary.host;
  f.port = primary.port;
  f.db = static_cast<int>(r.db);
  f.prefix = r.key_prefix;
  if (!r.password_file.empty()) {
    std::ifstream in(r.password_file);
    if (!in || !std::getline(in, f.password)) return Status::ioError("redis.password_file: cannot be read");
  }
  return Status::ok();
}

// 0 ok, 2 usage error (message printed).
[[nodiscard]] int parseFlags(int argc, char** argv, const config::LoadOptions& options, Flags& f) {
  std::string config_path;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0) config_path = argv[i + 1];
  }
  if (!config_path.empty()) {
    if (Status s = applyConfig(config_path, options, f); !s.isOk()) {
      std::fprintf(stderr, "metrogw report: %s\n", s.message().c_str());
      return 1;
    }
  }
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--month" && has_value) {
      f.month = argv[++i];
    } else if (arg == "--redis" && has_value) {
      if (!parseHostPort(argv[++i], f))
        return std::fputs("metrogw report: --redis wants HOST:PORT\n", stderr), 2;
    } else if (arg == "--db" && has_value) {
      if (!parseInt(argv[++i], f.db)) return std::fputs("metrogw report: --db wants a number\n", stderr), 2;
    } else if (arg == "--prefix" && has_value) {
      f.prefix = argv[++i];
    } else if (arg == "--config" && has_value) {
      ++i;
    } else {
      std::fprintf(stderr, "metrogw report: unknown argument '%s'\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  if (!validMonth(f.month))
    return std::fprintf(stderr, "metrogw report: --month wants YYYY-MM\n%s", kUsage), 2;
  return 0;
}

[[nodiscard]] ReplyPtr run(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return ReplyPtr(
      static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

[[nodiscard]] StatusOr<std::vector<std::pair<std::string, std::string>>> readStats(const Flags& f) {
  const timeval tv{5, 0};
  std::unique_ptr<redisContext, ContextFree> c(redisConnectWithTimeout(f.host.c_str(), f.port, tv));
  if (!c || c->err != 0)
    return Status::upstreamUnavailable("redis " + f.host + ":" + std::to_string(f.port) + ": cannot connect");
  redisSetTimeout(c.get(), tv);
  std::vector<std::vector<std::string>> setup;
  if (!f.password.empty()) setup.push_back({"AUTH", f.password});
  if (f.db != 0) setup.push_back({"SELECT", std::to_string(f.db)});
  for (const auto& cmd : setup) {
    ReplyPtr r = run(c.get(), cmd);
    if (!r || r->type == REDIS_REPLY_ERROR)
      return Status::upstreamUnavailable("redis: " + cmd[0] + " refused");
  }
  ReplyPtr r = run(c.get(), {"HGETALL", f.prefix + "pool:stats:" + f.month});
  if (!r || r->type != REDIS_REPLY_ARRAY) return Status::upstreamUnavailable("redis: HGETALL failed");
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i + 1 < r->elements; i += 2) {
    out.emplace_back(std::string(r->element[i]->str, r->element[i]->len),
                     std::string(r->element[i + 1]->str, r->element[i + 1]->len));
  }
  return out;
}

}  // namespace

int runReportCli(int argc, char** argv, const config::LoadOptions& options) {
  if (argc < 2 || std::strcmp(argv[1], "bookings") != 0) {
    std::fputs(kUsage, argc >= 2 && std::strcmp(argv[1], "--help") == 0 ? stdout : stderr);
    return argc >= 2 && std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
  }
  Flags f;
  if (const int rc = parseFlags(argc, argv, options, f); rc != 0) return rc;
  auto fields = readStats(f);
  if (!fields.isOk())
    return std::fprintf(stderr, "metrogw report: %s\n", fields.status().message().c_str()), 1;
  auto counts = parseBookingStats(*fields);
  if (!counts.isOk())
    return std::fprintf(stderr, "metrogw report: %s\n", counts.status().message().c_str()), 1;
  std::fputs(renderBookingsCsv(*counts).c_str(), stdout);
  return 0;
}

}  // namespace metrogw::booking
