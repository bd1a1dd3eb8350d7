// Parser: http_parser callbacks accumulate the head, forward body pieces, pause per message.
#include "gateway/http/parser.h"

#include <climits>

namespace metrogw::gateway::http {
namespace {
Parser& self(http_parser* p) { return *static_cast<Parser*>(p->data); }
}  // namespace

std::string_view MessageHead::path() const {
  std::string_view u(url);
  // absolute-form ("http://host/x", RFC 9112 §3.2.2): route on the path part.
  if (!u.starts_with('/')) {
    const size_t scheme = u.find("://");
    if (scheme != std::string_view::npos) {
      const size_t slash = u.find('/', scheme + 3);
      u = slash == std::string_view::npos ? std::string_view("/") : u.substr(slash);
    }
  }
  return u.substr(0, u.find('?'));
}

void MessageHead::clear() {
  method.clear();
  url.clear();
  status = 0;
  version_major = 1;
  version_minor = 1;
  headers.clear();
  keep_alive = true;
  chunked = false;
  content_length.reset();
  upgrade = false;
}

Parser::Parser(MessageKind kind, ParserCallbacks& callbacks, uint32_t max_header_bytes)
    : kind_(kind), callbacks_(callbacks), max_header_bytes_(max_header_bytes) {
  http_parser_init(&parser_, kind == MessageKind::kRequest ? HTTP_REQUEST : HTTP_RESPONSE);
  parser_.data = this;
  http_parser_settings_init(&settings_);
  settings_.on_message_begin = &Parser::onMessageBegin;
  settings_.on_url = &Parser::onUrl;
  settings_.on_status = &Parser::onStatus;
  settings_.on_header_field = &Parser::onHeaderField;
  settings_.on_header_value = &Parser::onHeaderValue;
  settings_.on_headers_complete = &Parser::onHeadersComplete;
  settings_.on_body = &Parser::onBodyData;
  settings_.on_message_complete = &Parser::onMessageDone;
}

ParseResult Parser::execute(const char* data, size_t len) {
  if (paused_) return {0, ParseError::kNone};
  buffer_end_ = data + len;
  const size_t n = http_parser_execute(&parser_, &settings_, data, len);
  const auto err = HTTP_PARSER_ERRNO(&parser_);
  if (err == HPE_OK || (err == HPE_PAUSED && paused_)) return {n, ParseError::kNone};
  if (header_too_large_ || err == HPE_HEADER_OVERFLOW) return {n, ParseError::kHeaderTooLarge};
  if (aborted_) return {n, ParseError::kAborted};
  return {n, ParseError::kMalformed};
}

ParseResult Parser::finish() {
  ParseResult r = execute(nullptr, 0);
  r.consumed = 0;  // http_parser reports 1 byte "consumed" when EOF arrives mid-message
  return r;
}

void Parser::resume() {
  paused_ = false;
  http_parser_pause(&parser_, 0);
}

const char* Parser::lastErrorName() const {
  return http_errno_name(static_cast<http_errno>(HTTP_PARSER_ERRNO(&parser_)));
}

bool Parser::countHeaderBytes(size_t len) {
  header_bytes_ += len;
  if (header_bytes_ > max_header_bytes_) {
    header_too_large_ = true;
    return false;
  }
  return true;
}

void Parser::commitHeader() {
  if (!field_.empty()) head_.headers.add(std::move(field_), std::move(value_));
  field_.clear();
  value_.clear();
  in_value_ = false;
  value_at_buffer_end_ = false;
}

int Parser::onMessageBegin(http_parser* p) {
  Parser& s = self(p);
  s.head_.clear();
  s.field_.clear();
  s.value_.clear();
  s.in_value_ = false;
  s.value_at_buffer_end_ = false;
  s.header_bytes_ = 0;
  s.in_message_ = true;
  s.headers_done_ = false;
  return 0;
}

int Parser::onUrl(http_parser* p, const char* at, size_t len) {
  Parser& s = self(p);
  if (!s.countHeaderBytes(len)) return -1;
  s.head_.url.append(at, len);
  return 0;
}

int Parser::onStatus(http_parser* p, const char* /*at*/, size_t len) {
  return self(p).countHeaderBytes(len) ? 0 : -1;
}

int Parser::onHeaderField(http_parser* p, const char* at, size_t len) {
  Parser& s = self(p);
  // A name split across execute() calls arrives in pieces; ": " and CRLF count once per line.
  const bool new_line = s.in_value_ || s.field_.empty();
  if (!s.countHeaderBytes(len + (new_line ? 4 : 0))) return -1;
  // http_parser (non-strict build) lets SP into names; RFC 9112 §5.1 requires rejecting
  // "Name : value", which other hops may read as "Name".
  if (std::string_view(at, len).find(' ') != std::string_view::npos) return -1;
  if (s.in_value_) s.commitHeader();
  s.field_.append(at, len);
  return 0;
}

int Parser::onHeaderValue(http_parser* p, const char* at, size_t len) {
  Parser& s = self(p);
  if (!s.countHeaderBytes(len)) return -1;
  // A value arrives in several pieces only when split across execute() calls; any other second
  // piece is an obs-fold continuation line, which http_parser accepts and would glue on without
  // a space. RFC 9112 §5.2 allows rejecting it; we do.
  if (s.in_value_ && !s.value_at_buffer_end_) return -1;
  s.in_value_ = true;
  s.value_at_buffer_end_ = at + len == s.buffer_end_;
  s.value_.append(at, len);
  return 0;
}

int Parser::onHeadersComplete(http_parser* p) {
  Parser& s = self(p);
  s.commitHeader();
  MessageHead& h = s.head_;
  if (s.kind_ == MessageKind::kRequest) {
    h.method = http_method_str(static_cast<http_method>(p->method));
  } else {
    h.status = static_cast<int>(p->status_code);
  }
  h.version_major = p->http_major;
  h.version_minor = p->http_minor;
  h.keep_alive = http_should_keep_alive(p) != 0;
  h.chunked = (p->flags & F_CHUNKED) != 0;
  if (!h.chunked && p->content_length != ULLONG_MAX) h.content_length = p->content_length;
  h.upgrade = p->upgrade != 0;
  s.headers_done_ = true;
  if (!s.callbacks_.onHeaders(h)) {
    s.aborted_ = true;
    return -1;
  }
  // Responses to HEAD, and 1xx/204/304 responses, have no body whatever their framing headers say
  // (RFC 9112 §6.3 rule 1). http_parser only knows this when no Content-Length is present.
  const bool no_body = s.expect_no_body_ || h.status < 200 || h.status == 204 || h.status == 304;
  return (s.kind_ == MessageKind::kResponse && no_body) ? 1 : 0;
}

int Parser::onBodyData(http_parser* p, const char* at, size_t len) {
  Parser& s = self(p);
  if (!s.callbacks_.onBody(std::string_view(at, len))) {
    s.aborted_ = true;
    return -1;
  }
  return 0;
}

int Parser::onMessageDone(http_parser* p) {
  Parser& s = self(p);
  s.in_message_ = false;
  s.paused_ = true;
  http_parser_pause(p, 1);
  s.callbacks_.onMessageComplete();
  return 0;
}

}  // namespace metrogw::gateway::http
