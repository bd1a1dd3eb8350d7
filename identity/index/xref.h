// The cached cross-reference (xref.fbs): FlatBuffers bytes for Redis, verified on the way back,
// and the JSON the API answers with.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "identity_xref/xref_generated.h"

namespace metrogw::identity::index {

using CrossRef = xref::CrossReferenceT;

// Kinds of answers, for metrics and the API's "source" member.
enum class Source { kMemory, kRedis, kDiscovery };
[[nodiscard]] std::string_view sourceName(Source source);

// Packs `ref` (file identifier MGX1).
[[nodiscard]] std::string encode(const CrossRef& ref);
// Verifies (FlatBuffers verifier, identifier, size cap) and unpacks bytes read from Redis.
[[nodiscard]] StatusOr<CrossRef> decode(std::string_view bytes);

// True when no city knows the person (no link, no conflict) and every city answered.
[[nodiscard]] bool knownNowhere(const CrossRef& ref);

// {"token":..,"cities":[{"city","patient_id","confirmed"}],"conflicts":[..],"incomplete":[..],
//  "resolved":"<RFC 3339 UTC>","source":".."}
[[nodiscard]] std::string toJson(std::string_view token, const CrossRef& ref, Source source);

}  // namespace metrogw::identity::index
