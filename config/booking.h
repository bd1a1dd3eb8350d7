// The appointment pool's settings (`booking:`): sync from the platform, hold expiry, the booking
// rules per hospital, delivery to the platform. Part of config::Config (config/config.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace metrogw::config {

// The rules a hospital's slots are booked under (`booking:` defaults, `booking.hospitals[]` overrides).
struct BookingRules {
  uint32_t reserved_share_percent = 30;  // of a tertiary hospital's slot capacity, rounded up
  bool reserved_all_grades = false;      // true: the share applies whatever the hospital's grade
  uint32_t family_window_days = 14;      // family doctors book from this many days before the start
  uint32_t public_window_days = 7;       // everyone else from this many
  bool reserved_opens_at_public = true;  // the reserved share opens to all with the public window
  uint32_t per_patient_per_day = 3;      // active bookings of one patient on one day
  uint32_t per_doctor_per_day = 1;       // active bookings of one patient with one doctor on one day
  uint32_t noshow_limit = 3;             // no-shows within noshow_window_days → suspension
  uint32_t noshow_window_days = 90;
  uint32_t suspension_days = 90;
  std::chrono::minutes cancel_cutoff{120};  // no cancellation later than this before the start
};

struct HospitalRules {
  std::string hospital;  // the platform's organization id
  BookingRules rules;    // starts from the defaults, then the hospital's own keys
};

// Delivery of confirmed bookings to the platform (`booking.delivery`, booking/delivery.h): the
// consumer of the pool's outbox stream, its retry/backoff and claim timings, its bounds, and the
// optional webhook told about a final failure. Read when the consumer starts.
struct BookingDelivery {
  std::chrono::milliseconds retry_initial{500};     // first backoff after a transient failure
  std::chrono::milliseconds retry_max{30'000};      // backoff cap (initial doubles up to it)
  uint32_t max_attempts = 20;                       // transient failures before the booking fails
  std::chrono::milliseconds claim_min_idle{5'000};  // take over other consumers' entries idle this long
  std::chrono::milliseconds claim_interval{1'000};  // how often to look for such entries
  std::chrono::milliseconds poll_interval{100};     // how often to read the stream
  uint32_t batch = 32;                              // entries per read
  uint32_t max_in_flight = 64;                      // entries being delivered at once
  uint32_t max_held = 4096;  // read and not yet acknowledged (in flight + waiting to retry)
  // Optional webhook on a final failure: POST {"id","status","delivery","reason"} to cluster+path.
  std::string webhook_cluster;  // "" = no webhook
  std::string webhook_path;
  uint32_t webhook_attempts = 3;
  std::chrono::milliseconds webhook_retry{1'000};
};

struct Booking {
  std::chrono::milliseconds hold_ttl{5 * 60'000};             // a hold keeps its place this long
  std::chrono::milliseconds idempotency_ttl{24 * 3'600'000};  // an Idempotency-Key's answer is kept
  std::chrono::milliseconds sync_interval{5 * 60'000};        // periodic slot sync from the platform
  uint32_t sync_days = 14;                                    // days ahead synced
  std::chrono::milliseconds forward_timeout{5'000};           // a request forwarded to the owning node
  BookingRules defaults;
  std::vector<HospitalRules> hospitals;
  BookingDelivery delivery;

  // The rules for `hospital` (its override, else the defaults).
  [[nodiscard]] const BookingRules& rulesFor(const std::string& hospital) const {
    for (const auto& h : hospitals) {
      if (h.hospital == hospital) return h.rules;
    }
    return defaults;
  }
};

}  // namespace metrogw::config
