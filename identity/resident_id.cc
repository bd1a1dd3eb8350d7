// Resident identity numbers (GB 11643-1999): the rules listed in resident_id.h.
#include "identity/resident_id.h"

#include <array>
#include <chrono>
#include <optional>

#include "identity/internal/dates.h"
#include "identity/internal/regions.h"
#include "identity/internal/text.h"

namespace metrogw::identity {
namespace {

using internal::digitsValue;
using internal::isDigit;

constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheckCharacters = "10X98765432";
constexpr size_t kLegacyLength = 15;
constexpr size_t kLength = 18;
constexpr std::string_view kEarliestBirthDate = "19000101";

IdError error(IdRule rule, std::string message) { return IdError{rule, std::move(message)}; }

std::string position(size_t first, size_t last) {
  return first == last ? "position " + std::to_string(first)
                       : "position " + std::to_string(first) + "-" + std::to_string(last);
}

// The first character (1-based position) that breaks the character rule, if any.
std::optional<IdError> checkCharacters(std::string_view id) {
  const size_t digits = id.size() == kLength ? kLength - 1 : kLegacyLength;
  for (size_t i = 0; i < digits; ++i) {
    if (!isDigit(id[i])) return error(IdRule::kCharacters, position(i + 1, i + 1) + ": expected a digit");
  }
  if (id.size() == kLength) {
    const char last = id.back();
    if (!isDigit(last) && last != 'X' && last != 'x') {
      return error(IdRule::kCharacters, position(kLength, kLength) + ": expected a digit or X");
    }
  }
  return std::nullopt;
}

// 17 digits of an 18-character number (check character not yet appended for legacy input).
std::string toEighteen(std::string_view id) {
  if (id.size() == kLength) {
    std::string out(id);
    out.back() = internal::toUpper(out.back());
    return out;
  }
  std::string out;
  out.reserve(kLength);
  out.append(id.substr(0, 6)).append("19").append(id.substr(6));
  return out;
}

std::optional<IdError> checkRegion(std::string_view normalized) {
  switch (internal::checkRegion(normalized.substr(0, 6))) {
    case internal::RegionCheck::kOk: return std::nullopt;
    case internal::RegionCheck::kUnknownProvince:
      return error(IdRule::kRegion, position(1, 2) + ": not a GB/T 2260 province-level code");
    case internal::RegionCheck::kUnknownPrefecture:
      return error(IdRule::kRegion,
                   position(1, 4) + ": not a current or historical prefecture of the province");
  }
  return std::nullopt;
}

// `birth` is YYYYMMDD; positions are those of the input (15-digit numbers have YYMMDD at 7-12).
std::optional<IdError> checkBirthDate(std::string_view birth, std::string_view today, bool legacy) {
  const std::string where = legacy ? position(7, 12) : position(7, 14);
  if (!internal::isYyyymmdd(birth))
    return error(IdRule::kBirthDate, where + ": birth date is not a calendar date");
  if (birth < kEarliestBirthDate)
    return error(IdRule::kBirthDate, where + ": birth date is before 1900-01-01");
  if (birth > today) return error(IdRule::kBirthDate, where + ": birth date is after today");
  return std::nullopt;
}

ResidentId makeResult(std::string normalized, bool legacy, bool check_ok) {
  ResidentId id;
  id.region = normalized.substr(0, 6);
  id.birth_date = normalized.substr(6, 4) + "-" + normalized.substr(10, 2) + "-" + normalized.substr(12, 2);
  id.male = (normalized[16] - '0') % 2 == 1;
  id.from_legacy_15 = legacy;
  id.check_ok = check_ok;
  id.normalized = std::move(normalized);
  return id;
}

}  // namespace

std::string_view ruleName(IdRule rule) {
  switch (rule) {
    case IdRule::kLength: return "length";
    case IdRule::kCharacters: return "characters";
    case IdRule::kRegion: return "region";
    case IdRule::kBirthDate: return "birth-date";
    case IdRule::kCheckCharacter: return "check-character";
    case IdRule::kAssigner: return "assigner";
  }
  return "unknown";
}

char checkCharacter(std::string_view first17) {
  if (first17.size() != kWeights.size() || !internal::allDigits(first17)) return '\0';
  int sum = 0;
  for (size_t i = 0; i < kWeights.size(); ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheckCharacters[sum % 11];
}

std::variant<ResidentId, IdError> parseResidentId(std::string_view text, const ResidentIdOptions& options) {
  const std::string_view id = internal::trimSpaces(text);
  if (id.size() != kLegacyLength && id.size() != kLength) {
    return error(IdRule::kLength,
                 "position 1: expected 15 or 18 characters, got " + std::to_string(id.size()));
  }
  if (auto e = checkCharacters(id)) return *std::move(e);
  const bool legacy = id.size() == kLegacyLength;
  std::string normalized = toEighteen(id);
  if (auto e = checkRegion(normalized)) return *std::move(e);
  const std::string today =
      options.today.empty() ? internal::shanghaiDate(std::chrono::system_clock::now()) : options.today;
  if (!internal::isYyyymmdd(today)) {
    return error(IdRule::kBirthDate, "options: the reference date is not a YYYYMMDD calendar date");
  }
  if (auto e = checkBirthDate(std::string_view(normalized).substr(6, 8), today, legacy)) return *std::move(e);
  const char expected = checkCharacter(std::string_view(normalized).substr(0, 17));
  if (legacy) {
    normalized.push_back(expected);
    return makeResult(std::move(normalized), true, true);
  }
  const bool check_ok = normalized.back() == expected;
  if (!check_ok && options.check == CheckPolicy::kReject) {
    return error(IdRule::kCheckCharacter, position(kLength, kLength) + ": check character does not match");
  }
  return makeResult(std::move(normalized), false, check_ok);
}

std::string maskResidentId(std::string_view text) {
  constexpr size_t kKeep = 4;
  constexpr size_t kShortest = 12;
  const std::string_view id = internal::trimSpaces(text);
  std::string out(id.size(), '*');
  if (id.size() < kShortest) return out;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool kept = i < kKeep || i >= id.size() - kKeep;
    if (kept && internal::isAlnum(id[i])) out[i] = id[i];
  }
  return out;
}

}  // namespace metrogw::identity
