#include "consent/ledger.h"

#include <openssl/rand.h>

namespace metrogw::consent {
namespace {

using redis::Reply;

// KEYS: record, history list. ARGV: json, id. 1 stored, 0 the id exists.
const redis::Script& grantScript() {
  static const redis::Script script(R"(
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0)");
  return script;
}

// KEYS: grant record, revocation record, history list, revoked marker. ARGV: json, revocation id,
// record key prefix. {1, json} stored; {0, json} already revoked by that record; {-1} no grant.
const redis::Script& revokeScript() {
  static const redis::Script script(R"(
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local prev = redis.call('GET', KEYS[4])
if prev then return {0, redis.call('GET', ARGV[3] .. prev)} end
redis.call('SET', KEYS[4], ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[2])
return {1, ARGV[1]})");
  return script;
}

// KEYS: history list. ARGV: record key prefix. The records' JSON in order.
const redis::Script& historyScript() {
  static const redis::Script script(R"(
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
if #ids == 0 then return {} end
local keys = {}
for i, id in ipairs(ids) do keys[i] = ARGV[1] .. id end
return redis.call('MGET', unpack(keys)))");
  return script;
}

[[nodiscard]] Status replyError(const StatusOr<Reply>& reply) {
  if (!reply.isOk()) return reply.status();
  if (reply->type == Reply::Type::kError) return Status::upstreamUnavailable("consent ledger: " + reply->str);
  return Status::ok();
}

}  // namespace

Ledger::Ledger(redis::Client& redis, std::string key_prefix, std::string city)
    : redis_(redis), prefix_(std::move(key_prefix)), city_(std::move(city)) {}

Ledger::~Ledger() { *alive_ = false; }

std::string Ledger::newId(const std::string& city) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = city + "-";
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

std::string Ledger::key(std::string_view kind, std::string_view id) const {
  std::string k = prefix_;
  k += kind;
  k += ':';
  k += id;
  return k;
}

void Ledger::grant(Record record, RecordCallback done) {
  record.kind = Kind::kGrant;
  if (record.id.empty()) record.id = newId(city_);
  record.home_city = city_;
  record.revokes.clear();
  std::string json = toJson(record);
  // Keys and arguments first: the callback takes the record by move.
  std::vector<std::string> keys{key("consent", record.id), key("consents", record.patient_token)};
  std::vector<std::string> args{std::move(json), record.id};
  redis_.eval(grantScript(), keys, args,
              [this, alive = alive_, record = std::move(record),
               done = std::move(done)](StatusOr<Reply> reply) mutable {
                if (!*alive) return;
                if (Status s = replyError(reply); !s.isOk()) return done(s);
                if (reply->type != Reply::Type::kInteger || reply->integer != 1)
                  return done(Status::internal("consent ledger: record id collision"));
                confirm(std::move(record), std::move(done));
              });
}

void Ledger::revoke(const std::string& id, int64_t now_ms, std::string recorded_by, RecordCallback done) {
  redis_.command(
      {"GET", key("consent", id)}, [this, alive = alive_, now_ms, recorded_by = std::move(recorded_by),
                                    done = std::move(done)](StatusOr<Reply> reply) mutable {
        if (!*alive) return;
        if (Status s = replyError(reply); !s.isOk()) return done(s);
        auto grant = reply->type == Reply::Type::kString ? fromJson(reply->str) : Status::notFound("");
        if (!grant.isOk() || grant->kind != Kind::kGrant)
          return done(Status::notFound("no such consent in this ledger"));
        Record revocation = *grant;
        revocation.kind = Kind::kRevocation;
        revocation.id = newId(city_);
        revocation.revokes = grant->id;
        revocation.recorded_ms = now_ms;
        revocation.recorded_by = std::move(recorded_by);
        storeRevocation(*grant, revocation, std::move(done));
      });
}

void Ledger::storeRevocation(const Record& grant, const Record& revocation, RecordCallback done) {
  std::string json = toJson(revocation);
  redis_.eval(revokeScript(),
              {key("consent", grant.id), key("consent", revocation.id), key("consents", grant.patient_token),
               key("consent-revoked", grant.id)},
              {json, revocation.id, key("consent", "")},
              [this, alive = alive_, done = std::move(done)](StatusOr<Reply> reply) mutable {
                if (!*alive) return;
                if (Status s = replyError(reply); !s.isOk()) return done(s);
                if (reply->type != Reply::Type::kArray || reply->elements.empty())
                  return done(Status::internal("consent ledger: unexpected revoke reply"));
                if (reply->elements[0].integer < 0)
                  return done(Status::notFound("no such consent in this ledger"));
                if (reply->elements.size() < 2 || reply->elements[1].type != Reply::Type::kString)
                  return done(Status::internal("consent ledger: revocation record missing"));
                auto stored = fromJson(reply->elements[1].str);
                if (!stored.isOk()) return done(std::move(stored));
                confirm(std::move(stored).value(), std::move(done));
              });
}

void Ledger::confirm(Record stored, RecordCallback done) {
  if (durability_.replicas == 0) return done(std::move(stored));
  redis::waitForReplicas(redis_, durability_,
                         [stored = std::move(stored), done = std::move(done)](const Status& s) mutable {
                           if (!s.isOk()) return done(s);
                           done(std::move(stored));
                         });
}

void Ledger::history(const std::string& token, HistoryCallback done) {
  redis_.eval(historyScript(), {key("consents", token)}, {key("consent", "")},
              [done = std::move(done)](StatusOr<Reply> reply) {
                if (Status s = replyError(reply); !s.isOk()) return done(s);
                if (reply->type != Reply::Type::kArray)
                  return done(Status::internal("consent ledger: unexpected history reply"));
                std::vector<Record> out;
                for (const Reply& e : reply->elements) {
                  if (e.type != Reply::Type::kString) continue;  // cannot happen: records are never deleted
                  auto r = fromJson(e.str);
                  if (!r.isOk()) return done(r.status());
                  out.push_back(std::move(r.value()));
                }
                done(std::move(out));
              });
}

}  // namespace metrogw::consent
