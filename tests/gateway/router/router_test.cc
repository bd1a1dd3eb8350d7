// Tests for the route table: exact/prefix/template matching, config order, methods, listeners.
#include "gateway/router/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace metrogw::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Param = std::pair<std::string, std::string>;

config::Route route(std::string name, config::PathMatch match, std::string path,
                    std::vector<std::string> methods = {}, std::vector<std::string> listeners = {}) {
  config::Route r;
  r.name = std::move(name);
  r.match = match;
  r.path = std::move(path);
  r.methods = std::move(methods);
  r.listeners = std::move(listeners);
  r.cluster = "backend";
  return r;
}

// Owns the Config the Router points into; the Router is built once the routes are final.
class RouterFixture : public ::testing::Test {
 protected:
  void add(config::Route r) { config_.routes.push_back(std::move(r)); }

  const Router& router() {
    if (!router_) {
      auto built = Router::build(config_);
      EXPECT_TRUE(built.isOk()) << built.status().message();
      router_.emplace(std::move(built).value());
    }
    return *router_;
  }

  // Name of the matched route, or "" for no match.
  std::string matchName(std::string_view method, std::string_view path,
                        std::string_view listener = "public") {
    const RouteMatch m = router().match(method, path, listener);
    return m.route ? m.route->config->name : "";
  }

  config::Config config_;
  std::optional<Router> router_;
};

TEST(SplitPathTest, SplitsOnSlashesKeepingEmptySegments) {
  EXPECT_THAT(splitPath("/a/b/c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(splitPath("/a//b/"), ElementsAre("a", "", "b", ""));
  EXPECT_THAT(splitPath("/"), ElementsAre(""));
  EXPECT_THAT(splitPath("a/b"), ElementsAre("a", "b"));
}

TEST_F(RouterFixture, BuildKeepsConfigOrderAndIndexes) {
  add(route("a", config::PathMatch::kExact, "/a"));
  add(route("t", config::PathMatch::kTemplate, "/t/{id}"));
  const auto& routes = router().routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].index, 0u);
  EXPECT_EQ(routes[0].config, &config_.routes[0]);
  EXPECT_THAT(routes[0].segments, IsEmpty());
  EXPECT_EQ(routes[1].index, 1u);
  EXPECT_THAT(routes[1].segments, ElementsAre("t", "{id}"));
}

TEST_F(RouterFixture, ExactMatchesOnlyTheWholePath) {
  add(route("health", config::PathMatch::kExact, "/healthz"));
  EXPECT_EQ(matchName("GET", "/healthz"), "health");
  EXPECT_EQ(matchName("GET", "/healthz/"), "");
  EXPECT_EQ(matchName("GET", "/healthzz"), "");
  EXPECT_EQ(matchName("GET", "/HEALTHZ"), "");
  EXPECT_EQ(matchName("GET", "/"), "");
}

TEST_F(RouterFixture, PrefixMatchesAnythingBelow) {
  add(route("v1", config::PathMatch::kPrefix, "/v1/"));
  EXPECT_EQ(matchName("GET", "/v1/"), "v1");
  EXPECT_EQ(matchName("GET", "/v1/patients/7"), "v1");
  EXPECT_EQ(matchName("GET", "/v1"), "");
  EXPECT_EQ(matchName("GET", "/v2/patients"), "");
}

TEST_F(RouterFixture, TemplateExtractsNamedSegments) {
  add(route("dept", config::PathMatch::kTemplate, "/v1/hospitals/{id}/departments/{dept}"));
  const RouteMatch m = router().match("GET", "/v1/hospitals/H-42/departments/cardiology", "public");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->config->name, "dept");
  EXPECT_FALSE(m.method_mismatch);
  EXPECT_THAT(m.params, ElementsAre(Param("id", "H-42"), Param("dept", "cardiology")));
}

TEST_F(RouterFixture, TemplateRejectsShapeMismatches) {
  add(route("dept", config::PathMatch::kTemplate, "/v1/hospitals/{id}/departments/{dept}"));
  EXPECT_EQ(matchName("GET", "/v1/hospitals/1/departments/2"), "dept");
  EXPECT_EQ(matchName("GET", "/v1/hospitals/1/departments/2/"), "") << "trailing slash";
  EXPECT_EQ(matchName("GET", "/v1/hospitals/1/departments/2/beds"), "") << "extra segment";
  EXPECT_EQ(matchName("GET", "/v1/hospitals//departments/2"), "") << "empty parameter";
  EXPECT_EQ(matchName("GET", "/v1/hospitals/1/departments/"), "") << "empty last parameter";
  EXPECT_EQ(matchName("GET", "/v1/hospitals/1/departments"), "") << "missing segment";
  EXPECT_EQ(matchName("GET", "/v1/hospitals/1/wards/2"), "") << "literal differs";
  EXPECT_EQ(matchName("GET", "/v1//hospitals/1/departments/2"), "") << "empty literal segment";
  EXPECT_EQ(matchName("GET", "/"), "");
}

TEST_F(RouterFixture, NoMatchHasNoParams) {
  add(route("x", config::PathMatch::kTemplate, "/x/{id}"));
  const RouteMatch m = router().match("GET", "/y/1", "public");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.method_mismatch);
  EXPECT_THAT(m.params, IsEmpty());
}

TEST_F(RouterFixture, FirstMatchInConfigOrderWins) {
  add(route("specific", config::PathMatch::kExact, "/v1/patients/me"));
  add(route("template", config::PathMatch::kTemplate, "/v1/patients/{id}"));
  add(route("catch-all", config::PathMatch::kPrefix, "/"));
  EXPECT_EQ(matchName("GET", "/v1/patients/me"), "specific");
  EXPECT_EQ(matchName("GET", "/v1/patients/7"), "template");
  EXPECT_EQ(matchName("GET", "/v1/patients/7/records"), "catch-all");
  EXPECT_EQ(matchName("GET", "/anything"), "catch-all");
}

TEST_F(RouterFixture, EarlierBroadRouteShadowsLaterSpecificOne) {
  add(route("broad", config::PathMatch::kPrefix, "/v1/"));
  add(route("narrow", config::PathMatch::kExact, "/v1/node"));
  EXPECT_EQ(matchName("GET", "/v1/node"), "broad");
}

TEST_F(RouterFixture, ParamsComeOnlyFromTheWinningRoute) {
  add(route("t1", config::PathMatch::kTemplate, "/a/{x}", {"POST"}));
  add(route("t2", config::PathMatch::kTemplate, "/a/{y}", {"GET"}));
  const RouteMatch m = router().match("GET", "/a/1", "public");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->config->name, "t2");
  EXPECT_THAT(m.params, ElementsAre(Param("y", "1")));
}

TEST_F(RouterFixture, MethodMismatchIsReportedWhenOnlyThePathMatched) {
  add(route("read", config::PathMatch::kPrefix, "/v1/", {"GET", "HEAD"}));
  const RouteMatch m = router().match("DELETE", "/v1/patients/7", "public");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.method_mismatch);

  const RouteMatch other_path = router().match("DELETE", "/v2/x", "public");
  EXPECT_EQ(other_path.route, nullptr);
  EXPECT_FALSE(other_path.method_mismatch);
}

TEST_F(RouterFixture, LaterRouteWithTheRightMethodStillWins) {
  add(route("read", config::PathMatch::kTemplate, "/v1/patients/{id}", {"GET"}));
  add(route("write", config::PathMatch::kTemplate, "/v1/patients/{id}", {"PUT", "PATCH"}));
  const RouteMatch m = router().match("PUT", "/v1/patients/7", "public");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->config->name, "write");
  EXPECT_FALSE(m.method_mismatch);
  EXPECT_THAT(m.params, ElementsAre(Param("id", "7")));
}

TEST_F(RouterFixture, MethodsAreCaseSensitiveAndEmptyMeansTheDefaultSet) {
  add(route("get-only", config::PathMatch::kExact, "/g", {"GET"}));
  add(route("any", config::PathMatch::kExact, "/any"));
  EXPECT_EQ(matchName("get", "/g"), "");
  EXPECT_TRUE(router().match("get", "/g", "public").method_mismatch);
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    EXPECT_EQ(matchName(m, "/any"), "any") << m;
  }
  EXPECT_EQ(matchName("PROPFIND", "/any"), "");
  EXPECT_TRUE(router().match("TRACE", "/any", "public").method_mismatch);
}

TEST_F(RouterFixture, ListenerFilterRestrictsRoutes) {
  add(route("admin-only", config::PathMatch::kPrefix, "/internal/", {}, {"partners"}));
  add(route("public", config::PathMatch::kPrefix, "/"));
  EXPECT_EQ(matchName("GET", "/internal/stats", "partners"), "admin-only");
  EXPECT_EQ(matchName("GET", "/internal/stats", "public"), "public");
}

TEST_F(RouterFixture, RouteOnOtherListenerDoesNotCauseMethodMismatch) {
  add(route("partners-post", config::PathMatch::kExact, "/submit", {"POST"}, {"partners"}));
  const RouteMatch m = router().match("GET", "/submit", "public");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.method_mismatch);
  EXPECT_TRUE(router().match("GET", "/submit", "partners").method_mismatch);
}

TEST_F(RouterFixture, ListenerListMayNameSeveral) {
  add(route("both", config::PathMatch::kExact, "/x", {}, {"a", "b"}));
  EXPECT_EQ(matchName("GET", "/x", "a"), "both");
  EXPECT_EQ(matchName("GET", "/x", "b"), "both");
  EXPECT_EQ(matchName("GET", "/x", "c"), "");
}

TEST_F(RouterFixture, EmptyTableMatchesNothing) {
  const RouteMatch m = router().match("GET", "/", "public");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.method_mismatch);
}

}  // namespace
}  // namespace metrogw::gateway
