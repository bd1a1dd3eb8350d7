// Helpers for the identity index tests: valid resident-ID numbers built with checkCharacter, and the
// no-leak check for problem details.
#pragma once

#include <string>
#include <string_view>

#include "identity/resident_id.h"

namespace metrogw::identity::index::testing {

// The reference date requests are parsed against.
inline constexpr std::string_view kToday = "20250315";

// region (6 digits) + birth date (YYYYMMDD) + sequence (3 digits) + the computed check character.
[[nodiscard]] inline std::string makeId(std::string_view region, std::string_view birth,
                                        std::string_view sequence) {
  std::string first17;
  first17.append(region).append(birth).append(sequence);
  return first17 + checkCharacter(first17);
}

// The same number with a wrong check character.
[[nodiscard]] inline std::string withWrongCheck(std::string id) {
  id.back() = id.back() == '0' ? '1' : '0';
  return id;
}

// True when `text` contains any run of `run` consecutive characters of `input`.
[[nodiscard]] inline bool leaksInput(std::string_view text, std::string_view input, size_t run = 4) {
  for (size_t i = 0; i + run <= input.size(); ++i) {
    if (text.find(input.substr(i, run)) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace metrogw::identity::index::testing
