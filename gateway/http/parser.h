// Incremental HTTP/1.1 message parser over nodejs/http-parser, for requests and responses.
//
// The parser pauses itself after each complete message, so a connection handles one pipelined
// request at a time: the caller stops feeding bytes until it has answered, then calls resume().
// Callbacks run synchronously inside execute(); they must not destroy the Parser.
#pragma once

#include <http_parser.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/headers.h"

namespace metrogw::gateway::http {

enum class MessageKind { kRequest, kResponse };

struct MessageHead {
  std::string method;  // requests
  std::string url;     // requests: origin-form target as received
  int status = 0;      // responses
  int version_major = 1;
  int version_minor = 1;
  HeaderMap headers;
  bool keep_alive = true;  // per HTTP version and Connection header
  bool chunked = false;    // Transfer-Encoding: chunked
  std::optional<uint64_t> content_length;
  bool upgrade = false;

  [[nodiscard]] std::string_view path() const;  // url without query
  [[nodiscard]] bool hasBody() const { return chunked || content_length.value_or(0) > 0; }
  void clear();
};

class ParserCallbacks {
 public:
  virtual ~ParserCallbacks() = default;
  // Headers are complete. Return false to abort parsing (execute() then reports kAborted).
  virtual bool onHeaders(MessageHead& head) = 0;
  // A piece of (de-chunked) body.
  virtual bool onBody(std::string_view data) = 0;
  virtual void onMessageComplete() = 0;
};

enum class ParseError { kNone, kMalformed, kHeaderTooLarge, kAborted };

struct ParseResult {
  size_t consumed = 0;
  ParseError error = ParseError::kNone;
};

class Parser {
 public:
  Parser(MessageKind kind, ParserCallbacks& callbacks, uint32_t max_header_bytes);
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // Feeds bytes. Stops early when a message completes (then paused() is true) or on error.
  ParseResult execute(const char* data, size_t len);
  // Signals end of stream (a response delimited by connection close completes here).
  ParseResult finish();
  void resume();
  [[nodiscard]] bool paused() const { return paused_; }
  // True between the first byte of a message and its completion.
  [[nodiscard]] bool inMessage() const { return in_message_; }
  [[nodiscard]] bool headersDone() const { return headers_done_; }
  // Responses: the request was HEAD, so the next response carries no body.
  void expectNoBody(bool no_body) { expect_no_body_ = no_body; }
  [[nodiscard]] const char* lastErrorName() const;

 private:
  static int onMessageBegin(http_parser* p);
  static int onUrl(http_parser* p, const char* at, size_t len);
  static int onStatus(http_parser* p, const char* at, size_t len);
  static int onHeaderField(http_parser* p, const char* at, size_t len);
  static int onHeaderValue(http_parser* p, const char* at, size_t len);
  static int onHeadersComplete(http_parser* p);
  static int onBodyData(http_parser* p, const char* at, size_t len);
  static int onMessageDone(http_parser* p);
  bool countHeaderBytes(size_t len);
  void commitHeader();

  MessageKind kind_;
  ParserCallbacks& callbacks_;
  uint32_t max_header_bytes_;
  http_parser parser_{};
  http_parser_settings settings_{};
  MessageHead head_;
  std::string field_;
  std::string value_;
  bool in_value_ = false;
  const char* buffer_end_ = nullptr;  // end of the bytes passed to the running execute()
  bool value_at_buffer_end_ = false;  // the last value piece may continue in the next buffer
  size_t header_bytes_ = 0;
  bool header_too_large_ = false;
  bool aborted_ = false;
  bool paused_ = false;
  bool in_message_ = false;
  bool headers_done_ = false;
  bool expect_no_body_ = false;
};

}  // namespace metrogw::gateway::http
