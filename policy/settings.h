// Policy settings from the `consent:` configuration section.
#pragma once

#include "common/status.h"
#include "config/sharing.h"
#include "policy/policy.h"

namespace metrogw::policy {

// break_glass, and the default obligations with consent.obligations applied in order: each entry
// replaces the drop list of every (category, purpose) pair it names ("*" names all).
// Errors: invalidArgument for unknown category or purpose names (the loader already checks them).
[[nodiscard]] StatusOr<Settings> settingsFrom(const config::Consent& consent);

}  // namespace metrogw::policy
