// Tests for key files: every parse error names its line and never the key; loadFile refuses files
// other users may read or write.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "identity/token.h"

namespace metrogw::identity {
namespace {

constexpr std::string_view kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr std::string_view kShortKey =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e";  // 31 bytes

std::string parseError(std::string_view text) {
  auto keyring = Keyring::parse(text);
  if (keyring.isOk()) {
    ADD_FAILURE() << "accepted: " << text;
    return {};
  }
  EXPECT_EQ(keyring.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = keyring.status().message();
  EXPECT_TRUE(message.starts_with("line ")) << message;
  EXPECT_EQ(message.find("0a0b0c0d"), std::string::npos) << message;  // no key material
  return message;
}

TEST(KeyFileTest, CommentsBlankLinesAndCrLf) {
  auto keyring =
      Keyring::parse("# person-token keys\r\n\r\n   \n  k-1 " + std::string(kKey) + "  \r\n# end\n");
  ASSERT_TRUE(keyring.isOk()) << keyring.status().message();
  EXPECT_EQ(keyring->currentKeyId(), "k-1");
  EXPECT_EQ(keyring->size(), 1U);
}

TEST(KeyFileTest, ErrorsNameTheLine) {
  EXPECT_EQ(parseError(""), "line 1: key file is empty");
  EXPECT_EQ(parseError("# only\n\n# comments\n"), "line 3: no keys (expected \"<key-id> <key>\" lines)");
  EXPECT_EQ(parseError("# keys\nK1 " + std::string(kKey)),
            "line 2: key id must be 1-16 characters of a-z, 0-9 and '-'");
  EXPECT_EQ(parseError(std::string(17, 'k') + " " + std::string(kKey)),
            "line 1: key id must be 1-16 characters of a-z, 0-9 and '-'");
  EXPECT_EQ(parseError("k1 " + std::string(kShortKey)), "line 1: key is 31 bytes; at least 32 are required");
  EXPECT_EQ(parseError("k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg"),
            "line 1: key is 31 bytes; at least 32 are required");
  EXPECT_EQ(parseError("k1 hex:" + std::string(kKey) + "zz"), "line 1: key is not valid hex");
  EXPECT_EQ(parseError("k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8!"),
            "line 1: key is neither hex nor base64");
  EXPECT_EQ(parseError("k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+_"),
            "line 1: key is neither hex nor base64");
  EXPECT_EQ(parseError("k1\n"), "line 1: expected \"<key-id> <key> [sha256|sm3]\"");
  EXPECT_EQ(parseError("k1 " + std::string(kKey) + " sha256 extra"),
            "line 1: too many columns (expected \"<key-id> <key> [sha256|sm3]\")");
  EXPECT_EQ(parseError("k1 " + std::string(kKey) + " md5"), "line 1: third column must be sha256 or sm3");
  EXPECT_EQ(
      parseError("k1 " + std::string(kKey) + "\n\nk2 " + std::string(kKey) + "\nk1 " + std::string(kKey)),
      "line 4: duplicate key id (first defined on line 1)");
  EXPECT_EQ(parseError("k1 " + std::string(2050, 'a')), "line 1: key is longer than 1024 bytes");
}

TEST(KeyFileTest, AtMostSixtyFourKeys) {
  std::string text;
  for (int i = 0; i < 65; ++i) text += "k" + std::to_string(i) + " " + std::string(kKey) + "\n";
  EXPECT_EQ(parseError(text), "line 65: more than 64 keys");
}

class KeyFileLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "identity-keys-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text, mode_t mode) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(KeyFileLoadTest, LoadsAPrivateFile) {
  const std::string path = write("keys", "k2025 " + std::string(kKey) + "\n", 0600);
  auto keyring = Keyring::loadFile(path);
  ASSERT_TRUE(keyring.isOk()) << keyring.status().message();
  EXPECT_EQ(keyring->currentKeyId(), "k2025");
  EXPECT_EQ(keyring->token("x"), Keyring::parse("k2025 " + std::string(kKey))->token("x"));
  EXPECT_TRUE(Keyring::loadFile(write("group", "k1 " + std::string(kKey), 0640)).isOk());  // group may read
}

TEST_F(KeyFileLoadTest, RefusesFilesOtherUsersMayReadOrWrite) {
  const std::string readable = write("readable", "k1 " + std::string(kKey), 0644);
  auto r = Keyring::loadFile(readable);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            readable + ": key file is readable by other users (mode 0644); run chmod o-rwx on it");
  const std::string writable = write("writable", "k1 " + std::string(kKey), 0602);
  auto w = Keyring::loadFile(writable);
  ASSERT_FALSE(w.isOk());
  EXPECT_NE(w.status().message().find("writable by other users (mode 0602)"), std::string::npos);
}

TEST_F(KeyFileLoadTest, ErrorsNameThePathAndLine) {
  auto bad = Keyring::loadFile(write("bad", "# keys\nk1 " + std::string(kShortKey) + "\n", 0600));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(),
            (dir_ / "bad").string() + ": line 2: key is 31 bytes; at least 32 are required");
  auto empty = Keyring::loadFile(write("empty", "", 0600));
  ASSERT_FALSE(empty.isOk());
  EXPECT_EQ(empty.status().message(), (dir_ / "empty").string() + ": line 1: key file is empty");
  auto missing = Keyring::loadFile((dir_ / "missing").string());
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  auto directory = Keyring::loadFile(dir_.string());
  ASSERT_FALSE(directory.isOk());
  EXPECT_NE(directory.status().message().find("not a regular file"), std::string::npos);
  auto big = Keyring::loadFile(write("big", std::string(size_t{70} * 1024, '#'), 0600));
  ASSERT_FALSE(big.isOk());
  EXPECT_NE(big.status().message().find("larger than 64 KiB"), std::string::npos);
}

}  // namespace
}  // namespace metrogw::identity
