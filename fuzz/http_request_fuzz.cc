// libFuzzer target: arbitrary bytes, cut into arbitrary pieces, through the request Parser.
//
// Input layout: byte 0 picks the largest piece size (0: one byte at a time, 255: everything at
// once), byte 1 seeds the piece-size generator, the rest is the client's byte stream. The stream
// is parsed the way ServerConnection drives it (resume after every pause) and checked for:
// consumed <= len, stopping early only when paused or failed, no zero-progress loops, callback
// order, the header limit being honoured, and the same messages as parsing the stream in one piece.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/parser.h"

#define FUZZ_CHECK(cond)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "invariant failed: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
      __builtin_trap();                                                                   \
    }                                                                                     \
  } while (0)

namespace {

using metrogw::gateway::http::Header;
using metrogw::gateway::http::MessageHead;
using metrogw::gateway::http::MessageKind;
using metrogw::gateway::http::ParseError;
using metrogw::gateway::http::Parser;
using metrogw::gateway::http::ParserCallbacks;
using metrogw::gateway::http::ParseResult;

constexpr uint32_t kHeaderLimit = 8 * 1024;

struct Message {
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  bool keep_alive = false;
  bool chunked = false;
  std::optional<uint64_t> content_length;
  std::string body;
  bool complete = false;

  bool operator==(const Message&) const = default;
};

class Checker : public ParserCallbacks {
 public:
  void attach(const Parser& parser) { parser_ = &parser; }

  bool onHeaders(MessageHead& head) override {
    FUZZ_CHECK(!in_message_);
    FUZZ_CHECK(parser_->headersDone() && parser_->inMessage());
    FUZZ_CHECK(!head.method.empty());
    FUZZ_CHECK(!(head.chunked && head.content_length.has_value()));
    size_t counted = head.url.size();
    Message m;
    for (const Header& h : head.headers.entries()) {
      FUZZ_CHECK(!h.name.empty());
      FUZZ_CHECK(h.name.find(' ') == std::string::npos);
      counted += h.name.size() + h.value.size() + 4;
      m.headers.emplace_back(h.name, h.value);
    }
    FUZZ_CHECK(counted <= kHeaderLimit);
    m.method = head.method;
    m.url = head.url;
    m.keep_alive = head.keep_alive;
    m.chunked = head.chunked;
    m.content_length = head.content_length;
    messages.push_back(std::move(m));
    in_message_ = true;
    return true;
  }

  bool onBody(std::string_view data) override {
    FUZZ_CHECK(in_message_);
    Message& m = messages.back();
    m.body.append(data);
    if (!m.chunked && m.content_length) FUZZ_CHECK(m.body.size() <= *m.content_length);
    return true;
  }

  void onMessageComplete() override {
    FUZZ_CHECK(in_message_);
    FUZZ_CHECK(parser_->paused() && !parser_->inMessage());
    Message& m = messages.back();
    if (!m.chunked && m.content_length) FUZZ_CHECK(m.body.size() == *m.content_length);
    m.complete = true;
    in_message_ = false;
  }

  std::vector<Message> messages;

 private:
  const Parser* parser_ = nullptr;
  bool in_message_ = false;
};

// Piece sizes in [1, max] from a small xorshift generator; max 0 means "all that is left".
class Cutter {
 public:
  Cutter(uint8_t max, uint8_t seed) : max_(max == 255 ? 0 : size_t{max} + 1), state_(0x9e3779b9u ^ seed) {}
  size_t next(size_t remaining) {
    if (max_ == 0) return remaining;
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    const size_t n = 1 + state_ % max_;
    return n < remaining ? n : remaining;
  }

 private:
  size_t max_;
  uint32_t state_;
};

struct Outcome {
  std::vector<Message> messages;
  bool failed = false;
};

Outcome parseStream(std::string_view in, Cutter cutter) {
  Outcome out;
  Checker checker;
  Parser parser(MessageKind::kRequest, checker, kHeaderLimit);
  checker.attach(parser);

  size_t off = 0;
  int stalls = 0;
  while (off < in.size()) {
    if (parser.paused()) parser.resume();
    const size_t n = cutter.next(in.size() - off);
    const ParseResult r = parser.execute(in.data() + off, n);
    FUZZ_CHECK(r.consumed <= n);
    off += r.consumed;
    if (r.error != ParseError::kNone) {
      out.failed = true;
      // Errors are sticky: the parser refuses to go on.
      const ParseResult again = parser.execute(in.data() + off, in.size() - off);
      FUZZ_CHECK(again.error != ParseError::kNone && again.consumed == 0);
      break;
    }
    if (r.consumed < n) FUZZ_CHECK(parser.paused());
    stalls = r.consumed == 0 ? stalls + 1 : 0;
    FUZZ_CHECK(stalls < 2);  // a resumed parser must consume or fail
  }
  if (!out.failed && parser.paused()) parser.resume();
  if (!out.failed) {
    const ParseResult r = parser.finish();
    FUZZ_CHECK(r.consumed == 0);
  }
  out.messages = std::move(checker.messages);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);
  const Outcome pieces = parseStream(stream, Cutter(data[0], data[1]));
  const Outcome whole = parseStream(stream, Cutter(255, 0));
  // Segmentation must not change what the application sees.
  FUZZ_CHECK(pieces.failed == whole.failed);
  FUZZ_CHECK(pieces.messages == whole.messages);
  return 0;
}
