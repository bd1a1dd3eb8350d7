#include "booking/internal/request.h"

#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>

#include "identity/token.h"

namespace metrogw::booking::internal {
namespace {

constexpr size_t kMaxField = 200;

[[nodiscard]] bool plainToken(std::string_view s) {
  return !s.empty() && s.size() <= kMaxField && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == ':' || c == '~';
  });
}

[[nodiscard]] StatusOr<std::string> stringField(const rapidjson::Value& v, const char* name, bool required) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || it->value.IsNull()) {
    if (required) return Status::invalidArgument(std::string("'") + name + "' is required");
    return std::string();
  }
  if (!it->value.IsString()) return Status::invalidArgument(std::string("'") + name + "' must be a string");
  std::string s(it->value.GetString(), it->value.GetStringLength());
  if (!plainToken(s)) return Status::invalidArgument(std::string("'") + name + "' is not a valid id");
  return s;
}

[[nodiscard]] bool holdsScope(const std::vector<std::string>& scopes,
                              std::string_view scope = kFamilyDoctorScope) {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

}  // namespace

StatusOr<BookRequest> parseBookBody(std::string_view body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return Status::invalidArgument("the body must be a JSON object");
  BookRequest r;
  ASSIGN_OR_RETURN(r.slot, stringField(d, "slot", true));
  ASSIGN_OR_RETURN(r.patient, stringField(d, "patient", true));
  // Only person tokens reach Redis: never a raw identifier sent by mistake.
  if (!identity::parseToken(r.patient).isOk())
    return Status::invalidArgument("'patient' must be a person token (POST /v1/patients/$resolve)");
  ASSIGN_OR_RETURN(r.hold, stringField(d, "hold", false));
  const rapidjson::Value& root = d;
  if (auto it = root.FindMember("referral"); it != root.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsObject()) return Status::invalidArgument("'referral' must be an object");
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    it->value.Accept(w);
    r.referral = buf.GetString();
  }
  return r;
}

StatusOr<std::optional<std::string>> idempotencyKey(const gateway::http::MessageHead& head) {
  const std::string* key = head.headers.get("idempotency-key");
  if (key == nullptr) return std::optional<std::string>();
  const bool visible = std::all_of(key->begin(), key->end(), [](char c) { return c > ' ' && c < 127; });
  if (key->empty() || key->size() > 128 || !visible)
    return Status::invalidArgument("Idempotency-Key must be 1-128 visible ASCII characters");
  return std::optional<std::string>(*key);
}

Caller localCaller(const config::Config& config, std::string_view subject, std::string_view listener,
                   const std::string& city) {
  Caller c;
  c.city = city;
  if (!subject.empty()) {
    for (const auto& p : config.partners) {
      if (p.subject == subject) {
        c.channel = p.name;
        c.family = holdsScope(p.scopes);
      }
    }
    return c;
  }
  for (const auto& l : config.listeners) {
    if (l.name == listener) c.family = holdsScope(l.anonymous_scopes);
  }
  return c;
}

std::string referralActor(const config::Config& config, std::string_view subject, std::string_view listener) {
  if (subject.empty()) {
    for (const auto& l : config.listeners) {
      if (l.name == listener && holdsScope(l.anonymous_scopes, kAdminScope)) return "*";
    }
    return {};
  }
  for (const auto& p : config.partners) {
    if (p.subject != subject) continue;
    if (holdsScope(p.scopes, kAdminScope)) return "*";
    if (holdsScope(p.scopes, kHospitalScope)) return p.name;
  }
  return {};
}

StatusOr<uint64_t> numberParam(std::string_view name, std::string_view value, uint64_t min, uint64_t max) {
  uint64_t out = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || out < min || out > max)
    return Status::invalidArgument("parameter '" + std::string(name) + "': " + std::to_string(min) + "-" +
                                   std::to_string(max));
  return out;
}

std::string requestDigest(std::string_view op, std::string_view target, std::string_view body) {
  const std::string input = std::string(op) + '\n' + std::string(target) + '\n' + std::string(body);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string cityOfId(std::string_view id) {
  const size_t dot = id.find('.');
  if (dot != 4 || !std::all_of(id.begin(), id.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }))
    return {};
  return std::string(id.substr(0, 4));
}

}  // namespace metrogw::booking::internal
