// The `consent:` and `audit:` sections.
#include "config/internal/sections.h"

namespace metrogw::config::internal {

void readConsent(const MapReader& root, LoadContext& ctx) {
  const auto m = root.map("consent", {"break_glass"});
  if (!m || !m->valid()) return;
  Consent out;
  m->readBool("break_glass", out.break_glass);
  if (!ctx.config.redis) ctx.reader.error(m->where(), "consent needs a redis section (the ledger)");
  ctx.config.consent = std::move(out);
}

void readAudit(const MapReader& root, LoadContext& ctx) {
  const auto m = root.map("audit", {"directory"});
  if (!m || !m->valid()) return;
  Audit out;
  m->require({"directory"});
  m->readNonEmptyString("directory", out.directory);
  ctx.config.audit = std::move(out);
}

}  // namespace metrogw::config::internal
