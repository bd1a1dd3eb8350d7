#include "policy/settings.h"

namespace metrogw::policy {
namespace {

// Indices named by `name` ("*" = all) into `out`; false for an unknown name.
template <typename Enum, size_t N, typename Parse>
bool indices(const std::string& name, Parse parse, std::array<bool, N>& out) {
  if (name == "*") {
    out.fill(true);
    return true;
  }
  const StatusOr<Enum> v = parse(name);
  if (!v.isOk()) return false;
  out[static_cast<size_t>(v.value())] = true;
  return true;
}

}  // namespace

StatusOr<Settings> settingsFrom(const config::Consent& consent) {
  Settings s;
  s.break_glass_enabled = consent.break_glass;
  for (const auto& ob : consent.obligations) {
    std::array<bool, kCategoryCount> cats{};
    std::array<bool, kPurposeCount> purposes{};
    if (!indices<Category>(ob.category, parseCategory, cats)) {
      return Status::invalidArgument("consent.obligations: unknown category " + ob.category);
    }
    if (!indices<Purpose>(ob.purpose, parsePurpose, purposes)) {
      return Status::invalidArgument("consent.obligations: unknown purpose " + ob.purpose);
    }
    for (size_t c = 0; c < kCategoryCount; ++c) {
      for (size_t p = 0; p < kPurposeCount; ++p) {
        if (cats[c] && purposes[p]) s.drop_fields[c][p] = ob.drop;
      }
    }
  }
  return s;
}

}  // namespace metrogw::policy
