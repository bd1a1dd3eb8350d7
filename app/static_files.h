#pragma once
// Files compiled into the binary (app/CMakeLists.txt, metrogw_embed_text) and the built-in handlers
// that serve them:
//   openapi  GET /v1/openapi.yaml   docs/openapi.yaml, the north API's contract (application/yaml)
//   console  GET /console/...       console/: the doctor console (index.html, app.js, style.css)
// Each node serves the files it was built with, so a partner reads the contract of the node it calls.

#include <optional>
#include <string_view>

#include "gateway/handler.h"

namespace metrogw::app {

[[nodiscard]] std::string_view openApiDocument();
[[nodiscard]] std::string_view consoleIndexHtml();
[[nodiscard]] std::string_view consoleAppJs();
[[nodiscard]] std::string_view consoleStyleCss();

struct StaticFile {
  std::string_view content_type;
  std::string_view body;
};

// The console file for a request path: "/console/" and "/console/index.html" are the page,
// "/console/app.js" and "/console/style.css" its script and style; anything else nullopt.
[[nodiscard]] std::optional<StaticFile> consoleFile(std::string_view path);

// Registers `openapi` and `console`.
void registerStaticHandlers(gateway::HandlerRegistry& registry);

}  // namespace metrogw::app
