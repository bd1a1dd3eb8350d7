#include "consent/record.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>

#include "consent/internal/time.h"

namespace metrogw::consent {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void key(Writer& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void str(Writer& w, std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }
void member(Writer& w, std::string_view k, std::string_view v) {
  key(w, k);
  str(w, v);
}

void writeRecord(Writer& w, const Record& r) {
  w.StartObject();
  member(w, "id", r.id);
  member(w, "kind", r.kind == Kind::kGrant ? "grant" : "revocation");
  member(w, "patient", r.patient_token);
  key(w, "grantee");
  w.StartObject();
  member(w, "city", r.grantee.city);
  member(w, "hospital", r.grantee.hospital);
  member(w, "practitioner", r.grantee.practitioner);
  w.EndObject();
  key(w, "categories");
  w.StartArray();
  for (auto c : r.categories) str(w, policy::categoryName(c));
  w.EndArray();
  key(w, "purposes");
  w.StartArray();
  for (auto p : r.purposes) str(w, policy::purposeName(p));
  w.EndArray();
  member(w, "valid_from", internal::formatTime(r.not_before_ms));
  if (r.not_after_ms != policy::kNoEnd) member(w, "valid_to", internal::formatTime(r.not_after_ms));
  member(w, "source", r.source);
  member(w, "recorded", internal::formatTime(r.recorded_ms));
  member(w, "recorded_by", r.recorded_by);
  member(w, "home_city", r.home_city);
  if (r.kind == Kind::kRevocation) member(w, "revokes", r.revokes);
  key(w, "valid_from_ms");
  w.Int64(r.not_before_ms);
  key(w, "valid_to_ms");
  w.Int64(r.not_after_ms);
  key(w, "recorded_ms");
  w.Int64(r.recorded_ms);
  w.EndObject();
}

[[nodiscard]] std::string getString(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}

[[nodiscard]] int64_t getInt(const rapidjson::Value& v, const char* name, int64_t fallback) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : fallback;
}

template <class T, class Parse>
[[nodiscard]] Status getList(const rapidjson::Value& v, const char* name, Parse parse, std::vector<T>& out) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsArray()) return Status::ok();
  for (const auto& e : it->value.GetArray()) {
    if (!e.IsString()) return Status::malformedMessage(std::string(name) + ": not a list of strings");
    auto parsed = parse(std::string_view(e.GetString(), e.GetStringLength()));
    if (!parsed.isOk()) return parsed.status();
    out.push_back(parsed.value());
  }
  return Status::ok();
}

}  // namespace

std::string toJson(const Record& record) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  writeRecord(w, record);
  return {buf.GetString(), buf.GetSize()};
}

namespace {

StatusOr<Record> fromValue(const rapidjson::Value& d) {
  Record r;
  r.id = getString(d, "id");
  r.kind = getString(d, "kind") == "revocation" ? Kind::kRevocation : Kind::kGrant;
  r.patient_token = getString(d, "patient");
  if (auto g = d.FindMember("grantee"); g != d.MemberEnd() && g->value.IsObject()) {
    r.grantee.city = getString(g->value, "city");
    r.grantee.hospital = getString(g->value, "hospital");
    r.grantee.practitioner = getString(g->value, "practitioner");
  }
  RETURN_IF_ERROR(getList(d, "categories", policy::parseCategory, r.categories));
  RETURN_IF_ERROR(getList(d, "purposes", policy::parsePurpose, r.purposes));
  r.not_before_ms = getInt(d, "valid_from_ms", 0);
  r.not_after_ms = getInt(d, "valid_to_ms", policy::kNoEnd);
  r.source = getString(d, "source");
  r.recorded_ms = getInt(d, "recorded_ms", 0);
  r.recorded_by = getString(d, "recorded_by");
  r.home_city = getString(d, "home_city");
  r.revokes = getString(d, "revokes");
  if (r.id.empty() || r.patient_token.empty())
    return Status::malformedMessage("consent record: no id or patient");
  return r;
}

// A record from another node's ledger: a grant or a revocation of `token` held by `ledger_city`.
Status checkPeerRecord(const rapidjson::Value& v, const Record& r, std::string_view token,
                       std::string_view ledger_city) {
  const std::string kind = getString(v, "kind");
  if (kind != "grant" && kind != "revocation") return Status::malformedMessage("consent record: bad kind");
  if (r.patient_token != token) return Status::malformedMessage("consent record: another patient's");
  if (r.home_city != ledger_city || r.id.rfind(std::string(ledger_city) + "-", 0) != 0)
    return Status::malformedMessage("consent record: not held by the ledger of " + std::string(ledger_city));
  if (r.kind == Kind::kRevocation && r.revokes.empty())
    return Status::malformedMessage("consent record: a revocation without the grant it ends");
  if (r.kind == Kind::kGrant && (r.categories.empty() || r.purposes.empty()))
    return Status::malformedMessage("consent record: a grant without categories or purposes");
  return Status::ok();
}

}  // namespace

StatusOr<Record> fromJson(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject())
    return Status::malformedMessage("consent record: not a JSON object");
  return fromValue(d);
}

std::string historyJson(std::string_view token, const std::vector<Record>& history) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  member(w, "patient", token);
  key(w, "consents");
  w.StartArray();
  for (const auto& r : history) writeRecord(w, r);
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

StatusOr<std::vector<Record>> historyFromJson(std::string_view json, std::string_view token,
                                              std::string_view ledger_city) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject())
    return Status::malformedMessage("consent history: not a JSON object");
  const rapidjson::Value& d = doc;
  if (getString(d, "patient") != token) return Status::malformedMessage("consent history: another patient's");
  auto list = d.FindMember("consents");
  if (list == d.MemberEnd() || !list->value.IsArray())
    return Status::malformedMessage("consent history: no consents list");
  std::vector<Record> out;
  for (const auto& v : list->value.GetArray()) {
    if (!v.IsObject()) return Status::malformedMessage("consent history: a record is not an object");
    ASSIGN_OR_RETURN(Record r, fromValue(v));
    RETURN_IF_ERROR(checkPeerRecord(v, r, token, ledger_city));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Record> mergeHistories(const std::vector<std::vector<Record>>& ledgers) {
  std::vector<Record> out;
  std::set<std::string, std::less<>> seen;
  for (const auto& ledger : ledgers) {
    for (const Record& r : ledger) {
      if (seen.insert(r.id).second) out.push_back(r);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Record& a, const Record& b) {
    return a.recorded_ms != b.recorded_ms ? a.recorded_ms < b.recorded_ms : a.id < b.id;
  });
  return out;
}

std::vector<policy::ConsentRecord> effective(const std::vector<Record>& history) {
  std::vector<policy::ConsentRecord> out;
  for (const Record& r : history) {
    if (r.kind != Kind::kGrant) continue;
    policy::ConsentRecord c;
    c.id = r.id;
    c.patient_token = r.patient_token;
    c.grantee = r.grantee;
    c.categories = r.categories;
    c.purposes = r.purposes;
    c.not_before_ms = r.not_before_ms;
    c.not_after_ms = r.not_after_ms;
    c.source = r.source;
    out.push_back(std::move(c));
  }
  for (const Record& r : history) {
    if (r.kind != Kind::kRevocation) continue;
    for (auto& c : out) {
      if (c.id == r.revokes && !c.revoked) {
        c.revoked = true;
        c.revoked_ms = r.recorded_ms;
      }
    }
  }
  return out;
}

const Record* findGrant(const std::vector<Record>& history, std::string_view id, bool& revoked) {
  const Record* grant = nullptr;
  revoked = false;
  for (const Record& r : history) {
    if (r.kind == Kind::kGrant && r.id == id) grant = &r;
    if (r.kind == Kind::kRevocation && r.revokes == id) revoked = true;
  }
  return grant;
}

}  // namespace metrogw::consent
