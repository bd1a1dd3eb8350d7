// The admin listener: /metrics, /healthz, /readyz and any handler added in code, on its own port
// (loopback by default) and its own thread and event loop (libevent's evhttp), so operators can
// scrape a node whose workers are saturated.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "observability/metrics.h"

namespace metrogw::observability {

struct AdminResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Called on the admin thread. Must not block.
using AdminHandler = std::function<AdminResponse()>;
// Returns an empty string when ready, otherwise a human-readable reason.
using ReadinessCheck = std::function<std::string()>;

class AdminServer {
 public:
  explicit AdminServer(Registry& registry);
  ~AdminServer();  // stops the thread
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Before start(): extra GET handlers by exact path (query string ignored; /metrics, /healthz and
  // /readyz are built in and take precedence), and readiness checks (all must pass). Calls after
  // start() are ignored with an error log.
  void addHandler(const std::string& path, AdminHandler handler);
  void addReadinessCheck(ReadinessCheck check);
  // Notes shown by /readyz without failing it (degraded but serving), e.g. "redis: down".
  void addReadinessNote(ReadinessCheck note);

  // Binds and starts serving on a new thread. port 0 picks a free port; see port(). Single use:
  // a second start() fails. GET and HEAD are served (HEAD: same headers, no body); any other
  // method gets 405 problem+json, an unknown path 404 problem+json. Requests time out after 10 s.
  [[nodiscard]] Status start(const std::string& address, uint16_t port);
  [[nodiscard]] uint16_t port() const;
  // Marks the node not ready (e.g. while draining); /readyz answers 503 afterwards.
  void setDraining(bool draining);
  // Ends the loop and joins the thread; idempotent. Never call it from a handler (admin thread).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace metrogw::observability
