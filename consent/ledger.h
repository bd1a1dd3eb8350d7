// The consent ledger of one node: its patients' consent records in the node's Redis, append-only.
//
// Layout (prefix = redis.key_prefix):
//   <prefix>consent:<id>              a record's JSON (record.h); written once, never changed
//   <prefix>consents:<person token>   the ids of the patient's records, in recorded order (RPUSH)
//   <prefix>consent-revoked:<id>      the id of the revocation that ended grant <id> (SET NX)
// Each write is one Lua script, so a record and its place in the history appear together. Nothing
// here expires or is deleted: a revocation is a new record. Durability is the Redis server's
// (appendonly yes, appendfsync always for the ledger's database) and, with redis.wait_replicas, a
// grant or revocation is confirmed only once that many replicas acknowledged it (setDurability).
//
// Ids are "<home city>-<32 hex>": the city tells every node which ledger holds the record, so a
// revocation always lands in the ledger of its grant.
//
// Threading: a Ledger belongs to the worker that owns the redis::Client; callbacks run on that
// worker's loop, exactly once, never inside the call (the client's contract). The client must
// outlive the Ledger.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "consent/record.h"
#include "redis/client.h"
#include "redis/durability.h"

namespace metrogw::consent {

using RecordCallback = std::function<void(StatusOr<Record>)>;
using HistoryCallback = std::function<void(StatusOr<std::vector<Record>>)>;

class Ledger {
 public:
  Ledger(redis::Client& redis, std::string key_prefix, std::string city);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Stores a grant: sets home_city, and the id unless it has one (newId()); `done` gets the stored record.
  void grant(Record record, RecordCallback done);
  // Ends grant `id` with a new revocation record (recorded now). notFound when this ledger has no
  // such grant; when it is already revoked, `done` gets the existing revocation (idempotent).
  void revoke(const std::string& id, int64_t now_ms, std::string recorded_by, RecordCallback done);
  // The patient's records in recorded order (empty when none).
  void history(const std::string& token, HistoryCallback done);

  // redis.wait_replicas: a grant or revocation is answered only once replicas hold it; otherwise
  // upstreamUnavailable (the record may still be stored: a retried grant gets a new id, a retried
  // revocation the existing one).
  void setDurability(const redis::Durability& durability) { durability_ = durability; }

  // A fresh record id for `city`.
  [[nodiscard]] static std::string newId(const std::string& city);

 private:
  [[nodiscard]] std::string key(std::string_view kind, std::string_view id) const;
  void storeRevocation(const Record& grant, const Record& revocation, RecordCallback done);
  // Answers `stored` once durability_ is met (at once when no replica is asked for).
  void confirm(Record stored, RecordCallback done);

  redis::Client& redis_;
  std::string prefix_;
  std::string city_;
  redis::Durability durability_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace metrogw::consent
