// GB 11643-1999 resident ID numbers for simulated residents.
//
// 18 characters: 6-digit GB/T 2260 region code, birth date YYYYMMDD, 3-digit sequence (odd =
// male), check character. Check: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over the first 17
// digits, sum mod 11 -> index into "10X98765432".
#pragma once

#include <string>
#include <string_view>

namespace metrogw::sim {

// The check character for 17 digits; '\0' when `first17` is not 17 digits.
[[nodiscard]] char residentIdCheckChar(std::string_view first17);

// A valid number. `region` is 6 digits, `birth` YYYYMMDD, `sequence` 0..999.
[[nodiscard]] std::string makeResidentId(std::string_view region, std::string_view birth, int sequence);

// True when `id` is 18 characters with a correct check character.
[[nodiscard]] bool isValidResidentId(std::string_view id);

}  // namespace metrogw::sim
