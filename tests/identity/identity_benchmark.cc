// Identity hot paths, per call: resident-ID parsing (fixed and system reference date), typed-ID
// parsing, person tokens (HMAC-SHA256 and HMAC-SM3), all tokens of a two-key ring, token parsing,
// keyed digests. Reference in the same run: OpenSSL's one-shot HMAC() of the same subject, which
// fetches the digest and sets the key on every call; Keyring::token keeps a keyed context per key and
// should be well below it.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "identity/identifiers.h"
#include "identity/resident_id.h"
#include "identity/token.h"
#include "tests/identity/test_util.h"

namespace metrogw::identity {
namespace {

constexpr std::string_view kKeyA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr std::string_view kKeyB = "c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ff";
const std::string kSubject = "2.16.156.10011.1.3|32010219880715107X";

Keyring ring(const std::string& text) { return std::move(Keyring::parse(text)).value(); }

void BM_ParseResidentIdFixedToday(benchmark::State& state) {
  ResidentIdOptions options;
  options.today = std::string(testing::kToday);
  for (auto _ : state) benchmark::DoNotOptimize(parseResidentId("32010219880715107X", options));
}
BENCHMARK(BM_ParseResidentIdFixedToday);

void BM_ParseResidentIdSystemToday(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parseResidentId("32010219880715107X"));
}
BENCHMARK(BM_ParseResidentIdSystemToday);

void BM_ParseResidentIdLegacy15(benchmark::State& state) {
  ResidentIdOptions options;
  options.today = std::string(testing::kToday);
  for (auto _ : state) benchmark::DoNotOptimize(parseResidentId("342622710923582", options));
}
BENCHMARK(BM_ParseResidentIdLegacy15);

void BM_ParseTypedIdHkMacau(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parseTypedId(IdType::kHkMacauPermit, "H1234567801"));
}
BENCHMARK(BM_ParseTypedIdHkMacau);

void BM_HmacOneShotReference(benchmark::State& state) {
  const std::string key(32, '\x5a');
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                  reinterpret_cast<const unsigned char*>(kSubject.data()), kSubject.size(),
                                  mac, &len));
  }
}
BENCHMARK(BM_HmacOneShotReference);

void BM_TokenSha256(benchmark::State& state) {
  const Keyring keyring = ring("k1 " + std::string(kKeyA));
  for (auto _ : state) benchmark::DoNotOptimize(keyring.token(kSubject));
}
BENCHMARK(BM_TokenSha256);

void BM_TokenSm3(benchmark::State& state) {
  auto keyring = Keyring::parse("k1 " + std::string(kKeyA) + " sm3");
  if (!keyring.isOk()) {
    state.SkipWithError("no SM3 in this OpenSSL");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(keyring->token(kSubject));
}
BENCHMARK(BM_TokenSm3);

void BM_AllTokensTwoKeys(benchmark::State& state) {
  const Keyring keyring = ring("k2 " + std::string(kKeyB) + "\nk1 " + std::string(kKeyA));
  for (auto _ : state) benchmark::DoNotOptimize(keyring.allTokens(kSubject));
}
BENCHMARK(BM_AllTokensTwoKeys);

void BM_ParseToken(benchmark::State& state) {
  const std::string token = ring("k1 " + std::string(kKeyA)).token(kSubject);
  for (auto _ : state) benchmark::DoNotOptimize(parseToken(token));
}
BENCHMARK(BM_ParseToken);

void BM_KeyedDigest(benchmark::State& state) {
  const Keyring keyring = ring("k1 " + std::string(kKeyA));
  for (auto _ : state) benchmark::DoNotOptimize(keyedDigest(keyring, "phone", "13912345678"));
}
BENCHMARK(BM_KeyedDigest);

}  // namespace
}  // namespace metrogw::identity

BENCHMARK_MAIN();
