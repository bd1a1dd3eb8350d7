#pragma once
// HL7 v2 ER7 writer: builds segments cell by cell and writes them with escaping.
//
//   SegmentBuilder pid("PID");
//   pid.set(3, 1, "12345").set(3, 4, 2, "2.16.156.10011.1.3").setRep(13, 1, 1, 0, "555");
//   MessageBuilder msg;  msg.add(std::move(pid));  std::string er7 = msg.finish();
//
// Values are plain text; the writer escapes delimiters (\F\ \S\ \T\ \R\ \E\), LF (\.br\) and CR
// (\X0D\). Empty values are not written; trailing empty fields and components are omitted.
// Segments end with CR. Not thread-safe; cheap to create.

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/er7.h"

namespace metrogw::adapters::hl7v2 {

// Appends `value` escaped for ER7 to `out`.
void appendEscaped(std::string& out, std::string_view value, const Delimiters& d);

class SegmentBuilder {
 public:
  explicit SegmentBuilder(std::string_view name) : name_(name) {}

  // field f, component c (0 or 1 = first), subcomponent s (0 or 1 = first), repetition r (0-based).
  SegmentBuilder& set(int f, std::string_view value) { return setRep(f, 0, 0, 0, value); }
  SegmentBuilder& set(int f, int c, std::string_view value) { return setRep(f, 0, c, 0, value); }
  SegmentBuilder& set(int f, int c, int s, std::string_view value) { return setRep(f, 0, c, s, value); }
  SegmentBuilder& setRep(int f, size_t r, int c, int s, std::string_view value);

  [[nodiscard]] std::string_view name() const { return name_; }
  // Writes the segment (without terminator). MSH-1 and MSH-2 come from `d`.
  void appendTo(std::string& out, const Delimiters& d) const;

 private:
  struct Cell {
    int field;
    size_t rep;
    int comp;
    int sub;
    std::string value;
  };
  std::string name_;
  std::vector<Cell> cells_;
};

class MessageBuilder {
 public:
  explicit MessageBuilder(Delimiters d = {}) : d_(d) {}
  SegmentBuilder& add(std::string_view name) { return segments_.emplace_back(name); }
  // The message: segments joined with CR (a final CR after the last one).
  [[nodiscard]] std::string finish() const;

 private:
  Delimiters d_;
  std::deque<SegmentBuilder> segments_;  // add() references stay valid
};

}  // namespace metrogw::adapters::hl7v2
