// libFuzzer target for identity/: the first byte selects the parser, the rest is its input.
//   0, 1   parseResidentId (kReject, kFlag)       2..7  parseTypedId(IdType 0..5)
//   8      Keyring::parse                          9     parseToken
// Nothing may crash, leak or hit UB; results must be self-consistent, and no error message may
// carry five consecutive digits of its input (messages never echo the identifiers they reject).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "identity/identifiers.h"
#include "identity/internal/codec.h"
#include "identity/resident_id.h"
#include "identity/token.h"

namespace {

using metrogw::identity::IdError;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

// One line, and no run of five digits of the input appears in it.
void checkMessage(std::string_view message, std::string_view input) {
  require(!message.empty() && message.find('\n') == std::string_view::npos);
  for (size_t i = 0; i + 5 <= input.size(); ++i) {
    const std::string_view run = input.substr(i, 5);
    if (run.find_first_not_of("0123456789") == std::string_view::npos) {
      require(message.find(run) == std::string_view::npos);
    }
  }
}

metrogw::identity::ResidentIdOptions residentOptions(bool flag) {
  metrogw::identity::ResidentIdOptions options;
  options.today = "20250315";
  options.check = flag ? metrogw::identity::CheckPolicy::kFlag : metrogw::identity::CheckPolicy::kReject;
  return options;
}

void fuzzResidentId(std::string_view input, bool flag) {
  using namespace metrogw::identity;
  const auto result = parseResidentId(input, residentOptions(flag));
  if (const auto* e = std::get_if<IdError>(&result)) return checkMessage(e->message, input);
  const auto& id = std::get<ResidentId>(result);
  require(id.normalized.size() == 18 && id.region == id.normalized.substr(0, 6));
  require(id.birth_date.size() == 10 && id.birth_date.substr(0, 4) == id.normalized.substr(6, 4));
  require(id.check_ok == (checkCharacter(id.normalized.substr(0, 17)) == id.normalized.back()));
  require(flag || id.check_ok);
  const auto again = parseResidentId(id.normalized, residentOptions(flag));
  require(std::holds_alternative<ResidentId>(again) &&
          std::get<ResidentId>(again).normalized == id.normalized);
  require(maskResidentId(id.normalized).substr(0, 4) == id.normalized.substr(0, 4));
}

void fuzzTypedId(std::string_view input, int type_index) {
  using namespace metrogw::identity;
  const auto type = static_cast<IdType>(type_index);
  TypedIdOptions options;
  options.assigner = "org-1";
  options.resident = residentOptions(true);
  const auto result = parseTypedId(type, input, options);
  if (const auto* e = std::get_if<IdError>(&result)) return checkMessage(e->message, input);
  const auto& id = std::get<TypedId>(result);
  require(id.type == type && id.oid == oidOf(type) && !id.value.empty());
  require(typeFromOid(id.oid) == type);
  // Normalising is idempotent.
  const auto again = parseTypedId(type, id.value, options);
  require(std::holds_alternative<TypedId>(again) && std::get<TypedId>(again).value == id.value);
  require(tokenSubject(id).starts_with(id.oid + "|"));
}

void fuzzKeyring(std::string_view input) {
  using namespace metrogw::identity;
  const auto keyring = Keyring::parse(input);
  if (!keyring.isOk()) {
    require(keyring.status().message().starts_with("line "));
    return require(keyring.status().message().find('\n') == std::string::npos);
  }
  const std::string token = keyring->token("subject");
  const auto parts = parseToken(token);
  require(parts.isOk() && parts->key_id == keyring->currentKeyId());
  require(keyring->matches(token, "subject") && !keyring->matches(token, "other"));
  require(keyring->allTokens("subject").size() == keyring->size() &&
          keyring->allTokens("subject")[0] == token);
  require(keyedDigest(keyring.value(), "name", "value").size() == 16);
}

void fuzzToken(std::string_view input) {
  using namespace metrogw::identity;
  const auto parts = parseToken(input);
  if (!parts.isOk()) return checkMessage(parts.status().message(), input);
  require(parts->mac.size() == 32);
  const std::string encoded = metrogw::identity::internal::base64UrlEncode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(parts->mac.data()), parts->mac.size()));
  require(parts->key_id + "." + encoded == input);
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 10) {
    case 0: fuzzResidentId(input, false); break;
    case 1: fuzzResidentId(input, true); break;
    case 8: fuzzKeyring(input); break;
    case 9: fuzzToken(input); break;
    default: fuzzTypedId(input, data[0] % 10 - 2); break;
  }
  return 0;
}
