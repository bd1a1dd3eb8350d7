#include "booking/internal/referral.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <initializer_list>

namespace metrogw::booking::internal {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr size_t kMaxId = 64;
constexpr size_t kMaxReason = 1'000;  // bytes (UTF-8)
constexpr size_t kMaxSummary = 8'000;
constexpr size_t kDigitRun = 11;  // a phone number (11) or resident ID number (18)

[[nodiscard]] Status bad(std::string_view field, std::string_view what) {
  return Status::invalidArgument(std::string(field) + ": " + std::string(what));
}

[[nodiscard]] bool isId(std::string_view s) {
  return !s.empty() && s.size() <= kMaxId && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == ':';
  });
}

[[nodiscard]] bool hasDigitRun(std::string_view s) {
  size_t run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= kDigitRun) return true;
  }
  return false;
}

// Keys of `v` outside `allowed`: the first one, or "".
[[nodiscard]] std::string unknownKey(const rapidjson::Value& v,
                                     std::initializer_list<std::string_view> allowed) {
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const std::string_view k(it->name.GetString(), it->name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) return std::string(k);
  }
  return {};
}

[[nodiscard]] Status checkKeys(const rapidjson::Value& v, std::string_view prefix,
                               std::initializer_list<std::string_view> allowed, std::string_view hint = "") {
  const std::string k = unknownKey(v, allowed);
  if (k.empty()) return Status::ok();
  return bad(std::string(prefix) + k, "unknown field" + std::string(hint));
}

// A string member: "" when absent (or null) and not required.
[[nodiscard]] StatusOr<std::string> member(const rapidjson::Value& v, const char* name,
                                           std::string_view field, bool required) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || it->value.IsNull()) {
    if (required) return bad(field, "is required");
    return std::string();
  }
  if (!it->value.IsString()) return bad(field, "must be a string");
  std::string s(it->value.GetString(), it->value.GetStringLength());
  if (required && s.empty()) return bad(field, "is required");
  return s;
}

[[nodiscard]] StatusOr<std::string> idMember(const rapidjson::Value& v, const char* name,
                                             std::string_view field, bool required) {
  ASSIGN_OR_RETURN(std::string s, member(v, name, field, required));
  if (!s.empty() && !isId(s)) return bad(field, "must be an id of 1-64 letters, digits and . - _ :");
  return s;
}

[[nodiscard]] StatusOr<std::string> textMember(const rapidjson::Value& v, const char* name,
                                               std::string_view field, bool required, size_t max) {
  ASSIGN_OR_RETURN(std::string s, member(v, name, field, required));
  if (s.size() > max) return bad(field, "is longer than " + std::to_string(max) + " bytes");
  if (std::any_of(s.begin(), s.end(), [](char c) { return c >= 0 && c < ' ' && c != '\n' && c != '\t'; }))
    return bad(field, "must not contain control characters");
  if (hasDigitRun(s)) return bad(field, "must not contain identifiers (a run of 11 or more digits)");
  return s;
}

[[nodiscard]] StatusOr<std::string> diagnosisMember(const rapidjson::Value& v, std::string_view field,
                                                    bool required) {
  ASSIGN_OR_RETURN(std::string s, member(v, "diagnosis", field, required));
  if (!s.empty() && !isIcd10(s)) return bad(field, "must be an ICD-10 code (e.g. M17.1)");
  return s;
}

[[nodiscard]] Status parseObject(rapidjson::Document& d, std::string_view json, std::string_view what) {
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return bad(what, "must be a JSON object");
  return Status::ok();
}

void put(Writer& w, const char* key, const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

bool isIcd10(std::string_view code) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto alnum = [&](char c) { return upper(c) || digit(c) || (c >= 'a' && c <= 'z'); };
  if (code.size() < 3 || !upper(code[0]) || !digit(code[1]) || !(digit(code[2]) || upper(code[2])))
    return false;
  if (code.size() == 3) return true;
  const std::string_view rest = code.substr(4);
  return code[3] == '.' && !rest.empty() && rest.size() <= 8 && std::all_of(rest.begin(), rest.end(), alnum);
}

StatusOr<std::string> canonicalReferral(std::string_view referral_json, std::string_view caller_city) {
  rapidjson::Document d;
  RETURN_IF_ERROR(parseObject(d, referral_json, "referral"));
  RETURN_IF_ERROR(checkKeys(d, "referral.", {"id", "from", "diagnosis", "reason", "summary"},
                            " (the receiving hospital, department and doctor come from the slot)"));
  ASSIGN_OR_RETURN(std::string id, idMember(d, "id", "referral.id", true));
  const rapidjson::Value& root = d;
  auto from = root.FindMember("from");
  if (from == root.MemberEnd() || from->value.IsNull()) return bad("referral.from", "is required");
  if (!from->value.IsObject()) return bad("referral.from", "must be an object");
  const rapidjson::Value& f = from->value;
  RETURN_IF_ERROR(checkKeys(f, "referral.from.", {"city", "hospital", "practitioner"}));
  ASSIGN_OR_RETURN(std::string city, member(f, "city", "referral.from.city", true));
  if (city.size() != 4 || !std::all_of(city.begin(), city.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad("referral.from.city", "must be a 4-digit city code");
  if (city != caller_city)
    return bad("referral.from.city",
               "must be the referring caller's city (" + std::string(caller_city) + ")");
  ASSIGN_OR_RETURN(std::string hospital, idMember(f, "hospital", "referral.from.hospital", true));
  ASSIGN_OR_RETURN(std::string practitioner, idMember(f, "practitioner", "referral.from.practitioner", true));
  ASSIGN_OR_RETURN(std::string diagnosis, diagnosisMember(d, "referral.diagnosis", true));
  ASSIGN_OR_RETURN(std::string reason, textMember(d, "reason", "referral.reason", false, kMaxReason));
  ASSIGN_OR_RETURN(std::string summary, textMember(d, "summary", "referral.summary", false, kMaxSummary));

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "id", id);
  w.Key("from");
  w.StartObject();
  put(w, "city", city);
  put(w, "hospital", hospital);
  put(w, "practitioner", practitioner);
  w.EndObject();
  put(w, "diagnosis", diagnosis);
  put(w, "reason", reason);
  put(w, "summary", summary);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

StatusOr<StatusChange> parseStatusChange(std::string_view body) {
  rapidjson::Document d;
  RETURN_IF_ERROR(parseObject(d, body, "body"));
  RETURN_IF_ERROR(checkKeys(d, "", {"status", "note"}));
  StatusChange out;
  ASSIGN_OR_RETURN(out.status, member(d, "status", "status", true));
  if (allowedFrom(out.status).empty()) return bad("status", "must be accepted, rejected or completed");
  ASSIGN_OR_RETURN(out.note, textMember(d, "note", "note", false, kMaxReason));
  return out;
}

std::string_view allowedFrom(std::string_view to) {
  struct Transition {
    std::string_view to;
    std::string_view from;
  };
  static constexpr std::array<Transition, 3> kTransitions = {{
      {"accepted", "requested"},
      {"rejected", "requested"},
      {"completed", "accepted"},
  }};
  for (const auto& t : kTransitions) {
    if (t.to == to) return t.from;
  }
  return {};
}

StatusOr<std::string> canonicalReferBack(std::string_view body) {
  rapidjson::Document d;
  RETURN_IF_ERROR(parseObject(d, body, "body"));
  RETURN_IF_ERROR(checkKeys(d, "", {"id", "practitioner", "diagnosis", "summary", "instructions"},
                            " (the back-referral goes to the referral's from)"));
  ASSIGN_OR_RETURN(std::string id, idMember(d, "id", "id", false));
  ASSIGN_OR_RETURN(std::string practitioner, idMember(d, "practitioner", "practitioner", false));
  ASSIGN_OR_RETURN(std::string diagnosis, diagnosisMember(d, "diagnosis", false));
  ASSIGN_OR_RETURN(std::string summary, textMember(d, "summary", "summary", true, kMaxSummary));
  ASSIGN_OR_RETURN(std::string instructions,
                   textMember(d, "instructions", "instructions", true, kMaxSummary));
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "id", id);
  put(w, "practitioner", practitioner);
  put(w, "diagnosis", diagnosis);
  put(w, "summary", summary);
  put(w, "instructions", instructions);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace metrogw::booking::internal
