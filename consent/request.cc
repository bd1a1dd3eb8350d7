#include "consent/request.h"

#include <rapidjson/document.h>

#include "consent/internal/time.h"

namespace metrogw::consent {
namespace {

constexpr size_t kMaxField = 128;

[[nodiscard]] StatusOr<std::string> field(const rapidjson::Value& v, const char* name, bool required) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || it->value.IsNull()) {
    if (required) return Status::invalidArgument(std::string(name) + ": missing");
    return std::string();
  }
  if (!it->value.IsString() || it->value.GetStringLength() > kMaxField)
    return Status::invalidArgument(std::string(name) + ": not a string of at most 128 characters");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

template <class T, class Parse>
[[nodiscard]] Status list(const rapidjson::Value& v, const char* name, Parse parse, std::vector<T>& out) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsArray() || it->value.Empty())
    return Status::invalidArgument(std::string(name) + ": a non-empty list is required");
  for (const auto& e : it->value.GetArray()) {
    if (!e.IsString()) return Status::invalidArgument(std::string(name) + ": not a list of strings");
    auto parsed = parse(std::string_view(e.GetString(), e.GetStringLength()));
    if (!parsed.isOk()) return Status::invalidArgument(std::string(name) + ": " + parsed.status().message());
    out.push_back(parsed.value());
  }
  return Status::ok();
}

[[nodiscard]] Status grantee(const rapidjson::Value& d, policy::Grantee& g) {
  auto it = d.FindMember("grantee");
  if (it == d.MemberEnd() || !it->value.IsObject()) return Status::invalidArgument("grantee: missing");
  ASSIGN_OR_RETURN(g.city, field(it->value, "city", false));
  ASSIGN_OR_RETURN(g.hospital, field(it->value, "hospital", false));
  ASSIGN_OR_RETURN(g.practitioner, field(it->value, "practitioner", false));
  if (g.city.empty() && g.hospital.empty() && g.practitioner.empty())
    return Status::invalidArgument("grantee: name a city, a hospital or a practitioner");
  return Status::ok();
}

[[nodiscard]] Status period(const rapidjson::Value& d, int64_t now_ms, Record& r) {
  ASSIGN_OR_RETURN(std::string from, field(d, "valid_from", false));
  ASSIGN_OR_RETURN(std::string to, field(d, "valid_to", false));
  r.not_before_ms = now_ms;
  if (!from.empty()) {
    auto t = internal::parseTime(from);
    if (!t.isOk()) return Status::invalidArgument("valid_from: " + t.status().message());
    r.not_before_ms = *t;
  }
  if (!to.empty()) {
    auto t = internal::parseTime(to);
    if (!t.isOk()) return Status::invalidArgument("valid_to: " + t.status().message());
    r.not_after_ms = *t;
    if (r.not_after_ms <= r.not_before_ms) return Status::invalidArgument("valid_to: not after valid_from");
  }
  return Status::ok();
}

}  // namespace

StatusOr<Record> parseGrantBody(std::string_view body, int64_t now_ms) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return Status::invalidArgument("body: not a JSON object");
  Record r;
  ASSIGN_OR_RETURN(r.patient_token, field(d, "patient", true));
  if (r.patient_token.empty()) return Status::invalidArgument("patient: missing");
  RETURN_IF_ERROR(grantee(d, r.grantee));
  RETURN_IF_ERROR(list(d, "categories", policy::parseCategory, r.categories));
  RETURN_IF_ERROR(list(d, "purposes", policy::parsePurpose, r.purposes));
  RETURN_IF_ERROR(period(d, now_ms, r));
  ASSIGN_OR_RETURN(r.source, field(d, "source", false));
  r.recorded_ms = now_ms;
  return r;
}

}  // namespace metrogw::consent
