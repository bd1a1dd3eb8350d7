// Resident identity numbers (居民身份证号码, GB 11643-1999): parse, validate, normalise, mask.
//
// An 18-character number is 6 digits of GB/T 2260 region code (where the person was registered when
// the number was issued; abolished codes stay valid), the birth date YYYYMMDD, a 3-digit sequence
// (odd = male) and a check character (ISO 7064 MOD 11-2: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
// sum mod 11 indexes "10X98765432"). Legacy 15-digit numbers (region, YYMMDD of 19YY, sequence) are
// converted: "19" inserted before the year and the check character appended.
//
// Rules, checked in this order; the first that fails is reported:
//   length           15 or 18 characters once surrounding spaces (ASCII, and U+3000) are trimmed
//   characters       digits; an 18-character number may end in X or x (x is normalised to X)
//   region           digits 1-2 a province-level code; for Jiangsu (32) and Anhui (34) digits 1-4 a
//                    current or historical prefecture (table in internal/regions.cc)
//   birth-date       a calendar date, not before 1900-01-01 and not after today (Asia/Shanghai)
//   check-character  the computed check character; CheckPolicy::kFlag lets a wrong one through with
//                    ResidentId::check_ok == false
//
// Error messages name the character positions and the rule, never the number or any part of it, so
// they may go into logs and problem+json answers. Everything here is pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace metrogw::identity {

enum class IdRule {
  kLength,
  kCharacters,
  kRegion,
  kBirthDate,
  kCheckCharacter,
  kAssigner,  // typed identifiers only (identifiers.h): the assigning organisation is missing or bad
};

// "length", "characters", "region", "birth-date", "check-character", "assigner".
[[nodiscard]] std::string_view ruleName(IdRule rule);

enum class CheckPolicy { kReject, kFlag };

struct ResidentIdOptions {
  CheckPolicy check = CheckPolicy::kReject;
  // The reference date for "not after today", "YYYYMMDD"; empty = the system date in Asia/Shanghai.
  // A non-empty value that is not a calendar date fails every parse with IdRule::kBirthDate.
  std::string today;
};

struct ResidentId {
  std::string normalized;  // 18 characters, upper-case X; 15-digit input converted
  std::string region;      // 6 digits
  std::string birth_date;  // "YYYY-MM-DD"
  bool male = false;       // sequence odd
  bool from_legacy_15 = false;
  bool check_ok = true;  // false only when CheckPolicy::kFlag let a wrong check character through
};

struct IdError {
  IdRule rule;
  std::string message;  // "position 7-14: birth date is not a calendar date"; never contains the number
};

[[nodiscard]] std::variant<ResidentId, IdError> parseResidentId(std::string_view text,
                                                                const ResidentIdOptions& options = {});

// The check character ('0'-'9' or 'X') for the first 17 digits of a number; '\0' when `first17` is
// not exactly 17 ASCII digits.
[[nodiscard]] char checkCharacter(std::string_view first17);

// A resident ID for the rare log line that cannot do with a token: the first 4 characters (province
// and prefecture) and the last 4 (end of the sequence and the check character) are kept, everything
// between becomes '*': "3201**********123X". Surrounding spaces are trimmed first; input of fewer than
// 12 characters is masked entirely, and any kept character that is not an ASCII letter or digit is
// masked too, so the result is always printable ASCII of the trimmed input's length.
[[nodiscard]] std::string maskResidentId(std::string_view text);

}  // namespace metrogw::identity
