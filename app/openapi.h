#pragma once
// The north API's contract, docs/openapi.yaml, compiled into the binary and served by every node at
// GET /v1/openapi.yaml (handler `openapi`), so that a partner reads the contract of the node it calls.

#include <string_view>

namespace metrogw::app {

// The whole OpenAPI 3.1 document (YAML), as built from docs/openapi.yaml.
[[nodiscard]] std::string_view openApiDocument();

}  // namespace metrogw::app
