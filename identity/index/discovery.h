// Patient discovery: ask this city's platform and every peer node, in parallel under one deadline,
// for the subject, and build the cross-reference from the answers (match.h). Cities that failed or
// were late are listed in `incomplete`, as in every federation fan-out.
#pragma once

#include <chrono>
#include <functional>

#include "federation/node_context.h"
#include "identity/index/match.h"

namespace metrogw::identity::index {

using DiscoveryDone = std::function<void(CrossRef)>;

// Runs on the node's worker loop; `done` runs exactly once, later.
void discover(federation::NodeContext& node, std::chrono::milliseconds deadline, const Subject& subject,
              DiscoveryDone done);

}  // namespace metrogw::identity::index
