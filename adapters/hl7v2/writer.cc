#include "adapters/hl7v2/writer.h"

#include <algorithm>
#include <tuple>

namespace metrogw::adapters::hl7v2 {

void appendEscaped(std::string& out, std::string_view value, const Delimiters& d) {
  for (char c : value) {
    if (c == d.field) {
      out += d.escape;
      out += 'F';
      out += d.escape;
    } else if (c == d.component) {
      out += d.escape;
      out += 'S';
      out += d.escape;
    } else if (c == d.subcomponent) {
      out += d.escape;
      out += 'T';
      out += d.escape;
    } else if (c == d.repetition) {
      out += d.escape;
      out += 'R';
      out += d.escape;
    } else if (c == d.escape) {
      out += d.escape;
      out += 'E';
      out += d.escape;
    } else if (c == '\n') {
      out += d.escape;
      out += ".br";
      out += d.escape;
    } else if (c == '\r') {
      out += d.escape;
      out += "X0D";
      out += d.escape;
    } else {
      out += c;
    }
  }
}

SegmentBuilder& SegmentBuilder::setRep(int f, size_t r, int c, int s, std::string_view value) {
  if (value.empty() || f <= 0) return *this;
  const int comp = std::max(c, 1);
  const int sub = std::max(s, 1);
  for (Cell& cell : cells_) {
    if (cell.field == f && cell.rep == r && cell.comp == comp && cell.sub == sub) {
      cell.value = value;
      return *this;
    }
  }
  cells_.push_back(Cell{f, r, comp, sub, std::string(value)});
  return *this;
}

void SegmentBuilder::appendTo(std::string& out, const Delimiters& d) const {
  std::vector<const Cell*> cells;
  cells.reserve(cells_.size());
  for (const Cell& cell : cells_) cells.push_back(&cell);
  std::sort(cells.begin(), cells.end(), [](const Cell* a, const Cell* b) {
    return std::tie(a->field, a->rep, a->comp, a->sub) < std::tie(b->field, b->rep, b->comp, b->sub);
  });
  out += name_;
  const bool is_msh = name_ == "MSH";
  int field = 0;
  if (is_msh) {
    out += d.field;
    out += d.component;
    out += d.repetition;
    out += d.escape;
    out += d.subcomponent;
    field = 2;
  }
  size_t rep = 0;
  int comp = 1;
  int sub = 1;
  for (const Cell* cell : cells) {
    if (is_msh && cell->field <= 2) continue;
    if (cell->field != field) {
      for (; field < cell->field; ++field) out += d.field;
      rep = 0;
      comp = 1;
      sub = 1;
    }
    if (cell->rep != rep) {
      for (; rep < cell->rep; ++rep) out += d.repetition;
      comp = 1;
      sub = 1;
    }
    if (cell->comp != comp) {
      for (; comp < cell->comp; ++comp) out += d.component;
      sub = 1;
    }
    for (; sub < cell->sub; ++sub) out += d.subcomponent;
    appendEscaped(out, cell->value, d);
  }
}

std::string MessageBuilder::finish() const {
  std::string out;
  out.reserve(segments_.size() * 64);
  for (const SegmentBuilder& seg : segments_) {
    seg.appendTo(out, d_);
    out += '\r';
  }
  return out;
}

}  // namespace metrogw::adapters::hl7v2
