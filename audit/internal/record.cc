#include "audit/internal/record.h"

#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <array>

namespace metrogw::audit::internal {
namespace {

const EVP_MD* digest(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSm3 ? EVP_sm3() : EVP_sha256();
}

void appendField(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":\"";
  appendEscaped(out, value);
  out += '"';
}

std::string stringMember(const rapidjson::Value& doc, const char* key) {
  const auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

Event readEvent(const rapidjson::Value& d) {
  Event e;
  if (d.HasMember("time_ms") && d["time_ms"].IsInt64()) e.time_ms = d["time_ms"].GetInt64();
  e.action = stringMember(d, "action");
  e.caller = stringMember(d, "caller");
  e.caller_city = stringMember(d, "caller_city");
  e.owner_city = stringMember(d, "owner_city");
  e.practitioner = stringMember(d, "practitioner");
  e.patient_token = stringMember(d, "patient_token");
  e.category = stringMember(d, "category");
  e.purpose = stringMember(d, "purpose");
  e.decision = stringMember(d, "decision");
  e.reason = stringMember(d, "reason");
  e.consent_id = stringMember(d, "consent_id");
  e.request_id = stringMember(d, "request_id");
  e.break_glass = d.HasMember("break_glass") && d["break_glass"].IsBool() && d["break_glass"].GetBool();
  e.break_glass_reason = stringMember(d, "break_glass_reason");
  e.resource_id = stringMember(d, "resource_id");
  return e;
}

bool isHex(std::string_view s) {
  if (s.size() != kHashHexSize) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

const std::string& genesisHash() {
  static const std::string kGenesis(kHashHexSize, '0');
  return kGenesis;
}

StatusOr<HashAlgorithm> parseAlgorithm(std::string_view name) {
  if (name == "sm3") return HashAlgorithm::kSm3;
  if (name == "sha256") return HashAlgorithm::kSha256;
  return Status::invalidArgument("audit hash must be sm3 or sha256");
}

std::string_view algorithmName(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSm3 ? "sm3" : "sha256";
}

bool algorithmAvailable(HashAlgorithm algorithm) { return digest(algorithm) != nullptr; }

std::string hexDigest(HashAlgorithm algorithm, std::string_view data) {
  const EVP_MD* md = digest(algorithm);
  std::array<unsigned char, EVP_MAX_MD_SIZE> bytes{};
  unsigned int len = 0;
  if (md == nullptr || EVP_Digest(data.data(), data.size(), bytes.data(), &len, md, nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(size_t{len} * 2, '0');
  for (size_t i = 0; i < len; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return out;
}

void appendEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
}

std::string formatRecord(uint64_t seq, std::string_view node, const Event& e, HashAlgorithm algorithm,
                         std::string_view prev, std::string& hash_out) {
  std::string out;
  out.reserve(512);
  out += "{\"seq\":";
  out += std::to_string(seq);
  out += ",\"time_ms\":";
  out += std::to_string(e.time_ms);
  appendField(out, "node", node);
  appendField(out, "action", e.action);
  appendField(out, "caller", e.caller);
  appendField(out, "caller_city", e.caller_city);
  appendField(out, "owner_city", e.owner_city);
  appendField(out, "practitioner", e.practitioner);
  appendField(out, "patient_token", e.patient_token);
  appendField(out, "category", e.category);
  appendField(out, "purpose", e.purpose);
  appendField(out, "decision", e.decision);
  appendField(out, "reason", e.reason);
  appendField(out, "consent_id", e.consent_id);
  appendField(out, "request_id", e.request_id);
  out += e.break_glass ? ",\"break_glass\":true" : ",\"break_glass\":false";
  appendField(out, "break_glass_reason", e.break_glass_reason);
  appendField(out, "resource_id", e.resource_id);
  appendField(out, "alg", algorithmName(algorithm));
  appendField(out, "prev", prev);
  hash_out = hexDigest(algorithm, out);
  out += kHashKey;
  out += hash_out;
  out += "\"}\n";
  return out;
}

StatusOr<ParsedRecord> parseRecord(std::string_view line, uint64_t* seq_out) {
  rapidjson::Document d;
  d.Parse(line.data(), line.size());
  if (d.HasParseError() || !d.IsObject()) return Status::malformedMessage("not a JSON record");
  if (!d.HasMember("seq") || !d["seq"].IsUint64()) return Status::malformedMessage("no seq");
  ParsedRecord p;
  p.record.seq = d["seq"].GetUint64();
  if (seq_out != nullptr) *seq_out = p.record.seq;
  const auto alg = parseAlgorithm(stringMember(d, "alg"));
  if (!alg.isOk()) return Status::malformedMessage("unknown alg");
  p.algorithm = alg.value();
  p.prev = stringMember(d, "prev");
  p.hash = stringMember(d, "hash");
  if (!isHex(p.prev) || !isHex(p.hash)) return Status::malformedMessage("prev or hash is not 64 hex digits");
  if (line.size() < kHashSuffixSize ||
      line.substr(line.size() - kHashSuffixSize, kHashKey.size()) != kHashKey ||
      line.substr(line.size() - kHashHexSize - 2, kHashHexSize) != p.hash) {
    return Status::malformedMessage("hash is not the last field");
  }
  if (hexDigest(p.algorithm, line.substr(0, line.size() - kHashSuffixSize)) != p.hash) {
    return Status::malformedMessage("hash mismatch");
  }
  p.record.node = stringMember(d, "node");
  p.record.event = readEvent(d);
  return p;
}

}  // namespace metrogw::audit::internal
