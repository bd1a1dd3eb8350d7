// The `booking:` section: pool timings, default booking rules, per-hospital overrides and the
// delivery consumer's settings.
#include "config/internal/sections.h"

namespace metrogw::config::internal {
namespace {

#define METROGW_BOOKING_RULE_KEYS                                                              \
  "reserved_share_percent", "reserved_all_grades", "family_window_days", "public_window_days", \
      "reserved_opens_at_public", "per_patient_per_day", "per_doctor_per_day", "noshow_limit", \
      "noshow_window_days", "suspension_days", "cancel_cutoff_minutes"

constexpr int64_t kMaxDays = 366;

void readRules(const MapReader& m, BookingRules& out, const LoadContext& ctx) {
  m.readInt("reserved_share_percent", out.reserved_share_percent, 0, 100);
  m.readBool("reserved_all_grades", out.reserved_all_grades);
  m.readInt("family_window_days", out.family_window_days, 1, kMaxDays);
  m.readInt("public_window_days", out.public_window_days, 1, kMaxDays);
  m.readBool("reserved_opens_at_public", out.reserved_opens_at_public);
  m.readInt("per_patient_per_day", out.per_patient_per_day, 1, 100);
  m.readInt("per_doctor_per_day", out.per_doctor_per_day, 1, 100);
  m.readInt("noshow_limit", out.noshow_limit, 1, 100);
  m.readInt("noshow_window_days", out.noshow_window_days, 1, kMaxDays);
  m.readInt("suspension_days", out.suspension_days, 0, kMaxDays);
  int64_t minutes = out.cancel_cutoff.count();
  if (m.readInt("cancel_cutoff_minutes", minutes, 0, kMaxDays * 24 * 60))
    out.cancel_cutoff = std::chrono::minutes(minutes);
  if (out.public_window_days > out.family_window_days)
    ctx.reader.error(m.where(), "public_window_days must not exceed family_window_days");
}

void readHospital(const YAML::Node& node, const Where& where, Booking& out, const LoadContext& ctx) {
  const MapReader m(ctx.reader, node, where, {"id", METROGW_BOOKING_RULE_KEYS});
  if (!m.valid()) return;
  m.require({"id"});
  HospitalRules h{{}, out.defaults};
  m.readNonEmptyString("id", h.hospital);
  readRules(m, h.rules, ctx);
  for (const auto& other : out.hospitals) {
    if (other.hospital == h.hospital)
      ctx.reader.error(m.at("id"), "hospital '" + h.hospital + "' is listed twice");
  }
  out.hospitals.push_back(std::move(h));
}

// A *_ms key within [min, max] milliseconds.
bool readMillisIn(const MapReader& m, std::string_view key, std::chrono::milliseconds& out, int64_t min,
                  int64_t max) {
  int64_t ms = out.count();
  if (!m.readInt(key, ms, min, max)) return false;
  out = std::chrono::milliseconds(ms);
  return true;
}

void readWebhook(const MapReader& parent, BookingDelivery& out, const LoadContext& ctx) {
  const auto m = parent.map("webhook", {"cluster", "path", "attempts", "retry_ms"});
  if (!m || !m->valid()) return;
  m->require({"cluster"});
  if (m->readNonEmptyString("cluster", out.webhook_cluster) &&
      ctx.config.findCluster(out.webhook_cluster) == nullptr)
    ctx.reader.error(m->at("cluster"), "unknown cluster '" + out.webhook_cluster + "'");
  std::string path;
  if (m->readNonEmptyString("path", path) && path.front() != '/')
    ctx.reader.error(m->at("path"), "must start with '/'");
  out.webhook_path = path.empty() ? std::string(1, '/') : std::move(path);
  m->readInt("attempts", out.webhook_attempts, 1, 20);
  readMillisIn(*m, "retry_ms", out.webhook_retry, 10, 3'600'000);
}

// `booking.delivery`: the outbox consumer (booking/delivery.h).
void readDelivery(const MapReader& parent, BookingDelivery& out, const LoadContext& ctx) {
  const auto m = parent.map(
      "delivery", {"retry_initial_ms", "retry_max_ms", "max_attempts", "claim_min_idle_ms",
                   "claim_interval_ms", "poll_interval_ms", "batch", "max_in_flight", "max_held", "webhook"});
  if (!m || !m->valid()) return;
  constexpr int64_t kHour = 3'600'000;
  readMillisIn(*m, "retry_initial_ms", out.retry_initial, 10, 600'000);
  readMillisIn(*m, "retry_max_ms", out.retry_max, 10, 24 * kHour);
  m->readInt("max_attempts", out.max_attempts, 1, 10'000);
  readMillisIn(*m, "claim_min_idle_ms", out.claim_min_idle, 100, 24 * kHour);
  readMillisIn(*m, "claim_interval_ms", out.claim_interval, 10, kHour);
  readMillisIn(*m, "poll_interval_ms", out.poll_interval, 1, 60'000);
  m->readInt("batch", out.batch, 1, 1'000);
  m->readInt("max_in_flight", out.max_in_flight, 1, 10'000);
  m->readInt("max_held", out.max_held, 1, 1'000'000);
  if (out.retry_max < out.retry_initial)
    ctx.reader.error(m->at("retry_max_ms"), "retry_max_ms must not be below retry_initial_ms");
  if (out.max_held < out.max_in_flight)
    ctx.reader.error(m->at("max_held"), "max_held must not be below max_in_flight");
  readWebhook(*m, out, ctx);
}

}  // namespace

void readBooking(const MapReader& root, LoadContext& ctx) {
  const auto m =
      root.map("booking", {"hold_ttl_ms", "idempotency_ttl_ms", "sync_interval_ms", "sync_days",
                           "forward_timeout_ms", "hospitals", "delivery", METROGW_BOOKING_RULE_KEYS});
  if (!m || !m->valid()) return;
  Booking out;
  m->readMillis("hold_ttl_ms", out.hold_ttl);
  m->readMillis("idempotency_ttl_ms", out.idempotency_ttl);
  m->readMillis("sync_interval_ms", out.sync_interval);
  m->readInt("sync_days", out.sync_days, 1, 90);
  m->readMillis("forward_timeout_ms", out.forward_timeout);
  readRules(*m, out.defaults, ctx);
  readDelivery(*m, out.delivery, ctx);
  m->forEach("hospitals",
             [&](const YAML::Node& node, const Where& where) { readHospital(node, where, out, ctx); });
  if (!ctx.config.redis) ctx.reader.error(m->where(), "booking needs a redis section (the slot pool)");
  ctx.config.booking = std::move(out);
}

#undef METROGW_BOOKING_RULE_KEYS

}  // namespace metrogw::config::internal
