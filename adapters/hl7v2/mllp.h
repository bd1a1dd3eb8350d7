#pragma once
// MLLP (Minimal Lower Layer Protocol) framing for HL7 v2 over TCP: <VT> message <FS><CR>.
//
// MllpDecoder is incremental: feed it bytes as they arrive, in pieces of any size, and it returns
// every message completed so far. Anything but <VT> between frames (including CR/LF) is an error,
// as is a frame larger than the limit or <FS> not followed by <CR>. After an error the decoder
// stays failed (the connection should be closed) until reset(). Not thread-safe: one per connection.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace metrogw::adapters::hl7v2 {

inline constexpr char kMllpStart = '\x0b';
inline constexpr char kMllpEnd = '\x1c';
inline constexpr char kMllpTrailer = '\r';
inline constexpr size_t kDefaultMaxMllpFrame = size_t{8} * 1024 * 1024;

// <VT> message <FS><CR>.
[[nodiscard]] std::string mllpFrame(std::string_view message);

class MllpDecoder {
 public:
  explicit MllpDecoder(size_t max_frame = kDefaultMaxMllpFrame) : max_frame_(max_frame) {}

  // Appends complete messages (payload only) to `out`. Errors are malformedMessage
  // ("mllp+<offset>: ...", offset counted from the first byte fed) or resourceExhausted.
  [[nodiscard]] Status feed(std::string_view bytes, std::vector<std::string>& out);

  // True when no frame is partly received (a clean point to close the connection).
  [[nodiscard]] bool idle() const { return state_ == State::kBetween; }
  [[nodiscard]] bool failed() const { return state_ == State::kFailed; }
  void reset();

 private:
  enum class State { kBetween, kInFrame, kAfterEnd, kFailed };
  [[nodiscard]] Status fail(Status status);

  size_t max_frame_;
  State state_ = State::kBetween;
  std::string frame_;
  size_t offset_ = 0;  // bytes consumed so far, for error messages
};

}  // namespace metrogw::adapters::hl7v2
