#include "identity/index/xref.h"

#include <ctime>

#include "common/logging.h"

namespace metrogw::identity::index {
namespace {

constexpr size_t kMaxValueBytes = 1 << 20;

[[nodiscard]] std::string utcTime(int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return {buf, n};
}

void field(std::string& out, std::string_view key, std::string_view value, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += key;
  out += "\":\"";
  log::appendJsonEscaped(out, value);
  out += '"';
}

template <class T, class Fn>
void array(std::string& out, std::string_view key, const std::vector<std::unique_ptr<T>>& items, Fn&& item) {
  out += ",\"";
  out += key;
  out += "\":[";
  bool first = true;
  for (const auto& it : items) {
    if (!first) out += ',';
    first = false;
    out += '{';
    item(*it);
    out += '}';
  }
  out += ']';
}

}  // namespace

std::string_view sourceName(Source source) {
  switch (source) {
    case Source::kMemory: return "memory";
    case Source::kRedis: return "redis";
    case Source::kDiscovery: return "discovery";
  }
  return "unknown";
}

std::string encode(const CrossRef& ref) {
  flatbuffers::FlatBufferBuilder fbb(256);
  xref::FinishCrossReferenceBuffer(fbb, xref::CrossReference::Pack(fbb, &ref));
  return {reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

StatusOr<CrossRef> decode(std::string_view bytes) {
  if (bytes.size() > kMaxValueBytes) return Status::malformedMessage("cached cross-reference too large");
  if (bytes.size() < 8 || !xref::CrossReferenceBufferHasIdentifier(bytes.data())) {
    return Status::malformedMessage("cached value is not a cross-reference (identifier MGX1 missing)");
  }
  // Redis strings carry no alignment guarantee; the verifier and readers want 8-byte alignment.
  const std::string aligned(bytes);
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(aligned.data()), aligned.size(), 16,
                                 100'000);
  if (!xref::VerifyCrossReferenceBuffer(verifier)) {
    return Status::malformedMessage("cached cross-reference failed verification");
  }
  CrossRef out;
  xref::GetCrossReference(aligned.data())->UnPackTo(&out);
  return out;
}

bool knownNowhere(const CrossRef& ref) {
  return ref.links.empty() && ref.conflicts.empty() && ref.incomplete.empty();
}

std::string toJson(std::string_view token, const CrossRef& ref, Source source) {
  std::string out = "{";
  field(out, "token", token, /*first=*/true);
  array(out, "cities", ref.links, [&](const xref::LinkT& l) {
    field(out, "city", l.city, true);
    field(out, "patient_id", l.patient_id);
    field(out, "confirmed", utcTime(l.confirmed_unix));
  });
  array(out, "conflicts", ref.conflicts, [&](const xref::ConflictT& c) {
    field(out, "city", c.city, true);
    field(out, "patient_id", c.patient_id);
    field(out, "reason", c.reason);
  });
  array(out, "incomplete", ref.incomplete, [&](const xref::MissingT& m) {
    field(out, "city", m.city, true);
    field(out, "reason", m.reason);
  });
  field(out, "resolved", utcTime(ref.resolved_unix));
  field(out, "source", sourceName(source));
  out += '}';
  return out;
}

}  // namespace metrogw::identity::index
