// Person tokens: Keyring (key file loading, HMAC tokens), token format, subjects, keyed digests.
#include "identity/token.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "identity/internal/codec.h"
#include "identity/internal/key_file.h"
#include "identity/internal/mac.h"

namespace metrogw::identity {
namespace {

using internal::MacBytes;

constexpr size_t kMaxKeyFileBytes = size_t{64} * 1024;
constexpr size_t kEncodedMacLength = 43;  // base64url of 32 bytes, no padding
constexpr size_t kDigestHexLength = 16;

std::string formatToken(std::string_view key_id, const MacBytes& mac) {
  std::string out;
  out.reserve(key_id.size() + 1 + kEncodedMacLength);
  out.append(key_id).push_back('.');
  out.append(internal::base64UrlEncode(mac));
  return out;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

Status checkKeyFileMode(const std::string& path, const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return Status::invalidArgument(path + ": not a regular file");
  if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::invalidArgument(path + ": key file is " +
                                   ((st.st_mode & S_IROTH) != 0 ? "readable" : "writable") +
                                   " by other users (mode " + mode + "); run chmod o-rwx on it");
  }
  if (static_cast<size_t>(st.st_size) > kMaxKeyFileBytes) {
    return Status::invalidArgument(path + ": key file is larger than 64 KiB");
  }
  return Status::ok();
}

// Reads the whole file into `buffer` (wiped when it goes out of scope); returns the byte count.
StatusOr<size_t> readAll(const std::string& path, int fd, internal::SecretBytes& buffer) {
  size_t used = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data() + used, buffer.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::ioError(path + ": read failed: " + std::strerror(errno));
    if (n == 0) return used;
    used += static_cast<size_t>(n);
    if (used == buffer.size()) return Status::invalidArgument(path + ": key file is larger than 64 KiB");
  }
}

}  // namespace

struct Keyring::Impl {
  struct Key {
    std::string id;
    internal::MacKey mac;
  };
  std::vector<Key> keys;

  [[nodiscard]] const Key* find(std::string_view id) const {
    for (const Key& k : keys) {
      if (k.id == id) return &k;
    }
    return nullptr;
  }
};

StatusOr<Keyring> Keyring::parse(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<internal::KeyLine> lines, internal::parseKeyFile(text));
  auto impl = std::make_shared<Impl>();
  impl->keys.reserve(lines.size());
  for (internal::KeyLine& line : lines) {
    auto mac = internal::MacKey::create(line.algorithm, line.key);
    if (!mac.isOk()) {
      return Status::invalidArgument("line " + std::to_string(line.line) + ": " + mac.status().message());
    }
    impl->keys.push_back(Impl::Key{std::move(line.id), std::move(mac).value()});
  }
  return Keyring(std::move(impl));
}

StatusOr<Keyring> Keyring::loadFile(const std::string& path) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Status::ioError(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Status::ioError(path + ": cannot stat: " + std::strerror(errno));
  RETURN_IF_ERROR(checkKeyFileMode(path, st));
  internal::SecretBytes buffer(kMaxKeyFileBytes);
  ASSIGN_OR_RETURN(const size_t size, readAll(path, fd.get(), buffer));
  auto keyring = parse(std::string_view(reinterpret_cast<const char*>(buffer.data()), size));
  if (!keyring.isOk()) return Status::invalidArgument(path + ": " + keyring.status().message());
  return keyring;
}

std::string Keyring::token(std::string_view subject) const {
  const Impl::Key& current = impl_->keys.front();
  MacBytes mac{};
  if (!current.mac.compute(subject, mac)) return {};
  return formatToken(current.id, mac);
}

std::vector<std::string> Keyring::allTokens(std::string_view subject) const {
  std::vector<std::string> tokens;
  tokens.reserve(impl_->keys.size());
  for (const Impl::Key& key : impl_->keys) {
    MacBytes mac{};
    if (key.mac.compute(subject, mac)) tokens.push_back(formatToken(key.id, mac));
  }
  return tokens;
}

bool Keyring::matches(std::string_view token, std::string_view subject) const {
  auto parts = parseToken(token);
  if (!parts.isOk()) return false;
  const Impl::Key* key = impl_->find(parts->key_id);
  MacBytes mac{};
  if (key == nullptr || !key->mac.compute(subject, mac)) return false;
  return CRYPTO_memcmp(mac.data(), parts->mac.data(), mac.size()) == 0;
}

const std::string& Keyring::currentKeyId() const { return impl_->keys.front().id; }

bool Keyring::knowsKeyId(std::string_view kid) const { return impl_->find(kid) != nullptr; }

size_t Keyring::size() const { return impl_->keys.size(); }

StatusOr<TokenParts> parseToken(std::string_view token) {
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return Status::invalidArgument("token: expected <key-id>.<mac>");
  const std::string_view kid = token.substr(0, dot);
  const std::string_view encoded = token.substr(dot + 1);
  if (!internal::isValidKeyId(kid)) {
    return Status::invalidArgument("token: key id must be 1-16 characters of a-z, 0-9 and '-'");
  }
  if (encoded.size() != kEncodedMacLength || encoded.find_first_of("+/=") != std::string_view::npos ||
      internal::base64DecodedSize(encoded) != internal::kMacSize) {
    return Status::invalidArgument("token: mac must be 43 base64url characters (32 bytes)");
  }
  TokenParts parts{std::string(kid), std::string(internal::kMacSize, '\0')};
  internal::base64Decode(encoded, {reinterpret_cast<uint8_t*>(parts.mac.data()), parts.mac.size()});
  return parts;
}

std::string tokenSubject(const TypedId& id) {
  std::string subject = id.oid;
  subject.push_back('|');
  if (id.type == IdType::kHospitalLocal) subject.append(id.assigner).push_back('|');
  subject.append(id.value);
  return subject;
}

std::string keyedDigest(const Keyring& keyring, std::string_view purpose, std::string_view value) {
  std::string message;
  message.reserve(purpose.size() + 1 + value.size());
  message.append(purpose).push_back('\0');
  message.append(value);
  MacBytes mac{};
  const bool ok = keyring.impl_->keys.front().mac.compute(message, mac);
  OPENSSL_cleanse(message.data(), message.size());  // the value is personal data
  if (!ok) return {};
  return internal::hexEncode(std::span<const uint8_t>(mac.data(), kDigestHexLength / 2));
}

}  // namespace metrogw::identity
