// Loader tests for rejected documents: each error class, its exact "file:line: path: what", and
// that every error in a document is reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "tests/config/test_util.h"

namespace metrogw::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kMinimal;
using testing::loadErrors;
using ::testing::SizeIs;

std::string withMinimal(const std::string& rest) { return std::string(kMinimal) + rest; }

// A cluster `up` at lines 4-6; routes start at line 7.
std::string withCluster(const std::string& routes) {
  return withMinimal("clusters:\n  - name: up\n    hosts: [\"127.0.0.1:8081\"]\n" + routes);
}

TEST(LoaderErrorsTest, SyntaxErrorHasLine) {
  const auto errors = loadErrors("listeners:\n  - name: a\n    port: [1, 2\nworkers: 1\n");
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_THAT(errors[0], HasSubstr("t.yaml:4: syntax error: "));
}

TEST(LoaderErrorsTest, SyntaxErrorBadIndentation) {
  const auto errors = loadErrors("workers: 1\nlisteners:\n  - name: a\n   port: 1\n");
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_THAT(errors[0], HasSubstr("t.yaml:4: syntax error: "));
}

TEST(LoaderErrorsTest, EmptyAndNonMappingDocuments) {
  EXPECT_THAT(loadErrors(""), ElementsAre("t.yaml:1: config is empty"));
  EXPECT_THAT(loadErrors("# only a comment\n"), ElementsAre("t.yaml:1: config is empty"));
  EXPECT_THAT(loadErrors("\n- a\n"), ElementsAre("t.yaml:2: top level must be a mapping, got a sequence"));
  EXPECT_THAT(
      loadErrors(withMinimal("---\nworkers: 1\n")),
      ElementsAre("t.yaml:4: content after the end of the document (only one YAML document is allowed)"));
}

// yaml-cpp 0.7's LoadAll reports a new document at the same position forever for these (found by
// config_fuzz); loading must still finish with an error.
TEST(LoaderErrorsTest, StrayCommaDoesNotHang) {
  EXPECT_THAT(loadErrors(","), ::testing::Contains(HasSubstr("t.yaml:1: ")));
  EXPECT_THAT(loadErrors("{listeners: [{name: a, port: 1}]},\n"),
              ::testing::Contains(HasSubstr("t.yaml:1: ")));
}

TEST(LoaderErrorsTest, UnknownTopLevelKey) {
  EXPECT_THAT(
      loadErrors(withMinimal("bogus: 1\nworker: 2\n")),
      ElementsAre(
          "t.yaml:4: bogus: unknown key (expected one of: node_name, workers, log_level, "
          "access_log, access_log_path, admin, limits, listeners, clusters, routes, federation, partners, "
          "redis, identity, booking, consent, audit)",
          "t.yaml:5: worker: unknown key, did you mean 'workers'?"));
}

TEST(LoaderErrorsTest, UnknownNestedKeys) {
  EXPECT_THAT(loadErrors(withMinimal("    timeout: 5\n")),
              ElementsAre("t.yaml:4: listeners[0].timeout: unknown key (expected one of: name, address, "
                          "port, tls, anonymous_scopes)"));
  EXPECT_THAT(loadErrors(withMinimal("routes:\n  - {path: /a, handler: healthz, timeout: 5}\n")),
              ElementsAre("t.yaml:5: routes[0].timeout: unknown key, did you mean 'timeout_ms'?"));
  EXPECT_THAT(loadErrors(withMinimal("    adress: 1.2.3.4\nclusters:\n  - name: up\n    hosts: [\"h:1\"]\n"
                                     "    retry:\n      max_retry: 2\nlimits: {max_body: 1}\n")),
              ElementsAre("t.yaml:4: listeners[0].adress: unknown key, did you mean 'address'?",
                          "t.yaml:9: clusters[0].retry.max_retry: unknown key, did you mean 'max_retries'?",
                          "t.yaml:10: limits.max_body: unknown key, did you mean 'max_body_bytes'?"));
}

TEST(LoaderErrorsTest, DuplicateKey) {
  EXPECT_THAT(loadErrors("workers: 1\n" + withMinimal("workers: 2\n")),
              ElementsAre("t.yaml:5: workers: duplicate key (first at line 1)"));
}

TEST(LoaderErrorsTest, MissingRequiredKeys) {
  EXPECT_THAT(loadErrors("workers: 1\n"), ElementsAre("t.yaml:1: missing required key 'listeners'"));
  EXPECT_THAT(loadErrors("listeners:\n  - address: 127.0.0.1\n    tls:\n      cert: c.pem\n"
                         "clusters:\n  - hosts: [\"h:1\"]\n  - name: x\nroutes:\n  - handler: healthz\n"),
              ElementsAre("t.yaml:2: listeners[0]: missing required key 'name'",
                          "t.yaml:2: listeners[0]: missing required key 'port'",
                          "t.yaml:3: listeners[0].tls: missing required key 'key'",
                          "t.yaml:6: clusters[0]: missing required key 'name'",
                          "t.yaml:7: clusters[1]: missing required key 'hosts'",
                          "t.yaml:9: routes[0]: missing required key 'path'"));
}

TEST(LoaderErrorsTest, WrongScalarTypes) {
  EXPECT_THAT(loadErrors("workers: four\naccess_log: yes\nlog_level: [info]\nlisteners:\n"
                         "  - name: {a: 1}\n    port: \"8080\"\n  - name: b\n    port: 80.5\n"),
              ElementsAre("t.yaml:1: workers: expected an integer, got 'four'",
                          "t.yaml:2: access_log: expected true or false, got 'yes'",
                          "t.yaml:3: log_level: expected a string, got a sequence",
                          "t.yaml:5: listeners[0].name: expected a string, got a mapping",
                          "t.yaml:6: listeners[0].port: expected an integer, got quoted string '8080'",
                          "t.yaml:8: listeners[1].port: expected an integer, got '80.5'"));
}

TEST(LoaderErrorsTest, WrongContainerTypes) {
  EXPECT_THAT(loadErrors("listeners: {name: a}\nadmin: 9901\nclusters:\n  - name: up\n    hosts: h:1\n"
                         "routes:\n  - nope\n"),
              ElementsAre("t.yaml:1: listeners: expected a sequence, got a mapping",
                          "t.yaml:2: admin: expected a mapping, got '9901'",
                          "t.yaml:5: clusters[0].hosts: expected a sequence, got 'h:1'",
                          "t.yaml:7: routes[0]: expected a mapping, got 'nope'"));
}

TEST(LoaderErrorsTest, NullValueReportedAtKeyLine) {
  EXPECT_THAT(loadErrors(withMinimal("node_name:\n\nworkers: 1\n")),
              ElementsAre("t.yaml:4: node_name: expected a string, got null"));
}

TEST(LoaderErrorsTest, PortRanges) {
  EXPECT_THAT(loadErrors("listeners:\n  - {name: a, port: -1}\n  - {name: b, port: 65536}\n"
                         "admin: {port: 99999999999999999999}\n"),
              ElementsAre("t.yaml:2: listeners[0].port: must be between 0 and 65535, got -1",
                          "t.yaml:3: listeners[1].port: must be between 0 and 65535, got 65536",
                          "t.yaml:4: admin.port: expected an integer, got '99999999999999999999'"));
}

TEST(LoaderErrorsTest, NumericRanges) {
  EXPECT_THAT(
      loadErrors(withMinimal("workers: 257\nlimits:\n  max_header_bytes: 1023\n  max_body_bytes: -1\n"
                             "  idle_timeout_ms: 0\nclusters:\n  - name: up\n    hosts: [\"h:1\"]\n"
                             "    retry: {budget_percent: 100.5}\n    circuit_breaker: {max_active: 0}\n")),
      ElementsAre("t.yaml:4: workers: must be between 0 and 256, got 257",
                  "t.yaml:6: limits.max_header_bytes: must be between 1024 and 4294967295, got 1023",
                  "t.yaml:7: limits.max_body_bytes: must be >= 0, got -1",
                  "t.yaml:8: limits.idle_timeout_ms: must be between 1 and 2147483647, got 0",
                  "t.yaml:12: clusters[0].retry.budget_percent: must be between 0 and 100, got 100.5",
                  "t.yaml:13: clusters[0].circuit_breaker.max_active: must be between 1 and 4294967295, "
                  "got 0"));
}

TEST(LoaderErrorsTest, BudgetPercentRejectsNonNumbers) {
  EXPECT_THAT(loadErrors(withMinimal("clusters:\n  - name: up\n    hosts: [\"h:1\"]\n"
                                     "    retry: {budget_percent: .nan}\n")),
              ElementsAre("t.yaml:7: clusters[0].retry.budget_percent: expected a number, got '.nan'"));
}

TEST(LoaderErrorsTest, NamesAndEnums) {
  EXPECT_THAT(loadErrors(withMinimal("    tls: {cert: c, key: k, min_version: \"1.1\"}\n"
                                     "node_name: \"gw 1\"\nlog_level: verbose\n")),
              ElementsAre("t.yaml:4: listeners[0].tls.min_version: must be \"1.2\" or \"1.3\", got '1.1'",
                          "t.yaml:5: node_name: must match [A-Za-z0-9_.-]+, got 'gw 1'",
                          "t.yaml:6: log_level: must be debug, info, warn or error, got 'verbose'"));
}

TEST(LoaderErrorsTest, MisplacedNestedKeyIsUnknown) {
  // `tls:` at line 4 is indented as a top-level key, where it does not belong.
  EXPECT_THAT(loadErrors(withMinimal("tls: {cert: c, key: k}\n")),
              ElementsAre(HasSubstr("t.yaml:4: tls: unknown key")));
}

TEST(LoaderErrorsTest, ListenerConflicts) {
  EXPECT_THAT(
      loadErrors("admin: {address: 127.0.0.1, port: 9000}\nlisteners:\n"
                 "  - {name: a, address: 127.0.0.1, port: 8080}\n"
                 "  - {name: a, address: 127.0.0.1, port: 8080}\n"
                 "  - {name: c, address: 127.0.0.1, port: 9000}\n"
                 "  - {name: d, address: localhost, port: 1}\n"),
      ElementsAre("t.yaml:4: listeners[1].name: duplicate listener name 'a'",
                  "t.yaml:4: listeners[1].port: 127.0.0.1:8080 is already used by listener 'a'",
                  "t.yaml:5: listeners[2].port: 127.0.0.1:9000 is already used by the admin server",
                  "t.yaml:6: listeners[3].address: must be an IPv4 or IPv6 address, got 'localhost'"));
}

TEST(LoaderErrorsTest, EmptyListenerList) {
  EXPECT_THAT(loadErrors("workers: 1\nlisteners: []\n"),
              ElementsAre("t.yaml:2: listeners: at least one listener is required"));
}

TEST(LoaderErrorsTest, BadHostPort) {
  EXPECT_THAT(
      loadErrors(withMinimal("clusters:\n  - name: up\n    hosts:\n      - localhost\n      - \"h:0\"\n"
                             "      - \"::1:80\"\n      - \"[::1]80\"\n      - \"h:99999\"\n"
                             "      - \"[1.2.3.4]:80\"\n      - \"bad host:80\"\n      - \"h:1\"\n"
                             "      - \"h:1\"\n")),
      ElementsAre("t.yaml:7: clusters[0].hosts[0]: bad host 'localhost': expected 'host:port'",
                  "t.yaml:8: clusters[0].hosts[1]: bad host 'h:0': port must be an integer between 1 and "
                  "65535",
                  "t.yaml:9: clusters[0].hosts[2]: bad host '::1:80': IPv6 addresses must be bracketed, like "
                  "'[::1]:8080'",
                  "t.yaml:10: clusters[0].hosts[3]: bad host '[::1]80': expected '[address]:port'",
                  "t.yaml:11: clusters[0].hosts[4]: bad host 'h:99999': port must be an integer between 1 "
                  "and 65535",
                  "t.yaml:12: clusters[0].hosts[5]: bad host '[1.2.3.4]:80': '1.2.3.4' is not an IPv6 "
                  "address",
                  "t.yaml:13: clusters[0].hosts[6]: bad host 'bad host:80': 'bad host' is not a valid host "
                  "name",
                  "t.yaml:15: clusters[0].hosts[8]: duplicate host 'h:1'"));
}

TEST(LoaderErrorsTest, ClusterConflicts) {
  EXPECT_THAT(loadErrors(withMinimal("clusters:\n  - {name: up, hosts: []}\n  - {name: up, hosts: [\"h:1\"],"
                                     " tls: {cert: c.pem}}\n")),
              ElementsAre("t.yaml:5: clusters[0].hosts: at least one host is required",
                          "t.yaml:6: clusters[1].name: duplicate cluster name 'up'",
                          "t.yaml:6: clusters[1].tls.cert: client 'cert' and 'key' must be given together"));
}

TEST(LoaderErrorsTest, DanglingClusterReference) {
  EXPECT_THAT(loadErrors(withCluster("routes:\n  - {path: /a, cluster: up}\n  - {path: /b, cluster: up}\n"
                                     "  - path: /c\n    cluster: platfrom\n")),
              ElementsAre("t.yaml:11: routes[2].cluster: unknown cluster 'platfrom'"));
}

TEST(LoaderErrorsTest, ClusterReferenceIndependentOfOrder) {
  // Routes before clusters in the file still resolve.
  EXPECT_THAT(loadErrors("routes:\n  - {path: /a, cluster: up}\n  - {path: /b, cluster: down}\n" +
                         withMinimal("clusters:\n  - {name: up, hosts: [\"h:1\"]}\n")),
              ElementsAre("t.yaml:3: routes[1].cluster: unknown cluster 'down'"));
}

TEST(LoaderErrorsTest, UnknownHandler) {
  EXPECT_THAT(
      loadErrors(withMinimal("routes:\n  - path: /x\n    handler: helthz\n")),
      ElementsAre("t.yaml:6: routes[0].handler: unknown handler 'helthz' (known: healthz, node_info)"));
  LoadOptions none = testing::testOptions();
  none.known_handlers.clear();
  EXPECT_THAT(
      loadErrors(withMinimal("routes:\n  - path: /x\n    handler: healthz\n"), none),
      ElementsAre("t.yaml:6: routes[0].handler: unknown handler 'healthz' (no handlers are registered)"));
}

TEST(LoaderErrorsTest, ExactlyOneTarget) {
  EXPECT_THAT(
      loadErrors(withCluster("routes:\n  - path: /a\n  - path: /b\n    cluster: up\n    handler: healthz\n")),
      ElementsAre("t.yaml:8: routes[0]: exactly one of 'cluster' or 'handler' is required",
                  "t.yaml:9: routes[1]: exactly one of 'cluster' or 'handler' is required"));
}

TEST(LoaderErrorsTest, RouteListenersMustExist) {
  EXPECT_THAT(
      loadErrors(withCluster("routes:\n  - path: /a\n    cluster: up\n    listeners: [main, pubilc, main]\n"
                             "  - {path: /b, cluster: up, listeners: []}\n")),
      ElementsAre("t.yaml:10: routes[0].listeners[1]: unknown listener 'pubilc'",
                  "t.yaml:10: routes[0].listeners[2]: duplicate listener 'main'",
                  "t.yaml:11: routes[1].listeners: must not be empty (omit it to serve on every listener)"));
}

TEST(LoaderErrorsTest, Methods) {
  EXPECT_THAT(
      loadErrors(withCluster("routes:\n  - path: /a\n    cluster: up\n    methods:\n      - get\n"
                             "      - TRACE\n      - POST\n      - POST\n")),
      ElementsAre("t.yaml:11: routes[0].methods[0]: unknown method 'get' (expected GET, HEAD, POST, PUT, "
                  "DELETE, PATCH or OPTIONS)",
                  "t.yaml:12: routes[0].methods[1]: unknown method 'TRACE' (expected GET, HEAD, POST, PUT, "
                  "DELETE, PATCH or OPTIONS)",
                  "t.yaml:14: routes[0].methods[3]: duplicate method 'POST'"));
}

TEST(LoaderErrorsTest, Paths) {
  EXPECT_THAT(
      loadErrors(withCluster("routes:\n"
                             "  - {path: v1/, cluster: up}\n"
                             "  - {path: \"/v1/{}\", cluster: up}\n"
                             "  - {path: \"/v1/{a-b}\", cluster: up}\n"
                             "  - {path: \"/v1/x{id}\", cluster: up}\n"
                             "  - {path: \"/v1/{id}/{id}\", cluster: up}\n"
                             "  - {path: \"/v1/{id}\", match: prefix, cluster: up}\n"
                             "  - {path: /v1/, match: regex, cluster: up}\n"
                             "  - {path: \"/a b\", cluster: up}\n")),
      ElementsAre("t.yaml:8: routes[0].path: must start with '/'",
                  "t.yaml:9: routes[1].path: empty template parameter '{}'",
                  "t.yaml:10: routes[2].path: template parameter '{a-b}' may only contain letters, digits "
                  "and '_'",
                  "t.yaml:11: routes[3].path: template parameter must be a whole segment like '/{id}', got "
                  "'x{id}'",
                  "t.yaml:12: routes[4].path: template parameter '{id}' appears twice",
                  "t.yaml:13: routes[5].path: '{' and '}' are only allowed with match: template",
                  "t.yaml:14: routes[6].match: must be exact, prefix or template, got 'regex'",
                  "t.yaml:15: routes[7].path: must not contain spaces or control characters"));
}

TEST(LoaderErrorsTest, PrefixRewriteRules) {
  EXPECT_THAT(loadErrors(withCluster("routes:\n"
                                     "  - {path: /a, match: exact, cluster: up, prefix_rewrite: /b}\n"
                                     "  - {path: /h, handler: healthz, prefix_rewrite: /b}\n"
                                     "  - {path: /c, cluster: up, prefix_rewrite: b}\n")),
              ElementsAre("t.yaml:8: routes[0].prefix_rewrite: only applies to match: prefix",
                          "t.yaml:9: routes[1].prefix_rewrite: only applies to routes with a cluster",
                          "t.yaml:10: routes[2].prefix_rewrite: must start with '/'"));
}

TEST(LoaderErrorsTest, RouteTimeoutMustBePositive) {
  EXPECT_THAT(loadErrors(withCluster("routes:\n  - {path: /a, cluster: up, timeout_ms: 0}\n")),
              ElementsAre("t.yaml:8: routes[0].timeout_ms: must be between 1 and 2147483647, got 0"));
}

TEST(LoaderErrorsTest, CollectsEveryErrorSortedByLine) {
  const auto errors = loadErrors(
      "workers: -3\n"
      "routes:\n  - {path: /x, cluster: nowhere}\n"
      "listeners:\n  - {name: a, port: 70000, colour: blue}\n"
      "clusters:\n  - {name: up, hosts: [\"nohost\"]}\n"
      "log_level: loud\n");
  EXPECT_THAT(errors,
              ElementsAre("t.yaml:1: workers: must be between 0 and 256, got -3",
                          "t.yaml:3: routes[0].cluster: unknown cluster 'nowhere'",
                          "t.yaml:5: listeners[0].colour: unknown key (expected one of: name, address, "
                          "port, tls, anonymous_scopes)",
                          "t.yaml:5: listeners[0].port: must be between 0 and 65535, got 70000",
                          "t.yaml:7: clusters[0].hosts[0]: bad host 'nohost': expected 'host:port'",
                          "t.yaml:8: log_level: must be debug, info, warn or error, got 'loud'"));
}

TEST(LoaderErrorsTest, ErrorListIsBounded) {
  std::string yaml = withMinimal("routes:\n");
  for (int i = 0; i < 150; ++i) yaml += "  - {path: /x, cluster: none}\n";
  const auto errors = loadErrors(yaml);
  ASSERT_THAT(errors, SizeIs(101));
  EXPECT_EQ(errors.back(), "t.yaml: 50 more errors not shown");
}

TEST(LoaderErrorsTest, IntegersAreDecimalOnly) {
  EXPECT_THAT(loadErrors(withMinimal("workers: 0x10\nadmin: {port: +-5}\nlimits: {max_body_bytes: 1e3}\n")),
              ElementsAre("t.yaml:4: workers: expected an integer, got '0x10'",
                          "t.yaml:5: admin.port: expected an integer, got '+-5'",
                          "t.yaml:6: limits.max_body_bytes: expected an integer, got '1e3'"));
}

TEST(LoaderErrorsTest, ControlCharactersAreEscapedInMessages) {
  // One error per line must hold even when the offending value or key contains a newline.
  EXPECT_THAT(
      loadErrors(withMinimal("node_name: \"a\\nb\\x01\"\n\"x\\ny\": 1\n")),
      ElementsAre(
          "t.yaml:4: node_name: must match [A-Za-z0-9_.-]+, got 'a\\nb\\x01'",
          "t.yaml:5: x\\ny: unknown key (expected one of: node_name, workers, log_level, "
          "access_log, access_log_path, admin, limits, listeners, clusters, routes, federation, partners, "
          "redis, identity, booking, consent, audit)"));
}

TEST(LoaderErrorsTest, NonStringKeys) {
  EXPECT_THAT(loadErrors(withMinimal("? [a, b]\n: 1\n")),
              ElementsAre("t.yaml:4: keys must be strings, got a sequence"));
}

}  // namespace
}  // namespace metrogw::config
