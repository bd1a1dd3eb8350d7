#include "identity/index/request.h"

#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <variant>

namespace metrogw::identity::index {
namespace {

using gateway::http::Problem;

[[nodiscard]] RequestError unprocessable(std::string detail) {
  return {Problem::kUnprocessable, std::move(detail)};
}

constexpr size_t kMaxBodyBytes = size_t{16} * 1024;

// YYYY-MM-DD, a calendar date from 1900-01-01 on.
[[nodiscard]] bool isDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  auto num = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const std::chrono::year_month_day ymd{std::chrono::year(num(0, 4)), std::chrono::month(num(5, 2)),
                                        std::chrono::day(num(8, 2))};
  return ymd.ok() && ymd.year() >= std::chrono::year(1900);
}

[[nodiscard]] const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// Reads a string member; absent → "", present but not a string → error.
[[nodiscard]] bool stringMember(const rapidjson::Value& obj, const char* name, std::string& out) {
  const rapidjson::Value* v = member(obj, name);
  if (v == nullptr) return true;
  if (!v->IsString()) return false;
  out.assign(v->GetString(), v->GetStringLength());
  return true;
}

struct RawIdentifier {
  IdType type = IdType::kResidentId;
  std::string value;
  std::string assigner;
};

[[nodiscard]] std::variant<RawIdentifier, RequestError> readIdentifier(const rapidjson::Value& doc) {
  RawIdentifier raw;
  const rapidjson::Value* ident = member(doc, "identifier");
  const bool has_resident = member(doc, "resident_id") != nullptr;
  if ((ident != nullptr) == has_resident)
    return unprocessable("give exactly one of resident_id and identifier");
  if (has_resident) {
    if (!stringMember(doc, "resident_id", raw.value)) return unprocessable("/resident_id: expected a string");
    return raw;
  }
  if (!ident->IsObject()) return unprocessable("/identifier: expected an object");
  std::string type;
  if (!stringMember(*ident, "type", type) || type.empty())
    return unprocessable("/identifier/type: expected a string");
  const auto t = idTypeFromName(type);
  if (!t) {
    return unprocessable(
        "/identifier/type: unknown type (resident-id, health-card, passport, hk-macau-permit, "
        "taiwan-permit, hospital-local)");
  }
  raw.type = *t;
  if (!stringMember(*ident, "value", raw.value)) return unprocessable("/identifier/value: expected a string");
  if (!stringMember(*ident, "assigner", raw.assigner))
    return unprocessable("/identifier/assigner: expected a string");
  return raw;
}

}  // namespace

std::variant<ParsedResolve, RequestError> parseResolveBody(std::string_view body,
                                                           const config::Identity& settings,
                                                           const std::string& today) {
  if (body.size() > kMaxBodyBytes)
    return unprocessable("body larger than " + std::to_string(kMaxBodyBytes) + " bytes");
  // Iterative parsing: nesting depth cannot exhaust the stack; trailing content is an error.
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError()) return RequestError{Problem::kMalformedRequest, "body is not valid JSON"};
  if (!doc.IsObject()) return unprocessable("body must be a JSON object");
  auto raw = readIdentifier(doc);
  if (auto* e = std::get_if<RequestError>(&raw)) return std::move(*e);
  const RawIdentifier& id = std::get<RawIdentifier>(raw);

  ParsedResolve out;
  if (!stringMember(doc, "name", out.subject.name) || foldName(out.subject.name).empty()) {
    return unprocessable("/name: a non-empty string is required (demographics must agree before linking)");
  }
  if (!stringMember(doc, "birth_date", out.subject.birth_date) || !isDate(out.subject.birth_date)) {
    return unprocessable("/birth_date: required, as YYYY-MM-DD");
  }
  TypedIdOptions options;
  options.assigner = id.assigner;
  options.resident.check = settings.reject_bad_check ? CheckPolicy::kReject : CheckPolicy::kFlag;
  options.resident.today = today;
  auto typed = parseTypedId(id.type, id.value, options);
  if (auto* e = std::get_if<IdError>(&typed)) {
    return RequestError{Problem::kInvalidIdentifier, std::string(idTypeName(id.type)) + " rule '" +
                                                         std::string(ruleName(e->rule)) +
                                                         "' failed: " + e->message};
  }
  out.subject.id = std::move(std::get<TypedId>(typed));
  if (id.type == IdType::kResidentId) {
    auto r = parseResidentId(id.value, options.resident);
    if (const auto* rid = std::get_if<ResidentId>(&r)) {
      out.check_flagged = !rid->check_ok;
      if (rid->birth_date != out.subject.birth_date) {
        return RequestError{Problem::kInvalidIdentifier,
                            "resident-id rule 'birth-date' failed: the birth date in the number differs from "
                            "/birth_date"};
      }
    }
  }
  return out;
}

}  // namespace metrogw::identity::index
