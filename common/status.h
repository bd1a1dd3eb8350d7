// Status and StatusOr: typed, [[nodiscard]] results used instead of exceptions on the request path.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace metrogw {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // bad input from a file, flag or caller
  kMalformedMessage,  // bytes from the network that do not parse
  kNotFound,
  kResourceExhausted,  // a limit was hit
  kUpstreamTimeout,
  kUpstreamUnavailable,
  kConsentDenied,
  kIoError,
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;

  static Status ok() { return {}; }
  static Status invalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status malformedMessage(std::string msg) { return {StatusCode::kMalformedMessage, std::move(msg)}; }
  static Status notFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status resourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status upstreamTimeout(std::string msg) { return {StatusCode::kUpstreamTimeout, std::move(msg)}; }
  static Status upstreamUnavailable(std::string msg) {
    return {StatusCode::kUpstreamUnavailable, std::move(msg)};
  }
  static Status consentDenied(std::string msg) { return {StatusCode::kConsentDenied, std::move(msg)}; }
  static Status ioError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  [[nodiscard]] bool isOk() const { return code_ == StatusCode::kOk; }
  [[nodiscard]] StatusCode code() const { return code_; }
  [[nodiscard]] const std::string& message() const { return message_; }
  [[nodiscard]] std::string toString() const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

[[nodiscard]] const char* statusCodeName(StatusCode code);

// Holds either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) {
    assert(!status_.isOk());
  }                                                // NOLINT(google-explicit-constructor)
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool isOk() const { return status_.isOk(); }
  [[nodiscard]] const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace metrogw

#define METROGW_CONCAT_INNER(a, b) a##b
#define METROGW_CONCAT(a, b) METROGW_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not ok.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::metrogw::Status metrogw_status_ = (expr);          \
    if (!metrogw_status_.isOk()) return metrogw_status_; \
  } while (false)

// `lhs = value of expr`, or returns expr's status from the enclosing function when it is not ok.
//   ASSIGN_OR_RETURN(auto doc, parse(text));
// `lhs` may be a declaration ("auto x"), so it cannot be parenthesised; `tmp` is a name.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(METROGW_CONCAT(metrogw_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.isOk()) return tmp.status();       \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
