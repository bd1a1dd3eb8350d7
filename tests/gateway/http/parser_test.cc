// Tests for the http_parser wrapper: request/response framing, pausing per message, limits, errors.
#include "gateway/http/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace metrogw::gateway::http {

// gtest prints ParseError by name (found by ADL, so outside the anonymous namespace).
void PrintTo(ParseError e, std::ostream* os) {
  switch (e) {
    case ParseError::kNone: *os << "kNone"; return;
    case ParseError::kMalformed: *os << "kMalformed"; return;
    case ParseError::kHeaderTooLarge: *os << "kHeaderTooLarge"; return;
    case ParseError::kAborted: *os << "kAborted"; return;
  }
  *os << "ParseError(" << static_cast<int>(e) << ")";
}

namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

constexpr uint32_t kLimit = 16 * 1024;
constexpr size_t kWhole = std::numeric_limits<size_t>::max();

// One message as the callbacks saw it; `head` is copied when onHeaders runs.
struct Seen {
  MessageHead head;
  std::string body;
  bool complete = false;
};

class Recorder : public ParserCallbacks {
 public:
  bool onHeaders(MessageHead& head) override {
    messages.push_back({head, "", false});
    return accept_headers;
  }
  bool onBody(std::string_view data) override {
    if (messages.empty()) {
      ADD_FAILURE() << "body before headers";
    } else {
      messages.back().body.append(data);
    }
    return accept_body;
  }
  void onMessageComplete() override {
    if (messages.empty()) {
      ADD_FAILURE() << "completion before headers";
    } else {
      messages.back().complete = true;
    }
    if (resume_on_complete != nullptr) resume_on_complete->resume();
  }

  std::vector<Seen> messages;
  bool accept_headers = true;
  bool accept_body = true;
  Parser* resume_on_complete = nullptr;
};

struct Fed {
  size_t consumed = 0;
  ParseError error = ParseError::kNone;
};

// Feeds `in` in pieces of at most `piece` bytes, resuming after every pause like a connection
// that answers at once. Stops at the first error.
Fed feed(Parser& parser, std::string_view in, size_t piece = kWhole) {
  Fed fed;
  while (fed.consumed < in.size()) {
    if (parser.paused()) parser.resume();
    const size_t n = std::min(piece, in.size() - fed.consumed);
    const ParseResult r = parser.execute(in.data() + fed.consumed, n);
    EXPECT_LE(r.consumed, n);
    fed.consumed += r.consumed;
    fed.error = r.error;
    if (r.error != ParseError::kNone) break;
    if (r.consumed < n && !parser.paused()) {
      ADD_FAILURE() << "stopped early without pausing or failing";
      break;
    }
  }
  return fed;
}

// Parses a whole request stream in pieces of `piece` bytes and returns what the callbacks saw.
std::vector<Seen> parseRequests(std::string_view in, size_t piece = kWhole, uint32_t limit = kLimit) {
  Recorder rec;
  Parser parser(MessageKind::kRequest, rec, limit);
  const Fed fed = feed(parser, in, piece);
  EXPECT_EQ(fed.error, ParseError::kNone) << parser.lastErrorName();
  EXPECT_EQ(fed.consumed, in.size());
  return rec.messages;
}

ParseError requestError(std::string_view in, size_t piece = kWhole, uint32_t limit = kLimit) {
  Recorder rec;
  Parser parser(MessageKind::kRequest, rec, limit);
  const Fed fed = feed(parser, in, piece);
  if (fed.error == ParseError::kMalformed) {
    EXPECT_THAT(parser.lastErrorName(), StartsWith("HPE_"));
  }
  return fed.error;
}

std::vector<std::pair<std::string, std::string>> headerPairs(const MessageHead& head) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& h : head.headers.entries()) out.emplace_back(h.name, h.value);
  return out;
}

using Pair = std::pair<std::string, std::string>;

constexpr std::string_view kGet =
    "GET /v1/hospitals/42/departments?active=true HTTP/1.1\r\n"
    "Host: gw.example\r\n"
    "Accept: application/fhir+json\r\n"
    "X-Request-Id: abc-123\r\n"
    "\r\n";

// ---------------------------------------------------------------------------------------------
// Requests

TEST(RequestParserTest, ParsesSimpleGet) {
  const auto msgs = parseRequests(kGet);
  ASSERT_EQ(msgs.size(), 1u);
  const MessageHead& h = msgs[0].head;
  EXPECT_EQ(h.method, "GET");
  EXPECT_EQ(h.url, "/v1/hospitals/42/departments?active=true");
  EXPECT_EQ(h.path(), "/v1/hospitals/42/departments");
  EXPECT_EQ(h.version_major, 1);
  EXPECT_EQ(h.version_minor, 1);
  EXPECT_TRUE(h.keep_alive);
  EXPECT_FALSE(h.chunked);
  EXPECT_FALSE(h.content_length.has_value());
  EXPECT_FALSE(h.hasBody());
  EXPECT_FALSE(h.upgrade);
  EXPECT_THAT(headerPairs(h), ElementsAre(Pair("Host", "gw.example"), Pair("Accept", "application/fhir+json"),
                                          Pair("X-Request-Id", "abc-123")));
  EXPECT_TRUE(msgs[0].complete);
  EXPECT_TRUE(msgs[0].body.empty());
}

TEST(RequestParserTest, StateFlagsFollowTheMessage) {
  Recorder rec;
  Parser parser(MessageKind::kRequest, rec, kLimit);
  EXPECT_FALSE(parser.inMessage());
  const std::string_view part1 = kGet.substr(0, 30);
  ASSERT_EQ(parser.execute(part1.data(), part1.size()).consumed, part1.size());
  EXPECT_TRUE(parser.inMessage());
  EXPECT_FALSE(parser.headersDone());
  EXPECT_FALSE(parser.paused());
  const std::string_view part2 = kGet.substr(30);
  const ParseResult r = parser.execute(part2.data(), part2.size());
  EXPECT_EQ(r.consumed, part2.size());
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_TRUE(parser.headersDone());
  EXPECT_FALSE(parser.inMessage());
  EXPECT_TRUE(parser.paused());
}

TEST(RequestParserTest, OneByteAtATimeGivesTheSameResult) {
  const std::string in =
      "PUT /v1/patients/7?x=1 HTTP/1.1\r\n"
      "Host: gw.example\r\n"
      "Content-Type: application/json\r\n"
      "Content-Length: 11\r\n"
      "X-Empty:\r\n"
      "X-Spaces:   padded value   \r\n"
      "\r\n"
      "{\"a\":\"b c\"}";
  const auto whole = parseRequests(in);
  const auto bytewise = parseRequests(in, 1);
  ASSERT_EQ(whole.size(), 1u);
  ASSERT_EQ(bytewise.size(), 1u);
  EXPECT_EQ(bytewise[0].head.method, whole[0].head.method);
  EXPECT_EQ(bytewise[0].head.url, whole[0].head.url);
  EXPECT_EQ(headerPairs(bytewise[0].head), headerPairs(whole[0].head));
  EXPECT_EQ(bytewise[0].head.content_length, whole[0].head.content_length);
  EXPECT_EQ(bytewise[0].body, "{\"a\":\"b c\"}");
  EXPECT_EQ(whole[0].body, bytewise[0].body);
  EXPECT_TRUE(bytewise[0].complete);
  EXPECT_THAT(
      headerPairs(whole[0].head),
      ElementsAre(Pair("Host", "gw.example"), Pair("Content-Type", "application/json"),
                  Pair("Content-Length", "11"), Pair("X-Empty", ""), Pair("X-Spaces", "padded value   ")));
}

TEST(RequestParserTest, SplittingAtAnyPositionGivesTheSameResult) {
  const std::string in =
      "POST /v1/x HTTP/1.1\r\nHost: h\r\nX-A: one two\r\nX-B:\r\nX-C: \t3\r\nContent-Length: 2\r\n\r\nok";
  const auto whole = parseRequests(in);
  ASSERT_EQ(whole.size(), 1u);
  for (size_t split = 1; split < in.size(); ++split) {
    Recorder rec;
    Parser parser(MessageKind::kRequest, rec, kLimit);
    ParseResult r = parser.execute(in.data(), split);
    ASSERT_EQ(r.error, ParseError::kNone) << split;
    ASSERT_EQ(r.consumed, split);
    r = parser.execute(in.data() + split, in.size() - split);
    ASSERT_EQ(r.error, ParseError::kNone) << split << " " << parser.lastErrorName();
    ASSERT_EQ(rec.messages.size(), 1u);
    EXPECT_EQ(headerPairs(rec.messages[0].head), headerPairs(whole[0].head)) << split;
    EXPECT_EQ(rec.messages[0].body, "ok") << split;
  }
}

TEST(RequestParserTest, ContentLengthBodyArrivesInPieces) {
  const std::string body(1000, 'x');
  const std::string in = "POST /v1/obs HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" + body;
  for (size_t piece : {size_t{1}, size_t{7}, size_t{64}, size_t{999}, kWhole}) {
    const auto msgs = parseRequests(in, piece);
    ASSERT_EQ(msgs.size(), 1u) << piece;
    EXPECT_EQ(msgs[0].head.content_length, 1000u);
    EXPECT_TRUE(msgs[0].head.hasBody());
    EXPECT_EQ(msgs[0].body, body) << piece;
    EXPECT_TRUE(msgs[0].complete);
  }
}

TEST(RequestParserTest, BodyIsIncompleteUntilTheLastByte) {
  Recorder rec;
  Parser parser(MessageKind::kRequest, rec, kLimit);
  const std::string_view in = "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabc";
  const ParseResult r = parser.execute(in.data(), in.size());
  EXPECT_EQ(r.consumed, in.size());
  ASSERT_EQ(rec.messages.size(), 1u);
  EXPECT_FALSE(rec.messages[0].complete);
  EXPECT_TRUE(parser.inMessage());
  EXPECT_EQ(parser.execute("d", 1).consumed, 1u);
  EXPECT_TRUE(rec.messages[0].complete);
  EXPECT_EQ(rec.messages[0].body, "abcd");
}

TEST(RequestParserTest, ChunkedBodyIsDecodedAndTrailersAreNotHeaders) {
  const std::string in =
      "POST /v1/bundle HTTP/1.1\r\n"
      "Host: h\r\n"
      "Transfer-Encoding: chunked\r\n"
      "Trailer: X-Checksum\r\n"
      "\r\n"
      "5;name=\"quoted ext\"\r\nhello\r\n"
      "6;a=b;c\r\n world\r\n"
      "A\r\n0123456789\r\n"
      "0\r\n"
      "X-Checksum: abc\r\n"
      "X-Other: def\r\n"
      "\r\n";
  for (size_t piece : {size_t{1}, size_t{3}, kWhole}) {
    const auto msgs = parseRequests(in, piece);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_TRUE(msgs[0].head.chunked);
    EXPECT_TRUE(msgs[0].head.hasBody());
    EXPECT_FALSE(msgs[0].head.content_length.has_value());
    EXPECT_EQ(msgs[0].body, "hello world0123456789") << piece;
    EXPECT_TRUE(msgs[0].complete);
    EXPECT_EQ(msgs[0].head.headers.get("X-Checksum"), nullptr);
    EXPECT_EQ(msgs[0].head.headers.size(), 3u);
  }
}

TEST(RequestParserTest, TrailersDoNotLeakIntoTheNextPipelinedRequest) {
  const std::string in =
      "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1\r\nz\r\n0\r\nX-T1: 1\r\nX-T2: 2\r\n\r\n"
      "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
  const auto msgs = parseRequests(in);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1].head.url, "/b");
  EXPECT_THAT(headerPairs(msgs[1].head), ElementsAre(Pair("Host", "h")));
}

TEST(RequestParserTest, PausesAfterEachPipelinedRequest) {
  const std::string first = "GET /one HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string second = "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi";
  const std::string third = "GET /three HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string in = first + second + third;

  Recorder rec;
  Parser parser(MessageKind::kRequest, rec, kLimit);
  ParseResult r = parser.execute(in.data(), in.size());
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_EQ(r.consumed, first.size());
  EXPECT_TRUE(parser.paused());
  ASSERT_EQ(rec.messages.size(), 1u);
  EXPECT_EQ(rec.messages[0].head.url, "/one");

  // While paused nothing more is consumed.
  r = parser.execute(in.data() + first.size(), in.size() - first.size());
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_EQ(rec.messages.size(), 1u);

  parser.resume();
  EXPECT_FALSE(parser.paused());
  r = parser.execute(in.data() + first.size(), in.size() - first.size());
  EXPECT_EQ(r.consumed, second.size());
  EXPECT_TRUE(parser.paused());
  ASSERT_EQ(rec.messages.size(), 2u);
  EXPECT_EQ(rec.messages[1].head.method, "POST");
  EXPECT_EQ(rec.messages[1].body, "hi");

  parser.resume();
  const size_t off = first.size() + second.size();
  r = parser.execute(in.data() + off, in.size() - off);
  EXPECT_EQ(r.consumed, third.size());
  ASSERT_EQ(rec.messages.size(), 3u);
  EXPECT_EQ(rec.messages[2].head.url, "/three");
  EXPECT_TRUE(rec.messages[2].complete);
}

TEST(RequestParserTest, PipelinedRequestsByteByByte) {
  const std::string in =
      "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /two HTTP/1.1\r\nHost: h\r\n\r\n";
  const auto msgs = parseRequests(in, 1);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].head.url, "/one");
  EXPECT_EQ(msgs[1].head.url, "/two");
}

TEST(RequestParserTest, KeepAliveFollowsVersionAndConnection) {
  struct Case {
    std::string request;
    bool keep_alive;
    int minor;
  };
  const std::vector<Case> cases = {
      {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", true, 1},
      {"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false, 1},
      {"GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n", false, 1},
      {"GET / HTTP/1.0\r\n\r\n", false, 0},
      {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true, 0},
  };
  for (const Case& c : cases) {
    const auto msgs = parseRequests(c.request);
    ASSERT_EQ(msgs.size(), 1u) << c.request;
    EXPECT_EQ(msgs[0].head.keep_alive, c.keep_alive) << c.request;
    EXPECT_EQ(msgs[0].head.version_minor, c.minor) << c.request;
  }
}

TEST(RequestParserTest, ExpectContinueAndUpgradeAreVisible) {
  auto msgs =
      parseRequests("POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_TRUE(msgs[0].head.headers.hasToken("expect", "100-continue"));
  EXPECT_EQ(msgs[0].body, "abc");

  Recorder rec;
  Parser parser(MessageKind::kRequest, rec, kLimit);
  const std::string_view up =
      "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
  (void)parser.execute(up.data(), up.size());
  ASSERT_EQ(rec.messages.size(), 1u);
  EXPECT_TRUE(rec.messages[0].head.upgrade);
}

TEST(RequestParserTest, PathStripsTheQuery) {
  MessageHead h;
  h.url = "/a/b?x=1&y=2";
  EXPECT_EQ(h.path(), "/a/b");
  h.url = "/a/b";
  EXPECT_EQ(h.path(), "/a/b");
  h.url = "/?";
  EXPECT_EQ(h.path(), "/");
  h.url = "/a?b?c";
  EXPECT_EQ(h.path(), "/a");
}

TEST(RequestParserTest, ClearResetsTheHead) {
  MessageHead h;
  h.method = "GET";
  h.status = 200;
  h.version_minor = 0;
  h.keep_alive = false;
  h.chunked = true;
  h.content_length = 5;
  h.upgrade = true;
  h.headers.add("A", "b");
  h.clear();
  EXPECT_TRUE(h.method.empty());
  EXPECT_EQ(h.status, 0);
  EXPECT_EQ(h.version_minor, 1);
  EXPECT_TRUE(h.keep_alive);
  EXPECT_FALSE(h.chunked);
  EXPECT_FALSE(h.content_length.has_value());
  EXPECT_FALSE(h.upgrade);
  EXPECT_EQ(h.headers.size(), 0u);
}

// The limit counts the request target plus every field line as "name: value\r\n".
size_t countedHeadBytes(std::string_view url, const std::vector<Pair>& headers) {
  size_t n = url.size();
  for (const auto& [name, value] : headers) n += name.size() + value.size() + 4;
  return n;
}

std::string buildRequest(std::string_view url, const std::vector<Pair>& headers) {
  std::string out = "GET " + std::string(url) + " HTTP/1.1\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  return out + "\r\n";
}

TEST(RequestParserTest, HeaderLimitIsInclusive) {
  const std::vector<Pair> headers = {{"Host", "gw.example"}, {"X-Padding", std::string(300, 'p')}};
  const std::string in = buildRequest("/v1/x", headers);
  const auto limit = static_cast<uint32_t>(countedHeadBytes("/v1/x", headers));
  EXPECT_EQ(requestError(in, kWhole, limit), ParseError::kNone);
  EXPECT_EQ(requestError(in, kWhole, limit - 1), ParseError::kHeaderTooLarge);
}

TEST(RequestParserTest, HeaderLimitDoesNotDependOnSegmentation) {
  const std::vector<Pair> headers = {{"Host", "gw.example"},
                                     {"Authorization-Context-Long-Name", "v"},
                                     {"X-Another-Rather-Long-Header-Name", "w"}};
  const std::string in = buildRequest("/v1/x", headers);
  const auto limit = static_cast<uint32_t>(countedHeadBytes("/v1/x", headers));
  for (size_t piece : {size_t{1}, size_t{2}, size_t{5}, kWhole}) {
    EXPECT_EQ(requestError(in, piece, limit), ParseError::kNone) << "piece " << piece;
    EXPECT_EQ(requestError(in, piece, limit - 1), ParseError::kHeaderTooLarge) << "piece " << piece;
  }
}

TEST(RequestParserTest, HugeUrlOrManyHeadersAreTooLarge) {
  EXPECT_EQ(requestError("GET /" + std::string(5000, 'a') + " HTTP/1.1\r\n\r\n", kWhole, 4096),
            ParseError::kHeaderTooLarge);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 500; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  many += "\r\n";
  EXPECT_EQ(requestError(many, kWhole, 4096), ParseError::kHeaderTooLarge);
  EXPECT_EQ(requestError(many, 13, 4096), ParseError::kHeaderTooLarge);
}

TEST(RequestParserTest, LimitAppliesPerMessage) {
  const std::vector<Pair> headers = {{"X-Pad", std::string(100, 'p')}};
  const std::string one = buildRequest("/", headers);
  const auto limit = static_cast<uint32_t>(countedHeadBytes("/", headers));
  EXPECT_EQ(requestError(one + one + one, kWhole, limit), ParseError::kNone);
}

struct MalformedCase {
  const char* name;
  const char* input;
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }

class MalformedRequestTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedRequestTest, IsRejectedWholeAndBytewise) {
  const std::string_view in = GetParam().input;
  for (size_t piece : {size_t{1}, kWhole}) {
    Recorder rec;
    Parser parser(MessageKind::kRequest, rec, kLimit);
    const Fed fed = feed(parser, in, piece);
    EXPECT_EQ(fed.error, ParseError::kMalformed) << "piece " << piece;
    EXPECT_THAT(parser.lastErrorName(), StartsWith("HPE_"));
    EXPECT_TRUE(rec.messages.empty() || !rec.messages.back().complete);
    // Errors are sticky: more input is refused, not parsed.
    const ParseResult again = parser.execute("GET / HTTP/1.1\r\n\r\n", 18);
    EXPECT_NE(again.error, ParseError::kNone);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, MalformedRequestTest,
    ::testing::Values(
        MalformedCase{"BadMethod", "FETCH / HTTP/1.1\r\nHost: h\r\n\r\n"},
        MalformedCase{"LowercaseMethod", "get / HTTP/1.1\r\nHost: h\r\n\r\n"},
        MalformedCase{"BadVersionLetters", "GET / HTTP/x.1\r\nHost: h\r\n\r\n"},
        MalformedCase{"BadProtocolName", "GET / XTTP/1.1\r\nHost: h\r\n\r\n"},
        MalformedCase{"SpaceInTarget", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n"},
        MalformedCase{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n"},
        MalformedCase{"SpaceInsideName", "POST / HTTP/1.1\r\nTransfer Encoding: chunked\r\n\r\n"},
        MalformedCase{"BadChunkSize",
                      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"},
        MalformedCase{"MissingChunkCrlf",
                      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n"},
        MalformedCase{"ContentLengthAndChunked",
                      "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        MalformedCase{"ChunkedNotLast", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"},
        MalformedCase{"NegativeContentLength", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"},
        MalformedCase{"OverflowingContentLength",
                      "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"},
        MalformedCase{"ContentLengthWithSpaceInside", "POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n"},
        MalformedCase{"DuplicateContentLength",
                      "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"},
        MalformedCase{"ObsFold", "GET / HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n b\r\n\r\n"},
        MalformedCase{"ObsFoldTab", "GET / HTTP/1.1\r\nX-Folded: first\r\n\tsecond\r\nHost: h\r\n\r\n"},
        MalformedCase{"ControlCharInHeaderName", "GET / HTTP/1.1\n\x01\n\n"}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return std::string(info.param.name); });

TEST(RequestParserTest, NulInsideLiteralIsMalformed) {
  // The parameterised table passes C strings; this one carries an embedded NUL explicitly.
  static constexpr char kNul[] = "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";
  const std::string in(kNul, sizeof(kNul) - 1);
  EXPECT_EQ(requestError(in), ParseError::kMalformed);
}

TEST(RequestParserTest, RejectingHeadersAborts) {
  Recorder rec;
  rec.accept_headers = false;
  Parser parser(MessageKind::kRequest, rec, kLimit);
  const std::string_view in = "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
  const ParseResult r = parser.execute(in.data(), in.size());
  EXPECT_EQ(r.error, ParseError::kAborted);
  EXPECT_LT(r.consumed, in.size());
  ASSERT_EQ(rec.messages.size(), 1u);
  EXPECT_TRUE(rec.messages[0].body.empty());
  EXPECT_FALSE(rec.messages[0].complete);
}

TEST(RequestParserTest, RejectingBodyAborts) {
  Recorder rec;
  rec.accept_body = false;
  Parser parser(MessageKind::kRequest, rec, kLimit);
  const std::string_view in = "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
  const ParseResult r = parser.execute(in.data(), in.size());
  EXPECT_EQ(r.error, ParseError::kAborted);
  ASSERT_EQ(rec.messages.size(), 1u);
  EXPECT_FALSE(rec.messages[0].complete);
}

TEST(RequestParserTest, FinishBetweenRequestsIsClean) {
  Recorder rec;
  Parser parser(MessageKind::kRequest, rec, kLimit);
  EXPECT_EQ(parser.finish().error, ParseError::kNone);  // nothing received yet
  (void)parser.execute(kGet.data(), kGet.size());
  parser.resume();
  EXPECT_EQ(parser.finish().error, ParseError::kNone);
}

TEST(RequestParserTest, FinishInsideARequestIsMalformed) {
  Recorder rec;
  Parser parser(MessageKind::kRequest, rec, kLimit);
  const std::string_view in = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc";
  (void)parser.execute(in.data(), in.size());
  const ParseResult r = parser.finish();
  EXPECT_EQ(r.error, ParseError::kMalformed);
  EXPECT_EQ(r.consumed, 0u);  // end of stream consumes no bytes
  EXPECT_FALSE(rec.messages.at(0).complete);
}

// ---------------------------------------------------------------------------------------------
// Responses

struct ResponseRun {
  Recorder rec;
  Parser parser{MessageKind::kResponse, rec, kLimit};
};

TEST(ResponseParserTest, ContentLength) {
  ResponseRun run;
  const std::string_view in = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
  const Fed fed = feed(run.parser, in, 3);
  EXPECT_EQ(fed.error, ParseError::kNone);
  EXPECT_EQ(fed.consumed, in.size());
  ASSERT_EQ(run.rec.messages.size(), 1u);
  const Seen& m = run.rec.messages[0];
  EXPECT_EQ(m.head.status, 200);
  EXPECT_EQ(m.head.content_length, 5u);
  EXPECT_TRUE(m.head.keep_alive);
  EXPECT_TRUE(m.head.method.empty());
  EXPECT_EQ(m.body, "hello");
  EXPECT_TRUE(m.complete);
  EXPECT_TRUE(run.parser.paused());
}

TEST(ResponseParserTest, Chunked) {
  ResponseRun run;
  const std::string_view in =
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: v\r\n\r\n";
  const Fed fed = feed(run.parser, in, 1);
  EXPECT_EQ(fed.error, ParseError::kNone);
  ASSERT_EQ(run.rec.messages.size(), 1u);
  EXPECT_EQ(run.rec.messages[0].head.status, 201);
  EXPECT_TRUE(run.rec.messages[0].head.chunked);
  EXPECT_EQ(run.rec.messages[0].body, "Wikipedia");
  EXPECT_TRUE(run.rec.messages[0].complete);
}

TEST(ResponseParserTest, CloseDelimitedCompletesOnlyAtFinish) {
  ResponseRun run;
  const std::string_view in = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstreamed until close";
  const ParseResult r = run.parser.execute(in.data(), in.size());
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_EQ(r.consumed, in.size());
  ASSERT_EQ(run.rec.messages.size(), 1u);
  EXPECT_FALSE(run.rec.messages[0].complete);
  EXPECT_FALSE(run.rec.messages[0].head.keep_alive);
  EXPECT_FALSE(run.rec.messages[0].head.content_length.has_value());
  EXPECT_TRUE(run.parser.inMessage());

  EXPECT_EQ(run.parser.finish().error, ParseError::kNone);
  EXPECT_TRUE(run.rec.messages[0].complete);
  EXPECT_EQ(run.rec.messages[0].body, "streamed until close");
  EXPECT_FALSE(run.parser.inMessage());
}

TEST(ResponseParserTest, Http10WithoutLengthIsCloseDelimited) {
  ResponseRun run;
  const std::string_view in = "HTTP/1.0 200 OK\r\n\r\nold";
  (void)run.parser.execute(in.data(), in.size());
  ASSERT_EQ(run.rec.messages.size(), 1u);
  EXPECT_FALSE(run.rec.messages[0].complete);
  EXPECT_EQ(run.parser.finish().error, ParseError::kNone);
  EXPECT_EQ(run.rec.messages[0].body, "old");
  EXPECT_EQ(run.rec.messages[0].head.version_minor, 0);
}

TEST(ResponseParserTest, FinishInsideALengthDelimitedBodyIsMalformed) {
  ResponseRun run;
  const std::string_view in = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort";
  (void)run.parser.execute(in.data(), in.size());
  EXPECT_EQ(run.parser.finish().error, ParseError::kMalformed);
  EXPECT_FALSE(run.rec.messages.at(0).complete);
}

TEST(ResponseParserTest, InterimResponseThenFinal) {
  ResponseRun run;
  const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
  const std::string final_resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string in = interim + final_resp;
  ParseResult r = run.parser.execute(in.data(), in.size());
  EXPECT_EQ(r.consumed, interim.size());
  EXPECT_TRUE(run.parser.paused());
  ASSERT_EQ(run.rec.messages.size(), 1u);
  EXPECT_EQ(run.rec.messages[0].head.status, 100);
  EXPECT_TRUE(run.rec.messages[0].complete);
  EXPECT_TRUE(run.rec.messages[0].body.empty());

  run.parser.resume();
  r = run.parser.execute(in.data() + interim.size(), final_resp.size());
  EXPECT_EQ(r.consumed, final_resp.size());
  ASSERT_EQ(run.rec.messages.size(), 2u);
  EXPECT_EQ(run.rec.messages[1].head.status, 200);
  EXPECT_EQ(run.rec.messages[1].body, "ok");
}

TEST(ResponseParserTest, ResumingInsideCompletionContinuesTheSameExecute) {
  // The upstream connection resumes from onMessageComplete after a 1xx.
  ResponseRun run;
  run.rec.resume_on_complete = &run.parser;
  const std::string_view in =
      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  const ParseResult r = run.parser.execute(in.data(), in.size());
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_EQ(r.consumed, in.size());
  ASSERT_EQ(run.rec.messages.size(), 3u);
  EXPECT_EQ(run.rec.messages[0].head.status, 103);
  EXPECT_EQ(run.rec.messages[1].head.status, 100);
  EXPECT_EQ(run.rec.messages[2].body, "abc");
}

TEST(ResponseParserTest, NoContentAndNotModifiedHaveNoBody) {
  for (const std::string_view in : {std::string_view("HTTP/1.1 204 No Content\r\n\r\n"),
                                    std::string_view("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n")}) {
    ResponseRun run;
    const ParseResult r = run.parser.execute(in.data(), in.size());
    EXPECT_EQ(r.consumed, in.size());
    ASSERT_EQ(run.rec.messages.size(), 1u);
    EXPECT_TRUE(run.rec.messages[0].complete) << in;
    EXPECT_TRUE(run.rec.messages[0].head.keep_alive) << in;
  }
}

TEST(ResponseParserTest, NotModifiedWithContentLengthHasNoBody) {
  // RFC 9110 §8.6: a 304 may carry the Content-Length of the selected representation; RFC 9112
  // §6.3 rule 1: 1xx/204/304 never have content, whatever the header fields say.
  ResponseRun run;
  const std::string first = "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n";
  const std::string second = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
  const std::string in = first + second;
  const Fed fed = feed(run.parser, in);
  EXPECT_EQ(fed.error, ParseError::kNone);
  ASSERT_EQ(run.rec.messages.size(), 2u);
  EXPECT_TRUE(run.rec.messages[0].complete);
  EXPECT_TRUE(run.rec.messages[0].body.empty());
  EXPECT_EQ(run.rec.messages[0].head.content_length, 1234u);
  EXPECT_EQ(run.rec.messages[1].body, "x");
}

TEST(ResponseParserTest, HeadResponseWithLengthCompletesWithoutBody) {
  ResponseRun run;
  run.parser.expectNoBody(true);
  const std::string head_resp = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
  const ParseResult r = run.parser.execute(head_resp.data(), head_resp.size());
  EXPECT_EQ(r.consumed, head_resp.size());
  ASSERT_EQ(run.rec.messages.size(), 1u);
  EXPECT_TRUE(run.rec.messages[0].complete);
  EXPECT_EQ(run.rec.messages[0].head.content_length, 5000u);
  EXPECT_TRUE(run.rec.messages[0].body.empty());

  // The next exchange on the connection is a GET again.
  run.parser.resume();
  run.parser.expectNoBody(false);
  const std::string_view get_resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
  EXPECT_EQ(run.parser.execute(get_resp.data(), get_resp.size()).consumed, get_resp.size());
  ASSERT_EQ(run.rec.messages.size(), 2u);
  EXPECT_EQ(run.rec.messages[1].body, "hi");
}

TEST(ResponseParserTest, HeadResponseWithChunkedCompletesWithoutBody) {
  ResponseRun run;
  run.parser.expectNoBody(true);
  const std::string_view in = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(run.parser.execute(in.data(), in.size()).consumed, in.size());
  ASSERT_EQ(run.rec.messages.size(), 1u);
  EXPECT_TRUE(run.rec.messages[0].complete);
}

TEST(ResponseParserTest, ConnectionCloseIsNotKeepAlive) {
  ResponseRun run;
  const std::string_view in = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  (void)run.parser.execute(in.data(), in.size());
  ASSERT_EQ(run.rec.messages.size(), 1u);
  EXPECT_FALSE(run.rec.messages[0].head.keep_alive);
  EXPECT_TRUE(run.rec.messages[0].complete);
}

TEST(ResponseParserTest, MalformedResponsesAreRejected) {
  for (const std::string_view in : {
           std::string_view("HTTP/1.1 abc OK\r\n\r\n"),
           std::string_view("XTTP/1.1 200 OK\r\n\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding : chunked\r\n\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nG\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n"),
       }) {
    for (size_t piece : {size_t{1}, kWhole}) {
      ResponseRun run;
      EXPECT_EQ(feed(run.parser, in, piece).error, ParseError::kMalformed) << in << " piece " << piece;
    }
  }
}

TEST(ResponseParserTest, StatusLineCountsTowardsTheLimit) {
  Recorder rec;
  Parser parser(MessageKind::kResponse, rec, 64);
  const std::string in = "HTTP/1.1 200 " + std::string(100, 'R') + "\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(parser.execute(in.data(), in.size()).error, ParseError::kHeaderTooLarge);
}

}  // namespace
}  // namespace metrogw::gateway::http
