// Local handlers: routes answered in-process instead of proxied (`handler:` in a route).
//
// A factory makes one handler per worker, so handlers keep per-worker state (connections, caches)
// without locks. handle() runs on that worker's thread; it may answer at once or later (after
// async I/O on the same worker) by calling respond exactly once. If the client has gone by then,
// respond is a no-op.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "gateway/client.h"
#include "gateway/http/headers.h"
#include "gateway/http/parser.h"
#include "gateway/http/problem.h"
#include "gateway/router/router.h"

namespace metrogw {
class Dispatcher;
namespace observability {
class Registry;
}
}  // namespace metrogw

namespace metrogw::gateway {

struct LocalRequest {
  const http::MessageHead& head;
  std::string_view body;
  const PathParams& params;
  std::string_view caller;  // verified mTLS client subject, "" on plain listeners
  std::string_view request_id;
  std::string_view listener;
};

struct LocalResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  http::HeaderMap headers;

  static LocalResponse json(int status, std::string body);
  static LocalResponse problem(http::Problem p, std::string_view detail, std::string_view request_id);
};

using Respond = std::function<void(LocalResponse)>;

class LocalHandler {
 public:
  virtual ~LocalHandler() = default;
  virtual void handle(const LocalRequest& request, Respond respond) = 0;
};

struct WorkerContext {
  uint32_t worker_index;
  Dispatcher& dispatcher;
  std::string node_name;
  HttpClient& client;                          // outbound requests through configured clusters
  std::function<config::ConfigPtr()> config;   // the configuration in force now (changes on reload)
  observability::Registry* metrics = nullptr;  // shard = worker_index; null in some unit tests
};

// A note on the node's state for /readyz that does not make the node unready (e.g. "redis down:
// identity resolves by discovery"); "" when there is nothing to say. Called on the admin thread.
using StatusNote = std::function<std::string()>;

using HandlerFactory = std::function<std::unique_ptr<LocalHandler>(WorkerContext&)>;

// Name → factory; filled in by main (or tests) before the server starts; read-only afterwards.
class HandlerRegistry {
 public:
  void add(std::string name, HandlerFactory factory) { factories_[std::move(name)] = std::move(factory); }
  [[nodiscard]] std::vector<std::string> names() const;
  [[nodiscard]] const std::map<std::string, HandlerFactory>& factories() const { return factories_; }
  void addStatusNote(StatusNote note) { notes_.push_back(std::move(note)); }
  [[nodiscard]] const std::vector<StatusNote>& statusNotes() const { return notes_; }

 private:
  std::map<std::string, HandlerFactory> factories_;
  std::vector<StatusNote> notes_;
};

}  // namespace metrogw::gateway
