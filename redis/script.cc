// Script: Lua text and its SHA-1 (OpenSSL), shared between copies.
#include <openssl/evp.h>

#include <array>

#include "redis/client.h"

namespace metrogw::redis {
namespace {

std::string sha1Hex(const std::string& text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  if (EVP_Digest(text.data(), text.size(), md.data(), &n, EVP_sha1(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<size_t>(n) * 2);
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

}  // namespace

struct Script::Body {
  std::string text;
  std::string sha1;
};

Script::Script(std::string lua) {
  std::string sha = sha1Hex(lua);
  body_ = std::make_shared<const Body>(Body{std::move(lua), std::move(sha)});
}

const std::string& Script::sha1() const { return body_->sha1; }
const std::string& Script::text() const { return body_->text; }

}  // namespace metrogw::redis
