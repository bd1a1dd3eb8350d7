// Helpers for the identity tests: valid ID numbers built with checkCharacter, sample identifiers,
// the no-leak assertion for error messages.
#pragma once

#include <string>
#include <string_view>

namespace metrogw::identity::testing {

// The reference date the tests parse against ("today").
inline constexpr std::string_view kToday = "20250315";

// An 18-character number: region (6 digits) + birth date (YYYYMMDD) + sequence (3 digits) + the
// check character computed by checkCharacter.
[[nodiscard]] std::string makeId(std::string_view region, std::string_view birth, std::string_view sequence);

// The same number with a wrong check character.
[[nodiscard]] std::string withWrongCheck(const std::string& id);

// The whole text of a sample file under tests/data/samples; empty if unreadable.
[[nodiscard]] std::string sampleText(std::string_view file);

// The `extension` of the first <... root="`root`" extension="..."> in a sample file under
// tests/data/samples (e.g. "hl7v3-cda/C0001-record-summary.xml"); empty if absent.
[[nodiscard]] std::string sampleExtension(std::string_view file, std::string_view root);

// True when `message` contains any run of `run` consecutive characters of `input` (false for input
// shorter than `run`). Five is above every number the messages themselves use ("GB/T 2260", "1900").
[[nodiscard]] bool leaksInput(std::string_view message, std::string_view input, size_t run = 5);

}  // namespace metrogw::identity::testing
