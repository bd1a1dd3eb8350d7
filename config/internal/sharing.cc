// The `consent:` and `audit:` sections.
#include <algorithm>
#include <array>
#include <string_view>

#include "config/internal/sections.h"

namespace metrogw::config::internal {
namespace {

constexpr std::array<std::string_view, 5> kCategories = {"lab-report", "exam-report", "record-summary",
                                                         "appointment", "*"};
constexpr std::array<std::string_view, 4> kPurposes = {"treatment", "referral", "emergency", "*"};
constexpr int64_t kMinRetentionDays = 180;  // network logs are kept at least 6 months

template <size_t N>
void readName(const MapReader& m, std::string_view key, const std::array<std::string_view, N>& names,
              std::string& out, const LoadContext& ctx) {
  if (!m.readNonEmptyString(key, out)) return;
  if (std::find(names.begin(), names.end(), out) == names.end()) {
    ctx.reader.error(m.at(key), "unknown " + std::string(key) + " '" + out + "'");
  }
}

void readObligation(const YAML::Node& node, const Where& where, Consent& out, const LoadContext& ctx) {
  const MapReader m(ctx.reader, node, where, {"category", "purpose", "drop"});
  if (!m.valid()) return;
  m.require({"category", "purpose", "drop"});
  Obligation ob;
  readName(m, "category", kCategories, ob.category, ctx);
  readName(m, "purpose", kPurposes, ob.purpose, ctx);
  for (auto& [field, at] : m.readStringList("drop")) {
    if (field.empty()) ctx.reader.error(at, "empty field name");
    ob.drop.push_back(std::move(field));
  }
  out.obligations.push_back(std::move(ob));
}

}  // namespace

void readConsent(const MapReader& root, LoadContext& ctx) {
  const auto m = root.map("consent", {"break_glass", "obligations"});
  if (!m || !m->valid()) return;
  Consent out;
  m->readBool("break_glass", out.break_glass);
  m->forEach("obligations",
             [&](const YAML::Node& node, const Where& where) { readObligation(node, where, out, ctx); });
  if (!ctx.config.redis) ctx.reader.error(m->where(), "consent needs a redis section (the ledger)");
  ctx.config.consent = std::move(out);
}

void readAudit(const MapReader& root, LoadContext& ctx) {
  const auto m =
      root.map("audit", {"directory", "hash", "fsync_interval_ms", "fsync_every", "max_file_bytes",
                         "rotate_daily", "retention_days", "ship", "stream_maxlen", "ship_interval_ms"});
  if (!m || !m->valid()) return;
  Audit out;
  m->require({"directory"});
  m->readNonEmptyString("directory", out.directory);
  if (m->readNonEmptyString("hash", out.hash) && out.hash != "sm3" && out.hash != "sha256") {
    ctx.reader.error(m->at("hash"), "hash must be sm3 or sha256");
  }
  m->readMillis("fsync_interval_ms", out.fsync_interval);
  m->readInt("fsync_every", out.fsync_every, 1, 1'000'000);
  m->readInt("max_file_bytes", out.max_file_bytes, 4096, int64_t{1} << 40);
  m->readBool("rotate_daily", out.rotate_daily);
  m->readInt("retention_days", out.retention_days, kMinRetentionDays, 36'500);
  m->readBool("ship", out.ship);
  m->readInt("stream_maxlen", out.stream_maxlen, 1000, int64_t{1} << 40);
  m->readMillis("ship_interval_ms", out.ship_interval);
  if (out.ship && m->has("ship") && !ctx.config.redis) {
    ctx.reader.error(m->at("ship"), "ship needs a redis section (the audit stream)");
  }
  ctx.config.audit = std::move(out);
}

}  // namespace metrogw::config::internal
