// Tests for person tokens: HMAC against RFC 4231, token format, subjects, rotation, keyed digests,
// HMAC-SM3 keys.
#include "identity/token.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <thread>

#include "identity/internal/codec.h"
#include "identity/internal/mac.h"

namespace metrogw::identity {
namespace {

// RFC 4231 test cases 6 and 7: a 131-byte key of 0xaa (the cases with keys of at least 32 bytes).
const std::string kRfcKey = "hex:" + [] {
  std::string hex;
  for (int i = 0; i < 131; ++i) hex += "aa";
  return hex;
}();
constexpr std::string_view kRfcData6 = "Test Using Larger Than Block-Size Key - Hash Key First";
constexpr std::string_view kRfcMac6 = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
constexpr std::string_view kRfcData7 =
    "This is a test using a larger than block-size key and a larger than block-size data. The key needs to "
    "be "
    "hashed before being used by the HMAC algorithm.";
constexpr std::string_view kRfcMac7 = "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2";

constexpr std::string_view kKeyA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr std::string_view kKeyB = "c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ff";

Keyring mustParse(std::string_view text) {
  auto keyring = Keyring::parse(text);
  EXPECT_TRUE(keyring.isOk()) << keyring.status().message();
  return std::move(keyring).value();
}

std::string macHex(const std::string& token) {
  auto parts = parseToken(token);
  EXPECT_TRUE(parts.isOk()) << parts.status().message();
  if (!parts.isOk()) return {};
  return internal::hexEncode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(parts->mac.data()), parts->mac.size()));
}

TEST(TokenTest, HmacSha256MatchesRfc4231) {
  const Keyring keyring = mustParse("rfc " + kRfcKey + "\n");
  EXPECT_EQ(macHex(keyring.token(kRfcData6)), kRfcMac6);
  EXPECT_EQ(macHex(keyring.token(kRfcData7)), kRfcMac7);
}

TEST(TokenTest, FormatIsKeyIdDotBase64UrlAndRoundTrips) {
  const Keyring keyring = mustParse("k2025a " + std::string(kKeyA) + "\n");
  const std::string token = keyring.token("2.16.156.10011.1.3|32010219880715107X");
  ASSERT_EQ(token.size(), std::string("k2025a.").size() + 43);
  EXPECT_TRUE(token.starts_with("k2025a."));
  EXPECT_EQ(token.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
            std::string::npos);
  auto parts = parseToken(token);
  ASSERT_TRUE(parts.isOk());
  EXPECT_EQ(parts->key_id, "k2025a");
  ASSERT_EQ(parts->mac.size(), 32U);
  const std::string reencoded =
      "k2025a." + internal::base64UrlEncode(std::span<const uint8_t>(
                      reinterpret_cast<const uint8_t*>(parts->mac.data()), parts->mac.size()));
  EXPECT_EQ(reencoded, token);
  EXPECT_EQ(keyring.token("2.16.156.10011.1.3|32010219880715107X"), token);  // deterministic
  EXPECT_NE(keyring.token("2.16.156.10011.1.3|32010219880715108X"), token);
}

TEST(TokenTest, ParseTokenRejectsBadFormats) {
  const std::string mac(43, 'A');
  EXPECT_TRUE(parseToken("k1." + mac).isOk());
  for (const std::string& bad :
       {std::string("k1") + mac, "K1." + mac, "." + mac, "k1_x." + mac, std::string(17, 'k') + "." + mac,
        "k1." + mac.substr(1), "k1." + mac + "A", "k1." + mac.substr(1) + "=", "k1." + mac.substr(1) + "+",
        "k1." + mac.substr(1) + "B" /* non-zero unused bits */, "k1." + mac.substr(1) + "."}) {
    auto parts = parseToken(bad);
    EXPECT_FALSE(parts.isOk()) << bad;
    EXPECT_EQ(parts.status().message().find(mac.substr(0, 8)), std::string::npos);
  }
}

TEST(TokenTest, SubjectsKeepIdentifierKindsApart) {
  const TypedId card{IdType::kHealthCard, "2.16.156.10011.1.19", "12345678", ""};
  const TypedId taiwan{IdType::kTaiwanPermit, "urn:metrogw:id:taiwan-permit", "12345678", ""};
  const TypedId local{IdType::kHospitalLocal, "urn:metrogw:id:hospital-local", "12345678", "gulou"};
  EXPECT_EQ(tokenSubject(card), "2.16.156.10011.1.19|12345678");
  EXPECT_EQ(tokenSubject(taiwan), "urn:metrogw:id:taiwan-permit|12345678");
  EXPECT_EQ(tokenSubject(local), "urn:metrogw:id:hospital-local|gulou|12345678");
  const Keyring keyring = mustParse("k1 " + std::string(kKeyA));
  EXPECT_NE(keyring.token(tokenSubject(card)), keyring.token(tokenSubject(taiwan)));
}

TEST(TokenTest, RotationKeepsOldTokensFindable) {
  const std::string subject = "2.16.156.10011.1.3|342622197109235827";
  const Keyring before = mustParse("k2024 " + std::string(kKeyA) + "\n");
  const std::string old_token = before.token(subject);

  const Keyring after =
      mustParse("# rotated\nk2025 " + std::string(kKeyB) + "\nk2024 " + std::string(kKeyA) + "\n");
  EXPECT_EQ(after.currentKeyId(), "k2025");
  EXPECT_EQ(after.size(), 2U);
  const std::string new_token = after.token(subject);
  EXPECT_TRUE(new_token.starts_with("k2025."));
  EXPECT_NE(new_token, old_token);
  const std::vector<std::string> all = after.allTokens(subject);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0], new_token);
  EXPECT_EQ(all[1], old_token);
  EXPECT_TRUE(after.knowsKeyId("k2024"));
  EXPECT_FALSE(after.knowsKeyId("k2023"));
  EXPECT_FALSE(before.knowsKeyId("k2025"));

  EXPECT_TRUE(after.matches(old_token, subject));
  EXPECT_TRUE(after.matches(new_token, subject));
  EXPECT_FALSE(after.matches(old_token, subject + "0"));
  EXPECT_FALSE(before.matches(new_token, subject));  // unknown key id
  std::string tampered = old_token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(after.matches(tampered, subject));
  EXPECT_FALSE(after.matches("not a token", subject));
}

TEST(TokenTest, CopiesShareKeys) {
  const Keyring keyring = mustParse("k1 " + std::string(kKeyA));
  const Keyring copy = keyring;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.token("x"), keyring.token("x"));
  EXPECT_EQ(copy.currentKeyId(), "k1");
}

TEST(TokenTest, ConcurrentCallersAgree) {
  const Keyring keyring = mustParse("k2 " + std::string(kKeyB) + "\nk1 " + std::string(kKeyA));
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) expected.push_back(keyring.allTokens("subject-" + std::to_string(i))[1]);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        for (int i = 0; i < 50; ++i) {
          const std::string subject = "subject-" + std::to_string(i);
          if (keyring.allTokens(subject)[1] != expected[i] || !keyring.matches(expected[i], subject))
            ++mismatches;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(TokenTest, EncodingsOfTheSameKeyGiveTheSameTokens) {
  // kKeyA as hex, standard base64 with padding, URL-safe base64 without, and with explicit prefixes.
  const Keyring hex = mustParse("k1 " + std::string(kKeyA));
  const Keyring b64 = mustParse("k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  const Keyring b64url = mustParse("k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  const Keyring prefixed = mustParse("k1 base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  const Keyring hex_prefixed = mustParse("k1 hex:" + std::string(kKeyA) + " sha256");
  const std::string token = hex.token("subject");
  EXPECT_EQ(b64.token("subject"), token);
  EXPECT_EQ(b64url.token("subject"), token);
  EXPECT_EQ(prefixed.token("subject"), token);
  EXPECT_EQ(hex_prefixed.token("subject"), token);
}

TEST(KeyedDigestTest, SixteenHexCharactersPerPurpose) {
  const Keyring keyring = mustParse("k1 " + std::string(kKeyA));
  const std::string name = keyedDigest(keyring, "name", "刘永好");
  ASSERT_EQ(name.size(), 16U);
  EXPECT_EQ(name.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(keyedDigest(keyring, "name", "刘永好"), name);
  EXPECT_NE(keyedDigest(keyring, "phone", "刘永好"), name);
  EXPECT_NE(keyedDigest(keyring, "name", "贾晓明"), name);
  // purpose || 0x00 || value: moving bytes between purpose and value changes the digest.
  EXPECT_NE(keyedDigest(keyring, "ab", "c"), keyedDigest(keyring, "a", "bc"));
  // The digest is the first 8 bytes of the MAC, so it is a prefix of the token's MAC.
  const std::string message = std::string("name") + '\0' + "刘永好";
  EXPECT_TRUE(macHex(keyring.token(message)).starts_with(name));
  const Keyring rotated = mustParse("k2 " + std::string(kKeyB) + "\nk1 " + std::string(kKeyA));
  EXPECT_NE(keyedDigest(rotated, "name", "刘永好"), name);
}

TEST(TokenTest, HmacSm3KeysWhereOpenSslHasSm3) {
  if (!internal::macAvailable(internal::MacAlgorithm::kHmacSm3)) GTEST_SKIP() << "no SM3 in this OpenSSL";
  const Keyring sm3 = mustParse("s1 " + std::string(kKeyA) + " sm3");
  const Keyring sha = mustParse("s1 " + std::string(kKeyA));
  const std::string subject = "2.16.156.10011.1.3|32010219880715107X";
  EXPECT_NE(sm3.token(subject), sha.token(subject));
  // Against OpenSSL's one-shot HMAC with EVP_sm3().
  std::string key;
  for (size_t i = 0; i < kKeyA.size(); i += 2)
    key.push_back(static_cast<char>(std::stoi(std::string(kKeyA.substr(i, 2)), nullptr, 16)));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ASSERT_NE(HMAC(EVP_sm3(), key.data(), static_cast<int>(key.size()),
                 reinterpret_cast<const unsigned char*>(subject.data()), subject.size(), mac, &len),
            nullptr);
  ASSERT_EQ(len, 32U);
  EXPECT_EQ(macHex(sm3.token(subject)), internal::hexEncode(std::span<const uint8_t>(mac, len)));
}

}  // namespace
}  // namespace metrogw::identity
