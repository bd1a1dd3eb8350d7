// Pure pieces of the delivery consumer (booking/delivery.h): stream replies into entries, the
// appointment hash into what the platform needs, the Command sent for an entry, and the
// classification of the platform's answer. No I/O here, so the rules are unit-testable.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/model.h"
#include "redis/client.h"

namespace metrogw::booking::internal {

// One `P pool:delivery` entry: fields `appointment` <aid>, `action` book|cancel.
struct StreamEntry {
  std::string id;  // stream id "<ms>-<seq>"
  std::string appointment;
  std::string action;
};

// XREADGROUP reply ([[key, [[id, [f, v, ...]], ...]]] or nil) → entries. Entries without an
// appointment field keep an empty one (the consumer acknowledges them as malformed).
[[nodiscard]] std::vector<StreamEntry> parseReadGroup(const redis::Reply& reply);
// XAUTOCLAIM reply ([cursor, [[id, fields] | nil, ...], [deleted...]]) → entries and the next cursor.
struct Claimed {
  std::string cursor = "0-0";
  std::vector<StreamEntry> entries;
};
[[nodiscard]] Claimed parseAutoClaim(const redis::Reply& reply);
// Milliseconds part of a stream id ("1700000000000-3" → 1700000000000); 0 when malformed.
[[nodiscard]] int64_t streamIdMs(const std::string& id);

// HGETALL reply → field map (empty when the key does not exist).
[[nodiscard]] std::map<std::string, std::string> parseHash(const redis::Reply& reply);

// What to do with an entry given the appointment as it is now.
enum class Plan {
  kSend,  // ask the platform
  kSkip,  // nothing to deliver (already done, cancelled before delivery, unknown): acknowledge
};
[[nodiscard]] Plan planFor(const StreamEntry& entry, const std::map<std::string, std::string>& appt);

// The Command for an entry: Book (platform slot id, patient by person token, family flag) or
// Cancel (platform_ref). idempotency_key is the appointment id (":cancel" appended for a cancel), so
// a repeated delivery never books twice at the platform.
[[nodiscard]] model::CommandT commandFor(const StreamEntry& entry,
                                         const std::map<std::string, std::string>& appt);

// The platform's answer, classified.
struct Outcome {
  enum class Kind { kDelivered, kTransient, kRefused };
  Kind kind = Kind::kTransient;
  std::string platform_ref;  // kDelivered: the platform's appointment id
  std::string reason;        // kTransient / kRefused: a slug, never patient data
};
[[nodiscard]] Outcome classify(const StatusOr<model::EnvelopeT>& answer);

// Exponential backoff with jitter: initial·2^(attempt-1) capped at max, then uniform in [d/2, d].
// `unit` in [0, 1) is the random draw (injected for tests).
[[nodiscard]] std::chrono::milliseconds backoff(uint32_t attempt, std::chrono::milliseconds initial,
                                                std::chrono::milliseconds max, double unit);

// Body of the optional webhook: {"id","status","delivery","reason"}.
[[nodiscard]] std::string webhookBody(const std::string& id, const std::string& status,
                                      const std::string& delivery, const std::string& reason);

inline constexpr std::string_view kPersonTokenSystem = "urn:metrogw:person-token";

}  // namespace metrogw::booking::internal
