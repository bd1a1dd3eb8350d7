// Tests for HTTP/1.1 serialisation: status lines, header lines and chunked framing in evbuffers.
#include "gateway/http/writer.h"

#include <event2/buffer.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "gateway/http/parser.h"

namespace metrogw::gateway::http {
namespace {

struct EvbufferDeleter {
  void operator()(evbuffer* b) const { evbuffer_free(b); }
};
using EvbufferPtr = std::unique_ptr<evbuffer, EvbufferDeleter>;

EvbufferPtr newBuffer() { return EvbufferPtr(evbuffer_new()); }

std::string contents(evbuffer* b) {
  std::string out(evbuffer_get_length(b), '\0');
  if (!out.empty()) evbuffer_copyout(b, out.data(), out.size());
  return out;
}

TEST(WriterTest, StatusLineUsesTheReasonPhrase) {
  std::string out;
  appendStatusLine(out, 200);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\n");
  out.clear();
  appendStatusLine(out, 431);
  EXPECT_EQ(out, "HTTP/1.1 431 Request Header Fields Too Large\r\n");
  out.clear();
  appendStatusLine(out, 599);
  EXPECT_EQ(out, "HTTP/1.1 599 Unknown\r\n");
}

TEST(WriterTest, StatusLineAppendsToExistingText) {
  std::string out = "prefix|";
  appendStatusLine(out, 204);
  EXPECT_EQ(out, "prefix|HTTP/1.1 204 No Content\r\n");
}

TEST(WriterTest, HeadersAreWrittenInOrderVerbatim) {
  HeaderMap h;
  h.add("Content-Type", "application/fhir+json");
  h.add("Set-Cookie", "a=1");
  h.add("set-cookie", "b=2");
  std::string out;
  appendHeaders(out, h);
  appendHeader(out, "X-Request-Id", "");
  EXPECT_EQ(out,
            "Content-Type: application/fhir+json\r\n"
            "Set-Cookie: a=1\r\n"
            "set-cookie: b=2\r\n"
            "X-Request-Id: \r\n");
}

TEST(WriterTest, ChunkSizeIsLowercaseHex) {
  auto buf = newBuffer();
  writeChunk(buf.get(), "hello");
  EXPECT_EQ(contents(buf.get()), "5\r\nhello\r\n");

  auto big = newBuffer();
  const std::string data(255, 'z');
  writeChunk(big.get(), data);
  EXPECT_EQ(contents(big.get()), "ff\r\n" + data + "\r\n");

  auto bigger = newBuffer();
  const std::string more(70000, 'q');
  writeChunk(bigger.get(), more);
  EXPECT_EQ(contents(bigger.get()), "11170\r\n" + more + "\r\n");
}

TEST(WriterTest, EmptyChunkWritesNothing) {
  auto buf = newBuffer();
  writeChunk(buf.get(), "");
  EXPECT_EQ(evbuffer_get_length(buf.get()), 0u);
}

TEST(WriterTest, LastChunkEndsTheBody) {
  auto buf = newBuffer();
  writeChunk(buf.get(), "ab");
  writeLastChunk(buf.get());
  EXPECT_EQ(contents(buf.get()), "2\r\nab\r\n0\r\n\r\n");
}

// Whatever the writer produces, our own parser reads back unchanged.
class BodyCollector : public ParserCallbacks {
 public:
  bool onHeaders(MessageHead&) override { return true; }
  bool onBody(std::string_view data) override {
    body.append(data);
    return true;
  }
  void onMessageComplete() override { complete = true; }
  std::string body;
  bool complete = false;
};

TEST(WriterTest, WrittenMessageParsesBack) {
  std::string head;
  appendStatusLine(head, 200);
  appendHeader(head, "Transfer-Encoding", "chunked");
  head += "\r\n";
  auto buf = newBuffer();
  evbuffer_add(buf.get(), head.data(), head.size());
  writeChunk(buf.get(), "first piece, ");
  writeChunk(buf.get(), "");
  writeChunk(buf.get(), std::string(4096, 'x'));
  writeLastChunk(buf.get());
  const std::string wire = contents(buf.get());

  BodyCollector collector;
  Parser parser(MessageKind::kResponse, collector, 8192);
  const ParseResult r = parser.execute(wire.data(), wire.size());
  EXPECT_EQ(r.error, ParseError::kNone);
  EXPECT_EQ(r.consumed, wire.size());
  EXPECT_TRUE(collector.complete);
  EXPECT_EQ(collector.body, "first piece, " + std::string(4096, 'x'));
}

}  // namespace
}  // namespace metrogw::gateway::http
