// The city's slot pool in Redis, one Pool per worker over that worker's redis::Client. Every
// operation is one atomic Lua script (internal/scripts.h); callbacks run on the worker's loop.
//
// Keys (P = redis.key_prefix; shared with booking/delivery*, see the CONTRACT in booking/README.md):
//   P pool:slot:<sid>       HASH city platform_id hospital department doctor start end start_ms capacity
//                                reserved booked booked_family status(free|withdrawn) updated_ms
//                                (+ platform_booked, sync_gen)
//   P pool:holds:<sid>      ZSET hold id -> expiry ms (P pool:fholds:<sid>: the family doctors' holds)
//   P pool:hold:<hid>       HASH slot patient family caller expires_ms (PEXPIRE)
//   P pool:appt:<aid>       HASH slot platform_slot city patient family channel caller_city hospital
//                                department doctor start end status delivery platform_ref reason
//                                created_ms; with a referral: referral (canonical JSON, without its
//                                status) referral_status (requested|accepted|rejected|completed)
//                                referral_events (JSON list) referral_back (JSON) referral_updated_ms
//   P pool:delivery         STREAM appointment, action book|cancel (appended by book and cancel)
//   P pool:stats:<YYYY-MM>  HASH "<hospital>|<channel>" -> bookings made that month (China time)
//   P pool:idx:{all,h:<hospital>,d:<department>,doc:<doctor>}  ZSET sid -> start ms (search)
//   P pool:pday:<patient>:<YYYY-MM-DD>  HASH aid -> doctor (per-patient limits)
//   P pool:noshow:<patient> ZSET aid -> time; P pool:suspended:<patient> (PX)
//   P pool:idem:<caller>:<key>  HASH digest kind a b (the first answer of an Idempotency-Key)
//   P pool:seq              counter behind hold and appointment ids
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/booking.h"
#include "gateway/http/problem.h"
#include "redis/client.h"
#include "redis/durability.h"

namespace metrogw::booking {

// The answer of a mutating or reading step: a JSON body with its HTTP status, or a refusal.
struct Outcome {
  bool ok = false;
  int status = 0;    // ok: 200 or 201
  std::string body;  // ok: JSON
  gateway::http::Problem problem = gateway::http::Problem::kInternal;
  std::string detail;   // refusal: names the rule
  bool replay = false;  // the stored answer of an earlier call with the same Idempotency-Key
};
using OutcomeCallback = std::function<void(StatusOr<Outcome>)>;

// Who asks: the caller's city and channel (partner name or "anonymous"), family-doctor scope.
struct Caller {
  std::string city;
  std::string channel = "anonymous";
  bool family = false;
  [[nodiscard]] std::string id() const { return city + "|" + channel; }
};

// Idempotency-Key and the digest of the request it came with ("" key: none).
struct Idempotency {
  std::string key;
  std::string digest;
};

struct BookRequest {
  std::string slot;
  std::string patient;   // person token
  std::string hold;      // "" = direct
  std::string referral;  // JSON text or "" (checked and made canonical by internal/referral.h)
};

// What the receiving (owning) side does with an appointment's referral.
struct ReferralAction {
  std::string appointment;
  std::string
      actor;  // "*" (an administrator) or the hospital the caller speaks for (must be the appointment's)
  // Status change: the new status, the statuses it may come from (space-separated) and a note.
  std::string status;
  std::string allowed_from;
  std::string note;
  // Refer back: the back-referral's canonical JSON.
  std::string back;
};

// The referrals a hospital received (GET /v1/referrals).
struct ReferralQuery {
  std::string actor;     // "*" (an administrator) or the hospital the caller speaks for
  std::string hospital;  // "" = the actor's own
  std::string status;    // referral status, "" = any
  uint64_t offset = 0;
  uint32_t limit = 50;
};

// A slot as the platform offers it (sync input).
struct PlatformSlot {
  std::string id;  // pool id "<city>.<platform id>"
  std::string platform_id, hospital, department, doctor, start, end;
  int64_t start_ms = 0;
  uint32_t capacity = 1;
  uint32_t platform_booked = 0;
  bool tertiary = false;
};

struct SlotSearch {
  std::string hospital, department, doctor;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  uint64_t offset = 0;
  uint32_t limit = 50;
};

// One slot of a search answer.
struct SlotView {
  std::string id, city, hospital, department, doctor, start, end;
  uint32_t capacity = 0;
  uint32_t available = 0;         // places an ordinary caller may take now
  uint32_t family_available = 0;  // places a family doctor may take now
};
struct SearchPage {
  std::vector<SlotView> slots;
  std::string next_cursor;  // "" = no more
};
using SearchCallback = std::function<void(StatusOr<SearchPage>)>;
using CountCallback = std::function<void(StatusOr<long long>)>;

class Pool {
 public:
  // `redis` must outlive the pool. `city` is this node's city (prefix of the ids it makes).
  Pool(redis::Client& redis, std::string prefix, std::string city, const config::Booking& settings);

  void setSettings(const config::Booking& settings);  // after a reload
  [[nodiscard]] const std::string& city() const { return city_; }
  [[nodiscard]] const std::string& prefix() const { return prefix_; }

  void hold(const Caller& caller, const Idempotency& idem, const std::string& slot,
            const std::string& patient, OutcomeCallback done);
  void book(const Caller& caller, const Idempotency& idem, const BookRequest& request, OutcomeCallback done);
  void cancel(const Caller& caller, const Idempotency& idem, const std::string& appointment,
              OutcomeCallback done);
  void read(const Caller& caller, const std::string& appointment, OutcomeCallback done);
  void noShow(const std::string& appointment, OutcomeCallback done);
  // The receiving side of a referral: 200 the appointment with its new referral status, or 201 with
  // its back-referral; 409 referral-transition-not-allowed, 404 for another hospital's appointment.
  void referralStatus(const Caller& caller, const Idempotency& idem, const ReferralAction& action,
                      OutcomeCallback done);
  void referBack(const Caller& caller, const Idempotency& idem, const ReferralAction& action,
                 OutcomeCallback done);
  // The referrals `hospital` received (oldest first), for `actor` ("*" or that hospital).
  void referrals(const ReferralQuery& query, OutcomeCallback done);
  // redis.wait_replicas / wait_timeout_ms: a booking, hold or cancellation is confirmed only when
  // that many replicas acknowledged it (so a Sentinel failover cannot lose it); otherwise 503 and
  // the caller retries with the same Idempotency-Key (the stored answer is replayed).
  void setDurability(const redis::Durability& durability) { durability_ = durability; }
  void search(const SlotSearch& query, SearchCallback done);

  // Slot sync: upsert a batch under generation `gen`, then withdraw what `gen` did not see.
  void upsert(const std::vector<PlatformSlot>& slots, const std::string& gen, CountCallback done);
  void finishSync(const std::string& gen, int64_t from_ms, int64_t to_ms, CountCallback done);

 private:
  [[nodiscard]] std::vector<std::string> args(const Idempotency* idem, const Caller* caller) const;
  // A mutating script's success is answered only once `durability_` is met (WAIT).
  void run(const redis::Script& script, const std::vector<std::string>& argv, OutcomeCallback done,
           bool mutating = true);

  redis::Client& redis_;
  std::string prefix_;
  std::string city_;
  config::Booking settings_;
  redis::Durability durability_;
  std::string rules_json_;
};

}  // namespace metrogw::booking
