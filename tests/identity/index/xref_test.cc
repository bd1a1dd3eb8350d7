// Tests for the cached cross-reference: FlatBuffers round trip, what decode refuses (garbage,
// truncation, missing identifier, size cap), the API's JSON and "known nowhere".
#include "identity/index/xref.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>
#include <string>

namespace metrogw::identity::index {
namespace {

constexpr int64_t kConfirmed = 1742027405;  // 2025-03-15T08:30:05Z
constexpr int64_t kResolved = 1735689599;   // 2024-12-31T23:59:59Z

void addLink(CrossRef& ref, std::string city, std::string patient_id, int64_t confirmed) {
  auto link = std::make_unique<xref::LinkT>();
  link->city = std::move(city);
  link->patient_id = std::move(patient_id);
  link->confirmed_unix = confirmed;
  ref.links.push_back(std::move(link));
}

void addConflict(CrossRef& ref, std::string city, std::string patient_id, std::string reason) {
  auto conflict = std::make_unique<xref::ConflictT>();
  conflict->city = std::move(city);
  conflict->patient_id = std::move(patient_id);
  conflict->reason = std::move(reason);
  ref.conflicts.push_back(std::move(conflict));
}

void addMissing(CrossRef& ref, std::string city, std::string reason) {
  auto missing = std::make_unique<xref::MissingT>();
  missing->city = std::move(city);
  missing->reason = std::move(reason);
  ref.incomplete.push_back(std::move(missing));
}

// Linked in Nanjing and Wuhu, a conflicting record in Ma'anshan, Chuzhou did not answer.
CrossRef sampleRef() {
  CrossRef ref;
  addLink(ref, "3201", "NJ-000123", kConfirmed);
  addLink(ref, "3402", "WH88812", kConfirmed - 60);
  addConflict(ref, "3405", "MAS-77", "birth date differs");
  addMissing(ref, "3411", "timeout");
  ref.resolved_unix = kResolved;
  ref.demographics = "0123456789abcdef";
  return ref;
}

CrossRef decodeOk(std::string_view bytes) {
  auto decoded = decode(bytes);
  if (!decoded.isOk()) {
    ADD_FAILURE() << decoded.status().message();
    return {};
  }
  return std::move(decoded.value());
}

void expectRejected(std::string_view bytes, std::string_view what) {
  auto decoded = decode(bytes);
  ASSERT_FALSE(decoded.isOk()) << what;
  EXPECT_EQ(decoded.status().code(), StatusCode::kMalformedMessage) << what;
}

TEST(XrefTest, RoundTripKeepsEveryField) {
  const CrossRef ref = sampleRef();
  const std::string bytes = encode(ref);
  ASSERT_GE(bytes.size(), 8U);
  EXPECT_EQ(bytes.substr(4, 4), "MGX1");

  const CrossRef back = decodeOk(bytes);
  ASSERT_EQ(back.links.size(), 2U);
  EXPECT_EQ(back.links[0]->city, "3201");
  EXPECT_EQ(back.links[0]->patient_id, "NJ-000123");
  EXPECT_EQ(back.links[0]->confirmed_unix, kConfirmed);
  EXPECT_EQ(back.links[1]->city, "3402");
  EXPECT_EQ(back.links[1]->patient_id, "WH88812");
  EXPECT_EQ(back.links[1]->confirmed_unix, kConfirmed - 60);
  ASSERT_EQ(back.conflicts.size(), 1U);
  EXPECT_EQ(back.conflicts[0]->city, "3405");
  EXPECT_EQ(back.conflicts[0]->patient_id, "MAS-77");
  EXPECT_EQ(back.conflicts[0]->reason, "birth date differs");
  ASSERT_EQ(back.incomplete.size(), 1U);
  EXPECT_EQ(back.incomplete[0]->city, "3411");
  EXPECT_EQ(back.incomplete[0]->reason, "timeout");
  EXPECT_EQ(back.resolved_unix, kResolved);
  EXPECT_EQ(back.demographics, "0123456789abcdef");
  EXPECT_TRUE(back == ref);  // --gen-compare: every field, including ones added later
}

TEST(XrefTest, RoundTripOfAnEmptyCrossReference) {
  CrossRef ref;
  ref.resolved_unix = kResolved;
  const CrossRef back = decodeOk(encode(ref));
  EXPECT_TRUE(back.links.empty());
  EXPECT_TRUE(back.conflicts.empty());
  EXPECT_TRUE(back.incomplete.empty());
  EXPECT_EQ(back.resolved_unix, kResolved);
  EXPECT_TRUE(back.demographics.empty());
}

TEST(XrefTest, DecodesFromAnUnalignedView) {
  // Redis replies land anywhere in a buffer: decode must not need 8-byte alignment.
  const std::string bytes = encode(sampleRef());
  for (size_t shift = 1; shift < 8; ++shift) {
    const std::string padded = std::string(shift, '\0') + bytes;
    const CrossRef back = decodeOk(std::string_view(padded).substr(shift));
    ASSERT_EQ(back.links.size(), 2U) << "shift " << shift;
    EXPECT_EQ(back.links[1]->patient_id, "WH88812") << "shift " << shift;
  }
}

TEST(XrefTest, RejectsGarbage) {
  expectRejected("", "empty");
  expectRejected("MGX1", "shorter than a header");
  expectRejected("hello, this is not a flatbuffer", "text");
  expectRejected(std::string(64, '\xff'), "0xff bytes");
  // The right identifier, but the root offset points far outside the buffer.
  std::string bad("\xff\xff\x00\x00MGX1", 8);
  bad.append(32, '\x01');
  expectRejected(bad, "identifier with a wild root offset");
}

TEST(XrefTest, RejectsTruncatedBuffers) {
  const CrossRef ref = sampleRef();
  const std::string bytes = encode(ref);
  // FlatBuffers builds back to front, so the buffer ends with the alignment padding of the first
  // string written: cutting only that padding (at most 7 bytes) loses no data and may still verify.
  // Every other truncation must be refused, and none may decode into something else.
  constexpr size_t kMaxTrailingPadding = 7;
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::string what = "truncated to " + std::to_string(n) + " of " + std::to_string(bytes.size());
    if (n + kMaxTrailingPadding < bytes.size()) {
      expectRejected(std::string_view(bytes).substr(0, n), what);
    } else if (auto decoded = decode(std::string_view(bytes).substr(0, n)); decoded.isOk()) {
      EXPECT_TRUE(*decoded == ref) << what;
    }
  }
}

TEST(XrefTest, RejectsABufferWithoutTheIdentifier) {
  std::string bytes = encode(sampleRef());
  bytes.replace(4, 4, "MGW1");  // the envelope's identifier, not the cross-reference's
  expectRejected(bytes, "other identifier");

  // A buffer finished without any identifier.
  flatbuffers::FlatBufferBuilder fbb;
  const CrossRef ref = sampleRef();
  fbb.Finish(xref::CrossReference::Pack(fbb, &ref));
  expectRejected(std::string_view(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()),
                 "no identifier");
}

TEST(XrefTest, RejectsAnOversizedValue) {
  constexpr size_t kCap = size_t{1} << 20;
  std::string bytes = encode(sampleRef());
  ASSERT_LT(bytes.size(), kCap);
  bytes.resize(kCap, '\0');  // a valid buffer with trailing bytes, exactly at the cap
  EXPECT_EQ(decodeOk(bytes).links.size(), 2U);
  bytes.push_back('\0');
  expectRejected(bytes, "one byte over the cap");

  CrossRef huge = sampleRef();
  huge.links[0]->patient_id.assign(kCap, 'p');
  expectRejected(encode(huge), "a valid but oversized cross-reference");
}

// ---- toJson ----------------------------------------------------------------------------------

bool isRfc3339Utc(const std::string& s) {
  static const std::regex kTime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  return std::regex_match(s, kTime);
}

rapidjson::Document parseJson(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  EXPECT_FALSE(doc.HasParseError()) << json;
  EXPECT_TRUE(doc.IsObject()) << json;
  return doc;
}

std::string str(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject() || !obj.HasMember(name) || !obj[name].IsString()) {
    ADD_FAILURE() << "no string member " << name;
    return "";
  }
  return {obj[name].GetString(), obj[name].GetStringLength()};
}

TEST(XrefJsonTest, HasTheDocumentedMembers) {
  const std::string token = "k2025a.Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE";
  const rapidjson::Document doc = parseJson(toJson(token, sampleRef(), Source::kDiscovery));
  if (HasFailure()) return;
  EXPECT_EQ(doc.MemberCount(), 6U);
  EXPECT_EQ(str(doc, "token"), token);
  EXPECT_EQ(str(doc, "resolved"), "2024-12-31T23:59:59Z");
  EXPECT_EQ(str(doc, "source"), "discovery");

  ASSERT_TRUE(doc.HasMember("cities") && doc["cities"].IsArray());
  const auto& cities = doc["cities"];
  ASSERT_EQ(cities.Size(), 2U);
  EXPECT_EQ(str(cities[0], "city"), "3201");
  EXPECT_EQ(str(cities[0], "patient_id"), "NJ-000123");
  EXPECT_EQ(str(cities[0], "confirmed"), "2025-03-15T08:30:05Z");
  EXPECT_EQ(str(cities[1], "city"), "3402");
  EXPECT_EQ(str(cities[1], "confirmed"), "2025-03-15T08:29:05Z");
  for (const auto& c : cities.GetArray()) EXPECT_TRUE(isRfc3339Utc(str(c, "confirmed")));

  ASSERT_TRUE(doc.HasMember("conflicts") && doc["conflicts"].IsArray());
  ASSERT_EQ(doc["conflicts"].Size(), 1U);
  EXPECT_EQ(str(doc["conflicts"][0], "city"), "3405");
  EXPECT_EQ(str(doc["conflicts"][0], "patient_id"), "MAS-77");
  EXPECT_EQ(str(doc["conflicts"][0], "reason"), "birth date differs");

  ASSERT_TRUE(doc.HasMember("incomplete") && doc["incomplete"].IsArray());
  ASSERT_EQ(doc["incomplete"].Size(), 1U);
  EXPECT_EQ(str(doc["incomplete"][0], "city"), "3411");
  EXPECT_EQ(str(doc["incomplete"][0], "reason"), "timeout");
}

TEST(XrefJsonTest, DoesNotExposeTheDemographicsDigest) {
  const std::string json = toJson("t", sampleRef(), Source::kRedis);
  EXPECT_EQ(json.find("0123456789abcdef"), std::string::npos) << json;
  EXPECT_EQ(json.find("demographics"), std::string::npos) << json;
}

TEST(XrefJsonTest, NamesEverySource) {
  EXPECT_EQ(str(parseJson(toJson("t", CrossRef{}, Source::kMemory)), "source"), "memory");
  EXPECT_EQ(str(parseJson(toJson("t", CrossRef{}, Source::kRedis)), "source"), "redis");
  EXPECT_EQ(str(parseJson(toJson("t", CrossRef{}, Source::kDiscovery)), "source"), "discovery");
  EXPECT_EQ(sourceName(Source::kRedis), "redis");
}

TEST(XrefJsonTest, EmptyCrossReferenceHasEmptyArraysAndEpochTime) {
  const rapidjson::Document doc = parseJson(toJson("t", CrossRef{}, Source::kMemory));
  if (HasFailure()) return;
  for (const char* name : {"cities", "conflicts", "incomplete"}) {
    ASSERT_TRUE(doc.HasMember(name) && doc[name].IsArray()) << name;
    EXPECT_EQ(doc[name].Size(), 0U) << name;
  }
  EXPECT_EQ(str(doc, "resolved"), "1970-01-01T00:00:00Z");
}

TEST(XrefJsonTest, EscapesPlatformValues) {
  // Platform-local ids and reasons come from other systems: quotes, backslashes, controls and
  // non-ASCII text must still give valid JSON that reads back unchanged.
  CrossRef ref;
  const std::string odd_id =
      "A\"B\\C\nD\tE\x01"
      "F/病历号";
  addLink(ref, "3201", odd_id, kConfirmed);
  addMissing(ref, "3402", "error: \"bad gateway\"\r\n");
  const rapidjson::Document doc = parseJson(toJson("tok\"en", ref, Source::kRedis));
  if (HasFailure()) return;
  EXPECT_EQ(str(doc, "token"), "tok\"en");
  EXPECT_EQ(str(doc["cities"][0], "patient_id"), odd_id);
  EXPECT_EQ(str(doc["incomplete"][0], "reason"), "error: \"bad gateway\"\r\n");
}

// ---- knownNowhere ----------------------------------------------------------------------------

TEST(KnownNowhereTest, OnlyWhenEveryCityAnsweredAndNoneKnowsThePerson) {
  CrossRef ref;
  ref.resolved_unix = kResolved;
  EXPECT_TRUE(knownNowhere(ref));

  CrossRef linked;
  addLink(linked, "3201", "1", kConfirmed);
  EXPECT_FALSE(knownNowhere(linked));

  CrossRef conflicting;
  addConflict(conflicting, "3201", "1", "name differs");
  EXPECT_FALSE(knownNowhere(conflicting)) << "a conflicting record is someone the city knows";

  CrossRef partial;
  addMissing(partial, "3405", "unavailable");
  EXPECT_FALSE(knownNowhere(partial)) << "a city that did not answer may know the person";

  EXPECT_FALSE(knownNowhere(sampleRef()));
}

}  // namespace
}  // namespace metrogw::identity::index
