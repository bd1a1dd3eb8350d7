// What other modules need to serve and call their own node-to-node endpoints (booking, sharing):
// who a peer caller is, and envelope answers in the federation's wire format.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "gateway/handler.h"
#include "gateway/http/problem.h"
#include "model/model.h"

namespace metrogw::federation {

// The city of the peer node whose verified client-certificate subject is `caller` (the peer
// cluster's tls.expected_subject), or "" when the caller is not a configured peer.
[[nodiscard]] std::string peerCityOf(const config::Config& config, std::string_view caller);

// A 200/other answer carrying `env` as a packed envelope (application/x-metrogw-envelope).
[[nodiscard]] gateway::LocalResponse envelopeResponse(int status, const model::EnvelopeT& env);
// A Problem envelope with the problem's status, title and stable type.
[[nodiscard]] gateway::LocalResponse envelopeProblem(gateway::http::Problem problem, std::string detail);

}  // namespace metrogw::federation
