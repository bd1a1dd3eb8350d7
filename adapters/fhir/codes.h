#pragma once
// FHIR code <-> canonical enum tables (status values and the like).

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace metrogw::adapters::fhir {

template <class E, size_t N>
using CodeTable = std::array<std::pair<std::string_view, E>, N>;

template <class E, size_t N>
[[nodiscard]] std::optional<E> enumOf(const CodeTable<E, N>& table, std::string_view code) {
  for (const auto& [c, e] : table) {
    if (c == code) return e;
  }
  return std::nullopt;
}

// The first code of `e`; `fallback` when it has none.
template <class E, size_t N>
[[nodiscard]] std::string_view codeOf(const CodeTable<E, N>& table, E e, std::string_view fallback = {}) {
  for (const auto& [c, v] : table) {
    if (v == e) return c;
  }
  return fallback;
}

}  // namespace metrogw::adapters::fhir
