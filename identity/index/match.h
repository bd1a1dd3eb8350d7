// Deciding whether a platform's patient record is the person being resolved.
//
// A record is a candidate when it carries the subject's identifier (same system; resident IDs are
// compared normalised, so a legacy 15-digit number or a lower-case x still matches). A candidate is
// linked only when the demographics agree too: birth date equal, and name equal after removing
// spaces (ASCII and U+3000) and folding ASCII case. A candidate that disagrees is a conflict: same
// identifier, different person data — never linked, reported so that someone fixes the record.
#pragma once

#include <cstdint>
#include <string>

#include "identity/identifiers.h"
#include "identity/index/xref.h"
#include "model/model.h"

namespace metrogw::identity::index {

// Who is being resolved: the identifier and the demographics given with it.
struct Subject {
  TypedId id;
  std::string name;        // as written, e.g. "王建国"
  std::string birth_date;  // YYYY-MM-DD
};

// The canonical query asking a platform for the subject (QueryKind::Patients, by identifier only).
[[nodiscard]] model::QueryT patientQuery(const Subject& subject);

// Adds links and conflicts for `city`'s answer (its patients) to `out`.
void matchCity(const std::string& city, const model::SearchResultT& answer, const Subject& subject,
               int64_t now_unix, CrossRef& out);

// Names compared as matchCity does; exposed for tests.
[[nodiscard]] std::string foldName(std::string_view name);

}  // namespace metrogw::identity::index
