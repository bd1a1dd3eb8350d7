// A consent ledger record: a grant, or a revocation that refers to a grant. Records are immutable:
// the ledger (ledger.h) only ever adds them, so a patient's history is the list of records in the
// order they were recorded, and "revoked" is a fact derived from a later record.
//
// JSON (the ledger's stored value and the API's answer; no resident ID, name or phone number —
// the patient is a person token):
//   {"id":"3201-6f0c...","kind":"grant|revocation","patient":"<token>",
//    "grantee":{"city":"3405","hospital":"","practitioner":"D12"},
//    "categories":["lab-report"],"purposes":["treatment"],
//    "valid_from":"2026-11-01T00:00:00Z","valid_to":"2027-11-01T00:00:00Z" (absent: open-ended),
//    "source":"12320-app","recorded":"...Z","recorded_by":"<caller>","home_city":"3201",
//    "revokes":"<grant id>" (revocations only),
//    "valid_from_ms":..,"valid_to_ms":..,"recorded_ms":..}   (exact values, what the parser reads)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/policy.h"

namespace metrogw::consent {

enum class Kind { kGrant, kRevocation };

struct Record {
  std::string id;
  Kind kind = Kind::kGrant;
  std::string patient_token;
  policy::Grantee grantee;
  std::vector<policy::Category> categories;
  std::vector<policy::Purpose> purposes;
  int64_t not_before_ms = 0;              // inclusive
  int64_t not_after_ms = policy::kNoEnd;  // exclusive
  std::string source;                     // platform / channel that recorded it
  int64_t recorded_ms = 0;
  std::string recorded_by;  // the caller (certificate subject or partner), "listener:<name>" for a caller
                            // without a certificate
  std::string home_city;    // the node whose ledger holds it (also the id's prefix)
  std::string revokes;      // revocation: the id of the grant it ends
};

[[nodiscard]] std::string toJson(const Record& record);
[[nodiscard]] StatusOr<Record> fromJson(std::string_view json);

// {"patient":"<token>","consents":[record, ...]} in recorded order.
[[nodiscard]] std::string historyJson(std::string_view token, const std::vector<Record>& history);

// Reads historyJson() as another node's ledger answered it (the consent-peer endpoint), strictly:
// the answer must be about `token`, and every record must be a well-formed grant or revocation of
// `token` held by the ledger of `ledger_city` (home_city and the id's prefix). Anything else makes
// the whole answer malformedMessage, so the caller treats that ledger as unread (fail safe).
[[nodiscard]] StatusOr<std::vector<Record>> historyFromJson(std::string_view json, std::string_view token,
                                                            std::string_view ledger_city);

// The union of several ledgers' histories of one patient: each record once (by id; records are
// immutable, so the first copy is kept), ordered by recorded time, then id. A grant and its
// revocations always live in the same ledger, so merging fewer ledgers can lose a grant together
// with its revocations, never a revocation alone: a missing ledger can only deny more.
[[nodiscard]] std::vector<Record> mergeHistories(const std::vector<std::vector<Record>>& ledgers);

// The patient's history folded into what policy::decide() reads: every grant, marked revoked at
// the time of the first revocation that refers to it.
[[nodiscard]] std::vector<policy::ConsentRecord> effective(const std::vector<Record>& history);

// The grant `id` in `history` and whether it is already revoked; null when there is no such grant.
[[nodiscard]] const Record* findGrant(const std::vector<Record>& history, std::string_view id, bool& revoked);

}  // namespace metrogw::consent
