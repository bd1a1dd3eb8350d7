// runNode: wires registry, admin server and gateway server, then serves signals until stopped.
#include <event2/event.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "app/cert_expiry.h"
#include "app/node.h"
#include "common/event_loop.h"
#include "common/logging.h"
#include "gateway/server.h"
#include "observability/admin_server.h"

#include <prometheus/counter.h>

namespace metrogw::app {
namespace {

// The configuration text the node runs with, for GET /config on the admin port (operators compare it
// with what they meant to deploy). Paths to keys and certificates appear, never their contents.
class LiveConfig {
 public:
  void set(std::string text) {
    const std::lock_guard<std::mutex> lock(mu_);
    text_ = std::move(text);
  }
  [[nodiscard]] std::string get() const {
    const std::lock_guard<std::mutex> lock(mu_);
    return text_;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
};

[[nodiscard]] std::string configText(const std::string& path) {
  if (path.empty()) return defaultConfigYaml();
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct SignalContext {
  Dispatcher* dispatcher;
  gateway::Server* server;
  observability::AdminServer* admin;
  std::string config_path;
  const gateway::HandlerRegistry* handlers;
  prometheus::Counter* reload_ok;
  prometheus::Counter* reload_failed;
  CertificateExpiry* certificates;
  LiveConfig* live;
  bool stopping = false;
};

void reloadConfig(SignalContext& ctx) {
  if (ctx.config_path.empty()) {
    log::warn("node", "SIGHUP ignored: running the embedded default config (no --config file)");
    return;
  }
  auto cfg = config::loadFile(ctx.config_path, loadOptions(*ctx.handlers));
  Status s = cfg.isOk() ? ctx.server->reload(*cfg) : cfg.status();
  if (!s.isOk()) {
    ctx.reload_failed->Increment();
    log::error("node", "config reload rejected, previous config keeps serving: " + s.message());
    return;
  }
  ctx.reload_ok->Increment();
  ctx.certificates->update(**cfg);
  ctx.live->set(configText(ctx.config_path));
  log::info("node", "config reloaded from " + ctx.config_path);
}

void onSignal(evutil_socket_t sig, short, void* arg) {
  auto& ctx = *static_cast<SignalContext*>(arg);
  if (sig == SIGHUP) {
    reloadConfig(ctx);
    return;
  }
  if (ctx.stopping) return;
  ctx.stopping = true;
  log::info("node", "draining: no new connections, finishing requests in flight");
  ctx.admin->setDraining(true);
  const size_t left = ctx.server->drainAndStop();
  if (left > 0) log::warn("node", "drain deadline passed with " + std::to_string(left) + " connections open");
  ctx.dispatcher->exit();
}

log::Level parseLevel(const std::string& s) {
  if (s == "debug") return log::Level::kDebug;
  if (s == "warn") return log::Level::kWarn;
  if (s == "error") return log::Level::kError;
  return log::Level::kInfo;
}

}  // namespace

int runNode(const config::ConfigPtr& config, const std::string& config_path,
            const gateway::HandlerRegistry& handlers) {
  log::setLevel(parseLevel(config->log_level));
  std::signal(SIGPIPE, SIG_IGN);
  const uint32_t workers = gateway::resolveWorkerCount(*config);
  observability::Registry registry(workers);
  auto& reloads = prometheus::BuildCounter()
                      .Name("metrogw_config_reloads_total")
                      .Help("Configuration reloads (SIGHUP) by result.")
                      .Register(registry.process());
  SignalContext ctx{nullptr,
                    nullptr,
                    nullptr,
                    config_path,
                    &handlers,
                    &reloads.Add({{"result", "success"}}),
                    &reloads.Add({{"result", "failure"}}),
                    nullptr,
                    nullptr};
  CertificateExpiry certificates(registry.process());
  certificates.update(*config);
  ctx.certificates = &certificates;

  observability::AdminServer admin(registry);
  LiveConfig live;
  live.set(configText(config_path));
  ctx.live = &live;
  admin.addHandler("/config", [&live] {
    return observability::AdminResponse{200, "application/yaml", live.get()};
  });
  for (const auto& note : handlers.statusNotes()) admin.addReadinessNote(note);
  auto server = gateway::createServer(config, registry, handlers);
  if (!server.isOk()) {
    log::error("node", server.status().message());
    return 1;
  }
  if (Status s = (*server)->start(); !s.isOk()) {
    log::error("node", s.message());
    return 1;
  }
  if (Status s = admin.start(config->admin.address, config->admin.port); !s.isOk()) {
    log::error("node", "admin listener: " + s.message());
    (*server)->drainAndStop();
    return 1;
  }
  log::info("node",
            "admin listening: address=" + config->admin.address + " port=" + std::to_string(admin.port()));
  log::info("node", "node '" + config->node_name + "' serving with " + std::to_string(workers) + " workers");

  Dispatcher dispatcher;
  ctx.dispatcher = &dispatcher;
  ctx.server = server->get();
  ctx.admin = &admin;
  std::vector<EventPtr> signals;
  for (const int sig : {SIGHUP, SIGTERM, SIGINT}) {
    signals.emplace_back(evsignal_new(dispatcher.base(), sig, &onSignal, &ctx));
    event_add(signals.back().get(), nullptr);
  }
  dispatcher.run();
  admin.stop();
  log::info("node", "stopped");
  return 0;
}

}  // namespace metrogw::app
