#pragma once
// HL7 v2 ER7 ("pipe and hat") reader: splits a message into segments and fields without copying.
//
// Message::parse() checks the whole message once (MSH, delimiters from MSH-1/MSH-2, segment names,
// escape sequences, limits, MSH-18 character set) so that every later access is infallible:
// Segment/Element hand out string_views into the message text, and Element::str() decodes escapes
// into a fresh std::string (a plain copy when the element has none).
//
// Segments end with CR, LF or CRLF; empty lines are skipped; a leading UTF-8 BOM is dropped.
// MSH-18 empty, "UNICODE UTF-8", "UTF-8" or "ASCII": the bytes are used as they are (and must be
// valid UTF-8); "GB18030", "GBK", "GB2312" (any spelling with spaces/dashes/years): converted to
// UTF-8 with iconv before splitting. Anything else is an error.
//
// Errors: Status::malformedMessage (resourceExhausted for limits) with the position first:
//   "MSH[1]-2: ...", "OBX[3]-5.1: ...", "segment[7]: ..." (ordinal when the name itself is bad).
// Thread-safety: a parsed Message is immutable; Segment and Element are views that must not
// outlive it. Moving a Message keeps views valid (the storage is on the heap).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace metrogw::adapters::hl7v2 {

struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
};

struct Limits {
  size_t max_bytes = size_t{8} * 1024 * 1024;  // whole message, after charset conversion
  size_t max_segments = 10000;
  size_t max_fields = 512;  // per segment
};

// A field, one repetition of it, a component or a subcomponent: raw (escaped) text.
// comp() splits the first repetition; sub() splits the first component. Numbers are 1-based
// like HL7 positions (PID-5.1.2 is field(5).comp(1).sub(2)); missing parts are empty.
class Element {
 public:
  Element() = default;
  Element(std::string_view raw, Delimiters d) : raw_(raw), d_(d) {}

  [[nodiscard]] std::string_view raw() const { return raw_; }
  [[nodiscard]] bool empty() const { return raw_.empty(); }
  [[nodiscard]] size_t repCount() const;
  [[nodiscard]] Element rep(size_t index) const;  // 0-based
  [[nodiscard]] Element comp(int n) const;
  [[nodiscard]] Element sub(int n) const;
  // Escapes decoded (\F\ \S\ \T\ \R\ \E\ \Xhh\ \.br\ -> LF; unknown sequences kept as written).
  [[nodiscard]] std::string str() const;
  // HL7 "" (explicit null) counts as empty as well.
  [[nodiscard]] bool isNull() const { return raw_.empty() || raw_ == "\"\""; }

 private:
  std::string_view raw_;
  Delimiters d_;
};

class Segment {
 public:
  Segment(std::string_view name, const std::string_view* fields, size_t count, int occurrence, Delimiters d)
      : name_(name), fields_(fields), count_(count), occurrence_(occurrence), d_(d) {}

  [[nodiscard]] std::string_view name() const { return name_; }
  // 1-based occurrence of this segment name within the message (OBX[3] is the third OBX).
  [[nodiscard]] int occurrence() const { return occurrence_; }
  // Highest field number present (MSH counts MSH-1, the field separator).
  [[nodiscard]] int fieldCount() const { return static_cast<int>(count_) - 1; }
  [[nodiscard]] Element field(int n) const;
  [[nodiscard]] Element get(int f, int c, int s = 0) const;
  // Decoded text of field f (component c, subcomponent s; 0 = the whole part).
  [[nodiscard]] std::string str(int f, int c = 0, int s = 0) const;
  [[nodiscard]] const Delimiters& delimiters() const { return d_; }
  // "OBX[3]-5" / "OBX[3]-5.1" / "OBX[3]" for error messages.
  [[nodiscard]] std::string position(int f = 0, int c = 0, int s = 0) const;

 private:
  std::string_view name_;
  const std::string_view* fields_;  // fields_[0] is the name
  size_t count_;
  int occurrence_;
  Delimiters d_;
};

class Message {
 public:
  [[nodiscard]] static StatusOr<Message> parse(std::string_view text, const Limits& limits = {});

  [[nodiscard]] const std::vector<Segment>& segments() const { return segments_; }
  [[nodiscard]] const Segment& msh() const { return segments_.front(); }
  [[nodiscard]] const Delimiters& delimiters() const { return delimiters_; }
  // First segment named `name` at index >= from, or nullptr.
  [[nodiscard]] const Segment* find(std::string_view name, size_t from = 0) const;
  // The text the views point into (UTF-8; converted when MSH-18 named a GB charset).
  [[nodiscard]] std::string_view text() const { return text_; }

 private:
  Message() = default;
  [[nodiscard]] Status split(const Limits& limits);

  std::unique_ptr<std::string> converted_;  // owns text_ after charset conversion
  std::string_view text_;
  Delimiters delimiters_;
  std::vector<std::string_view> fields_;
  std::vector<Segment> segments_;
};

// Decodes ER7 escapes in `raw` (no validation: parse() has checked them).
[[nodiscard]] std::string unescape(std::string_view raw, const Delimiters& d);

}  // namespace metrogw::adapters::hl7v2
