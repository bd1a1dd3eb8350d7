// Node-to-node calls: a canonical request envelope POSTed to a peer city node's
// /federation/v1/query over mutual TLS (the peer's cluster), answered with an envelope.
#pragma once

#include <chrono>

#include "config/config.h"
#include "federation/platform.h"
#include "gateway/client.h"

namespace metrogw::federation {

inline constexpr std::string_view kFederationPath = "/federation/v1/query";

// `done` gets the peer's answer envelope (verified), a Problem envelope when the peer refused, or
// an error status when the peer could not be reached or answered something else.
// `path` selects the peer endpoint (booking and sharing have their own).
void callPeer(gateway::HttpClient& client, const config::Peer& peer, const model::EnvelopeT& request,
              std::chrono::milliseconds timeout, EnvelopeCallback done,
              std::string_view path = kFederationPath);

}  // namespace metrogw::federation
