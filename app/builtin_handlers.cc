// Handlers every node serves: /v1/node (identity and version of the node answering), the static
// files (app/static_files.h), and the handlers of every capability folder.
#include "adapters/codec.h"
#include "app/node.h"
#include "app/static_files.h"
#include "booking/handlers.h"
#include "common/logging.h"
#include "federation/handlers.h"
#include "identity/index/handlers.h"
#include "sharing/handlers.h"

namespace metrogw::app {
namespace {

class NodeInfoHandler final : public gateway::LocalHandler {
 public:
  explicit NodeInfoHandler(const gateway::WorkerContext& ctx)
      : node_(ctx.node_name), worker_(ctx.worker_index) {}
  void handle(const gateway::LocalRequest& request, gateway::Respond respond) override {
    std::string body = R"({"node":")";
    log::appendJsonEscaped(body, node_);
    body += R"(","version":")" METROGW_VERSION R"(","worker":)" + std::to_string(worker_);
    body += R"(,"caller":")";
    log::appendJsonEscaped(body, request.caller);
    body += "\"}";
    respond(gateway::LocalResponse::json(200, std::move(body)));
  }

 private:
  std::string node_;
  uint32_t worker_;
};

}  // namespace

void registerBuiltinHandlers(gateway::HandlerRegistry& registry) {
  registry.add("node-info",
               [](gateway::WorkerContext& ctx) { return std::make_unique<NodeInfoHandler>(ctx); });
  registerStaticHandlers(registry);
  federation::registerHandlers(registry);
  identity::index::registerHandlers(registry);
  booking::registerHandlers(registry);
  sharing::registerHandlers(registry);
}

config::LoadOptions loadOptions(const gateway::HandlerRegistry& registry) {
  config::LoadOptions options;
  options.known_handlers = registry.names();
  for (std::string_view d : adapters::dialectNames()) options.known_dialects.emplace_back(d);
  return options;
}

const char* defaultConfigYaml() {
  return R"(# metrogw embedded default: one plain listener proxying to a local upstream.
node_name: metrogw-default
workers: 0
access_log: true
admin:
  address: 127.0.0.1
  port: 9901
listeners:
  - name: main
    address: 127.0.0.1
    port: 8080
clusters:
  - name: local
    hosts: ["127.0.0.1:8081"]
    connect_timeout_ms: 1000
    request_timeout_ms: 15000
routes:
  - name: node
    path: /v1/node
    match: exact
    methods: [GET]
    handler: node-info
  - name: openapi
    path: /v1/openapi.yaml
    match: exact
    methods: [GET]
    handler: openapi
  - name: default
    path: /
    cluster: local
)";
}

}  // namespace metrogw::app
