// Tests for the RFC 9457 problem catalogue: stable statuses and slugs, valid escaped JSON bodies.
#include "gateway/http/problem.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <vector>

namespace metrogw::gateway::http {
namespace {

struct Expected {
  Problem problem;
  int status;
  const char* slug;
};

// Published slugs: partners branch on them, so this table changing is a breaking change.
const std::vector<Expected>& catalogue() {
  static const std::vector<Expected> kAll = {
      {Problem::kMalformedRequest, 400, "malformed-request"},
      {Problem::kNotFound, 404, "not-found"},
      {Problem::kMethodNotAllowed, 405, "method-not-allowed"},
      {Problem::kRequestTimeout, 408, "request-timeout"},
      {Problem::kBodyTooLarge, 413, "body-too-large"},
      {Problem::kHeaderTooLarge, 431, "header-too-large"},
      {Problem::kNotImplemented, 501, "not-implemented"},
      {Problem::kBadGateway, 502, "bad-gateway"},
      {Problem::kUpstreamUnavailable, 503, "upstream-unavailable"},
      {Problem::kCircuitOpen, 503, "circuit-open"},
      {Problem::kDraining, 503, "draining"},
      {Problem::kTooManyConnections, 503, "too-many-connections"},
      {Problem::kUpstreamTimeout, 504, "upstream-timeout"},
      {Problem::kInternal, 500, "internal"},
      {Problem::kInvalidReferral, 422, "invalid-referral"},
      {Problem::kReferralTransition, 409, "referral-transition-not-allowed"},
  };
  return kAll;
}

rapidjson::Document parseJson(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  EXPECT_FALSE(doc.HasParseError()) << body;
  EXPECT_TRUE(doc.IsObject()) << body;
  return doc;
}

TEST(ProblemTest, CatalogueHasStableStatusesAndSlugs) {
  std::set<std::string> slugs;
  for (const Expected& e : catalogue()) {
    const ProblemInfo& info = problemInfo(e.problem);
    EXPECT_EQ(info.status, e.status) << e.slug;
    EXPECT_EQ(info.slug, e.slug);
    EXPECT_FALSE(info.title.empty()) << e.slug;
    EXPECT_EQ(problemType(e.problem), std::string("urn:metrogw:problem:") + e.slug);
    slugs.insert(std::string(info.slug));
  }
  EXPECT_EQ(slugs.size(), catalogue().size()) << "slugs must be unique";
}

TEST(ProblemTest, EveryProblemHasAUniqueSlugAndAnErrorStatus) {
  std::set<std::string> slugs;
  const auto last = static_cast<size_t>(kLastProblem);
  for (size_t i = 0; i <= last; ++i) {
    const ProblemInfo& info = problemInfo(static_cast<Problem>(i));
    EXPECT_GE(info.status, 400) << info.slug;
    EXPECT_LT(info.status, 600) << info.slug;
    EXPECT_FALSE(info.slug.empty()) << i;
    slugs.insert(std::string(info.slug));
  }
  EXPECT_EQ(slugs.size(), last + 1) << "slugs must be unique";
}

TEST(ProblemTest, EveryBodyIsValidJsonWithTheRequiredMembers) {
  for (const Expected& e : catalogue()) {
    const std::string body = problemBody(e.problem, "some detail", "req-1");
    const rapidjson::Document doc = parseJson(body);
    ASSERT_TRUE(doc.IsObject());
    ASSERT_TRUE(doc.HasMember("type") && doc["type"].IsString()) << body;
    EXPECT_EQ(std::string(doc["type"].GetString()), problemType(e.problem));
    ASSERT_TRUE(doc.HasMember("title") && doc["title"].IsString()) << body;
    EXPECT_EQ(std::string(doc["title"].GetString()), std::string(problemInfo(e.problem).title));
    ASSERT_TRUE(doc.HasMember("status") && doc["status"].IsInt()) << body;
    EXPECT_EQ(doc["status"].GetInt(), e.status);
    ASSERT_TRUE(doc.HasMember("detail") && doc["detail"].IsString()) << body;
    EXPECT_STREQ(doc["detail"].GetString(), "some detail");
    ASSERT_TRUE(doc.HasMember("instance") && doc["instance"].IsString()) << body;
    EXPECT_STREQ(doc["instance"].GetString(), "urn:metrogw:request:req-1");
  }
}

TEST(ProblemTest, DetailWithQuotesNewlinesAndControlsIsEscaped) {
  const std::string detail = "bad \"header\"\nline two\r\n\ttab \\ backslash \x01 end";
  const std::string body = problemBody(Problem::kMalformedRequest, detail, "id\"1");
  EXPECT_EQ(body.find('\n'), std::string::npos) << "raw newline in " << body;
  const rapidjson::Document doc = parseJson(body);
  ASSERT_TRUE(doc.IsObject());
  ASSERT_TRUE(doc.HasMember("detail"));
  EXPECT_EQ(std::string(doc["detail"].GetString(), doc["detail"].GetStringLength()), detail);
  EXPECT_STREQ(doc["instance"].GetString(), "urn:metrogw:request:id\"1");
}

TEST(ProblemTest, EmptyDetailAndRequestIdAreOmitted) {
  const std::string body = problemBody(Problem::kNotFound, "", "");
  const rapidjson::Document doc = parseJson(body);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_FALSE(doc.HasMember("detail"));
  EXPECT_FALSE(doc.HasMember("instance"));
  EXPECT_EQ(doc["status"].GetInt(), 404);
}

TEST(ProblemTest, NonAsciiDetailStaysValidUtf8Json) {
  const std::string detail = "hôpital \xE2\x80\x94 département";
  const rapidjson::Document doc = parseJson(problemBody(Problem::kBadGateway, detail, "r"));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(std::string(doc["detail"].GetString()), detail);
}

TEST(ReasonPhraseTest, CommonCodes) {
  EXPECT_EQ(reasonPhrase(100), "Continue");
  EXPECT_EQ(reasonPhrase(200), "OK");
  EXPECT_EQ(reasonPhrase(204), "No Content");
  EXPECT_EQ(reasonPhrase(304), "Not Modified");
  EXPECT_EQ(reasonPhrase(400), "Bad Request");
  EXPECT_EQ(reasonPhrase(404), "Not Found");
  EXPECT_EQ(reasonPhrase(405), "Method Not Allowed");
  EXPECT_EQ(reasonPhrase(413), "Content Too Large");
  EXPECT_EQ(reasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reasonPhrase(500), "Internal Server Error");
  EXPECT_EQ(reasonPhrase(502), "Bad Gateway");
  EXPECT_EQ(reasonPhrase(503), "Service Unavailable");
  EXPECT_EQ(reasonPhrase(504), "Gateway Timeout");
  EXPECT_EQ(reasonPhrase(299), "Unknown");
  EXPECT_EQ(reasonPhrase(-1), "Unknown");
}

TEST(ReasonPhraseTest, EveryProblemStatusHasAPhrase) {
  for (const Expected& e : catalogue()) EXPECT_NE(reasonPhrase(e.status), "Unknown") << e.status;
}

}  // namespace
}  // namespace metrogw::gateway::http
