// Typed person identifiers: systems, names, document-type codes and format checks (see identifiers.h).
#include "identity/identifiers.h"

#include <array>

#include "identity/internal/text.h"

namespace metrogw::identity {
namespace {

using internal::isDigit;

struct TypeInfo {
  IdType type;
  std::string_view name;
  std::string_view oid;
  std::string_view document_code;
};

constexpr std::array kTypes = {
    TypeInfo{IdType::kResidentId, "resident-id", "2.16.156.10011.1.3", "01"},
    TypeInfo{IdType::kHealthCard, "health-card", "2.16.156.10011.1.19", ""},
    TypeInfo{IdType::kPassport, "passport", "urn:metrogw:id:passport", "03"},
    TypeInfo{IdType::kHkMacauPermit, "hk-macau-permit", "urn:metrogw:id:hk-macau-permit", "06"},
    TypeInfo{IdType::kTaiwanPermit, "taiwan-permit", "urn:metrogw:id:taiwan-permit", "07"},
    TypeInfo{IdType::kHospitalLocal, "hospital-local", "urn:metrogw:id:hospital-local", ""},
};

constexpr bool typesIndexedByValue() {
  for (size_t i = 0; i < kTypes.size(); ++i) {
    if (static_cast<size_t>(kTypes[i].type) != i) return false;
  }
  return true;
}
static_assert(typesIndexedByValue(), "kTypes[i] must describe IdType value i");

constexpr std::string_view kUrnOidPrefix = "urn:oid:";
constexpr size_t kMaxHealthCard = 32;
constexpr size_t kMinPassport = 5;
constexpr size_t kMaxPassport = 20;
constexpr size_t kMaxLocal = 64;
constexpr size_t kLifelongDigits = 8;

const TypeInfo& info(IdType type) { return kTypes[static_cast<size_t>(type)]; }

IdError error(IdRule rule, std::string message) { return IdError{rule, std::move(message)}; }

std::string positionOf(size_t index) { return "position " + std::to_string(index + 1); }

IdError lengthError(std::string_view expected, size_t got) {
  return error(IdRule::kLength, "position 1: expected " + std::string(expected) + ", got " +
                                    std::to_string(got) + " characters");
}

TypedId made(IdType type, std::string value, std::string assigner = {}) {
  return TypedId{type, std::string(oidOf(type)), std::move(value), std::move(assigner)};
}

// 1..max characters of ASCII letters and digits, upper-cased.
std::variant<TypedId, IdError> alnumId(IdType type, std::string_view id, size_t min, size_t max) {
  if (id.size() < min || id.size() > max) {
    return lengthError(std::to_string(min) + "-" + std::to_string(max) + " letters or digits", id.size());
  }
  const size_t bad = internal::findFirstNot(id, internal::isAlnum);
  if (bad != std::string_view::npos)
    return error(IdRule::kCharacters, positionOf(bad) + ": expected a letter or digit");
  return made(type, internal::upperAscii(id));
}

std::variant<TypedId, IdError> hkMacauPermit(std::string_view id) {
  if (id.size() != 1 + kLifelongDigits && id.size() != 3 + kLifelongDigits) {
    return lengthError("H or M and 8 or 10 digits", id.size());
  }
  const char first = internal::toUpper(id[0]);
  if (first != 'H' && first != 'M') return error(IdRule::kCharacters, "position 1: expected H or M");
  const size_t bad = internal::findFirstNot(id.substr(1), isDigit);
  if (bad != std::string_view::npos)
    return error(IdRule::kCharacters, positionOf(bad + 1) + ": expected a digit");
  return made(IdType::kHkMacauPermit, first + std::string(id.substr(1, kLifelongDigits)));
}

// The length of the optional issuing-office suffix after 10 digits: "(B)", "(8)" or "B"; 0 if none.
std::optional<size_t> taiwanSuffix(std::string_view suffix) {
  if (suffix.empty()) return 0;
  if (suffix.size() == 1 && internal::isAlnum(suffix[0]) && !isDigit(suffix[0])) return 1;
  if (suffix.size() == 3 && suffix[0] == '(' && internal::isAlnum(suffix[1]) && suffix[2] == ')') return 3;
  return std::nullopt;
}

std::variant<TypedId, IdError> taiwanPermit(std::string_view id) {
  const size_t digits = internal::findFirstNot(id, isDigit);
  const size_t digit_count = digits == std::string_view::npos ? id.size() : digits;
  if (digit_count != kLifelongDigits && digit_count != kLifelongDigits + 2) {
    if (digit_count < id.size() && digit_count < kLifelongDigits) {
      return error(IdRule::kCharacters, positionOf(digit_count) + ": expected a digit");
    }
    return lengthError("8 or 10 digits", id.size());
  }
  const std::string_view suffix = id.substr(digit_count);
  if (digit_count == kLifelongDigits && !suffix.empty()) {
    return error(IdRule::kCharacters, positionOf(digit_count) + ": unexpected character after 8 digits");
  }
  if (!taiwanSuffix(suffix)) {
    return error(IdRule::kCharacters, positionOf(digit_count) + ": expected \"(<office code>)\" or a letter");
  }
  return made(IdType::kTaiwanPermit, std::string(id.substr(0, kLifelongDigits)));
}

std::optional<IdError> checkPrintable(std::string_view s, std::string_view what, IdRule length_rule) {
  if (s.empty() || s.size() > kMaxLocal) {
    return error(length_rule,
                 std::string(what) + ": expected 1-64 characters, got " + std::to_string(s.size()));
  }
  const size_t bad = internal::findFirstNot(s, internal::isPrintableAscii);
  if (bad != std::string_view::npos) {
    return error(length_rule == IdRule::kAssigner ? IdRule::kAssigner : IdRule::kCharacters,
                 std::string(what) + " " + positionOf(bad) + ": expected printable ASCII");
  }
  return std::nullopt;
}

std::variant<TypedId, IdError> hospitalLocal(std::string_view id, std::string_view assigner_text) {
  const std::string_view assigner = internal::trimSpaces(assigner_text);
  if (auto e = checkPrintable(assigner, "assigner", IdRule::kAssigner)) return *std::move(e);
  if (const size_t bar = assigner.find('|'); bar != std::string_view::npos) {
    return error(IdRule::kAssigner, "assigner " + positionOf(bar) + ": '|' is not allowed");
  }
  if (auto e = checkPrintable(id, "value", IdRule::kLength)) return *std::move(e);
  return made(IdType::kHospitalLocal, std::string(id), std::string(assigner));
}

std::variant<TypedId, IdError> residentId(std::string_view text, const ResidentIdOptions& options) {
  auto parsed = parseResidentId(text, options);
  if (auto* e = std::get_if<IdError>(&parsed)) return std::move(*e);
  return made(IdType::kResidentId, std::move(std::get<ResidentId>(parsed).normalized));
}

}  // namespace

std::string_view oidOf(IdType type) { return info(type).oid; }

std::optional<IdType> typeFromOid(std::string_view oid) {
  if (oid.starts_with(kUrnOidPrefix)) {
    oid.remove_prefix(kUrnOidPrefix.size());
    if (oid.starts_with("urn:")) return std::nullopt;
  }
  for (const TypeInfo& t : kTypes) {
    if (t.oid == oid) return t.type;
  }
  return std::nullopt;
}

std::string systemUri(IdType type) {
  const std::string_view oid = oidOf(type);
  return oid.starts_with("urn:") ? std::string(oid) : std::string(kUrnOidPrefix) + std::string(oid);
}

std::string_view idTypeName(IdType type) { return info(type).name; }

std::optional<IdType> idTypeFromName(std::string_view name) {
  for (const TypeInfo& t : kTypes) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

std::string_view documentTypeCode(IdType type) { return info(type).document_code; }

std::optional<IdType> typeFromDocumentTypeCode(std::string_view code) {
  for (const TypeInfo& t : kTypes) {
    if (!t.document_code.empty() && t.document_code == code) return t.type;
  }
  return std::nullopt;
}

std::variant<TypedId, IdError> parseTypedId(IdType type, std::string_view text,
                                            const TypedIdOptions& options) {
  const std::string_view id = internal::trimSpaces(text);
  switch (type) {
    case IdType::kResidentId: return residentId(id, options.resident);
    case IdType::kHealthCard: return alnumId(type, id, 1, kMaxHealthCard);
    case IdType::kPassport: return alnumId(type, id, kMinPassport, kMaxPassport);
    case IdType::kHkMacauPermit: return hkMacauPermit(id);
    case IdType::kTaiwanPermit: return taiwanPermit(id);
    case IdType::kHospitalLocal: return hospitalLocal(id, options.assigner);
  }
  return error(IdRule::kCharacters, "position 1: unknown identifier type");
}

}  // namespace metrogw::identity
