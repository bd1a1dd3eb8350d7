#include "app/static_files.h"

#include <string>

namespace metrogw::app {
namespace {

using gateway::LocalRequest;
using gateway::LocalResponse;
using gateway::Respond;

// The console talks only to its own node: no inline script, no other origin, no framing.
constexpr std::string_view kConsolePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

[[nodiscard]] LocalResponse fileResponse(const StaticFile& file) {
  LocalResponse r;
  r.status = 200;
  r.content_type = std::string(file.content_type);
  r.body = std::string(file.body);
  r.headers.add("X-Content-Type-Options", "nosniff");
  r.headers.add("Cache-Control", "no-cache");
  return r;
}

class OpenApiHandler final : public gateway::LocalHandler {
 public:
  void handle(const LocalRequest& /*request*/, Respond respond) override {
    respond(fileResponse({"application/yaml", openApiDocument()}));  // RFC 9512
  }
};

class ConsoleHandler final : public gateway::LocalHandler {
 public:
  void handle(const LocalRequest& request, Respond respond) override {
    const std::string_view path = request.head.path();
    if (path == "/console") {  // the page's relative URLs need the trailing slash
      LocalResponse r;
      r.status = 301;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "moved to /console/\n";
      r.headers.add("Location", "/console/");
      respond(std::move(r));
      return;
    }
    const auto file = consoleFile(path);
    if (!file) {
      respond(LocalResponse::problem(gateway::http::Problem::kNotFound, "no such console file",
                                     request.request_id));
      return;
    }
    LocalResponse r = fileResponse(*file);
    r.headers.add("Content-Security-Policy", std::string(kConsolePolicy));
    r.headers.add("Referrer-Policy", "no-referrer");
    respond(std::move(r));
  }
};

}  // namespace

std::optional<StaticFile> consoleFile(std::string_view path) {
  if (path == "/console/" || path == "/console/index.html")
    return StaticFile{"text/html; charset=utf-8", consoleIndexHtml()};
  if (path == "/console/app.js") return StaticFile{"text/javascript; charset=utf-8", consoleAppJs()};
  if (path == "/console/style.css") return StaticFile{"text/css; charset=utf-8", consoleStyleCss()};
  return std::nullopt;
}

void registerStaticHandlers(gateway::HandlerRegistry& registry) {
  registry.add("openapi", [](gateway::WorkerContext&) { return std::make_unique<OpenApiHandler>(); });
  registry.add("console", [](gateway::WorkerContext&) { return std::make_unique<ConsoleHandler>(); });
}

}  // namespace metrogw::app
