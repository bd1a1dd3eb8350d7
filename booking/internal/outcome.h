// Pool outcomes as HTTP answers, and problem slugs (as scripts and peers send them) back to types.
#pragma once

#include <string_view>

#include "booking/pool.h"
#include "gateway/handler.h"

namespace metrogw::booking::internal {

// The Problem whose slug is `slug` ("slot-unavailable"); kInternal when unknown.
[[nodiscard]] gateway::http::Problem problemOfSlug(std::string_view slug);

// 200/201 JSON, or problem+json naming the rule.
[[nodiscard]] gateway::LocalResponse responseOf(const Outcome& outcome, std::string_view request_id);

// A failure to reach Redis or a peer: 503/504/500 problem.
[[nodiscard]] gateway::LocalResponse failureOf(const Status& status, std::string_view request_id);

}  // namespace metrogw::booking::internal
