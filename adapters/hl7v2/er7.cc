#include "adapters/hl7v2/er7.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "adapters/hl7v2/internal/charset.h"

namespace metrogw::adapters::hl7v2 {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The n-th (0-based) piece of `s` split on `sep`; empty when there are fewer pieces.
[[nodiscard]] std::string_view piece(std::string_view s, char sep, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t at = s.find(sep, start);
    if (at == std::string_view::npos) return {};
    start = at + 1;
  }
  const size_t end = s.find(sep, start);
  return s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

[[nodiscard]] std::string_view firstPiece(std::string_view s, char sep) { return s.substr(0, s.find(sep)); }

[[nodiscard]] bool isAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

[[nodiscard]] bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

[[nodiscard]] int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

[[nodiscard]] bool validSegmentName(std::string_view name) {
  if (name.size() != 3 || name[0] < 'A' || name[0] > 'Z') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// Reads MSH-1 and MSH-2; `text` starts with "MSH".
[[nodiscard]] Status readDelimiters(std::string_view text, Delimiters& d) {
  if (text.size() < 8 || text.substr(0, 3) != "MSH") {
    return Status::malformedMessage("MSH[1]: message does not start with an MSH segment");
  }
  const char fs = text[3];
  if (isAlnum(fs) || fs == '\r' || fs == '\n' || fs == ' ' || fs == '\0') {
    return Status::malformedMessage("MSH[1]-1: invalid field separator");
  }
  size_t end = 4;
  while (end < text.size() && text[end] != fs && text[end] != '\r' && text[end] != '\n') ++end;
  const std::string_view enc = text.substr(4, end - 4);
  if (enc.size() < 4 || enc.size() > 5)
    return Status::malformedMessage("MSH[1]-2: expected 4 encoding characters");
  for (size_t i = 0; i < enc.size(); ++i) {
    const char c = enc[i];
    if (isAlnum(c) || c == fs || c == ' ' || static_cast<unsigned char>(c) < 0x20 ||
        enc.find(c, i + 1) != std::string_view::npos) {
      return Status::malformedMessage("MSH[1]-2: invalid or repeated encoding character");
    }
  }
  d = Delimiters{fs, enc[0], enc[1], enc[2], enc[3]};
  return Status::ok();
}

// MSH-18 of the first segment. `skip_double` treats a byte >= 0x81 as the lead of a two-byte GB
// character (whose trail byte may look like a delimiter).
[[nodiscard]] std::string_view findMsh18(std::string_view text, const Delimiters& d, bool skip_double) {
  int field = 2;  // the field being read: text[3] is MSH-1, MSH-2 starts at text[4]
  size_t start = 4;
  for (size_t i = 4; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') break;
    if (skip_double && c >= 0x81) {
      ++i;
      continue;
    }
    if (text[i] != d.field) continue;
    if (++field == 18) start = i + 1;
    if (field == 19) return firstPiece(text.substr(start, i - start), d.repetition);
  }
  if (field < 18) return {};
  size_t end = start;
  while (end < text.size() && text[end] != '\r' && text[end] != '\n') ++end;
  return firstPiece(text.substr(start, end - start), d.repetition);
}

[[nodiscard]] internal::Charset detectCharset(std::string_view text, const Delimiters& d) {
  const auto plain = internal::charsetFromName(findMsh18(text, d, false));
  if (plain != internal::Charset::kUnknown) return plain;
  return internal::charsetFromName(findMsh18(text, d, true));
}

// Component and subcomponent numbers (1-based) of byte `offset` in a field, for error positions.
void locate(std::string_view field, size_t offset, const Delimiters& d, int& comp, int& sub) {
  comp = 1;
  sub = 1;
  for (size_t i = 0; i < offset && i < field.size(); ++i) {
    if (field[i] == d.repetition) {
      comp = 1;
      sub = 1;
    } else if (field[i] == d.component) {
      ++comp;
      sub = 1;
    } else if (field[i] == d.subcomponent) {
      ++sub;
    }
  }
}

// Checks every escape sequence in a field; returns the offset of a bad one (or npos) and why.
[[nodiscard]] size_t badEscape(std::string_view field, const Delimiters& d, const char*& why) {
  size_t i = field.find(d.escape);
  while (i != std::string_view::npos) {
    size_t end = i + 1;
    while (end < field.size() && field[end] != d.escape && field[end] != d.component &&
           field[end] != d.subcomponent && field[end] != d.repetition) {
      ++end;
    }
    if (end >= field.size() || field[end] != d.escape) {
      why = "unterminated escape sequence";
      return i;
    }
    const std::string_view body = field.substr(i + 1, end - i - 1);
    if (!body.empty() && body[0] == 'X') {
      const std::string_view hex = body.substr(1);
      if (hex.empty() || hex.size() % 2 != 0 || !std::all_of(hex.begin(), hex.end(), isHex)) {
        why = "bad hexadecimal escape sequence";
        return i;
      }
    }
    i = field.find(d.escape, end + 1);
  }
  return std::string_view::npos;
}

}  // namespace

// -- Element ------------------------------------------------------------------------------------

size_t Element::repCount() const {
  if (raw_.empty()) return 0;
  return static_cast<size_t>(std::count(raw_.begin(), raw_.end(), d_.repetition)) + 1;
}

Element Element::rep(size_t index) const { return {piece(raw_, d_.repetition, index), d_}; }

Element Element::comp(int n) const {
  if (n <= 0) return *this;
  return {piece(firstPiece(raw_, d_.repetition), d_.component, static_cast<size_t>(n - 1)), d_};
}

Element Element::sub(int n) const {
  if (n <= 0) return *this;
  return {piece(firstPiece(firstPiece(raw_, d_.repetition), d_.component), d_.subcomponent,
                static_cast<size_t>(n - 1)),
          d_};
}

std::string Element::str() const {
  if (raw_.find(d_.escape) == std::string_view::npos) return std::string(raw_);
  return unescape(raw_, d_);
}

std::string unescape(std::string_view raw, const Delimiters& d) {
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    const size_t esc = raw.find(d.escape, i);
    if (esc == std::string_view::npos) {
      out.append(raw.substr(i));
      break;
    }
    out.append(raw.substr(i, esc - i));
    const size_t end = raw.find(d.escape, esc + 1);
    if (end == std::string_view::npos) {  // not validated input: keep the rest literally
      out.append(raw.substr(esc));
      break;
    }
    const std::string_view body = raw.substr(esc + 1, end - esc - 1);
    if (body == "F") {
      out.push_back(d.field);
    } else if (body == "S") {
      out.push_back(d.component);
    } else if (body == "T") {
      out.push_back(d.subcomponent);
    } else if (body == "R") {
      out.push_back(d.repetition);
    } else if (body == "E") {
      out.push_back(d.escape);
    } else if (body == ".br") {
      out.push_back('\n');
    } else if (body.size() >= 3 && body[0] == 'X' && body.size() % 2 == 1 &&
               std::all_of(body.begin() + 1, body.end(), isHex)) {
      for (size_t k = 1; k + 1 < body.size(); k += 2) {
        out.push_back(static_cast<char>(hexValue(body[k]) * 16 + hexValue(body[k + 1])));
      }
    } else {
      out.append(raw.substr(esc, end - esc + 1));  // unknown: kept as written
    }
    i = end + 1;
  }
  return out;
}

// -- Segment ------------------------------------------------------------------------------------

Element Segment::field(int n) const {
  if (n <= 0 || static_cast<size_t>(n) >= count_) return {{}, d_};
  return {fields_[n], d_};
}

Element Segment::get(int f, int c, int s) const { return field(f).comp(c).sub(c > 0 ? s : 0); }

std::string Segment::str(int f, int c, int s) const { return get(f, c, s).str(); }

std::string Segment::position(int f, int c, int s) const {
  std::string out(name_);
  out += '[' + std::to_string(occurrence_) + ']';
  if (f > 0) out += '-' + std::to_string(f);
  if (f > 0 && c > 0) out += '.' + std::to_string(c);
  if (f > 0 && c > 0 && s > 0) out += '.' + std::to_string(s);
  return out;
}

// -- Message ------------------------------------------------------------------------------------

const Segment* Message::find(std::string_view name, size_t from) const {
  for (size_t i = from; i < segments_.size(); ++i) {
    if (segments_[i].name() == name) return &segments_[i];
  }
  return nullptr;
}

StatusOr<Message> Message::parse(std::string_view text, const Limits& limits) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  while (!text.empty() && (text.front() == '\r' || text.front() == '\n')) text.remove_prefix(1);
  if (text.size() > limits.max_bytes) {
    return Status::resourceExhausted("MSH[1]: message exceeds " + std::to_string(limits.max_bytes) +
                                     " bytes");
  }
  Message msg;
  RETURN_IF_ERROR(readDelimiters(text, msg.delimiters_));
  switch (detectCharset(text, msg.delimiters_)) {
    case internal::Charset::kUnknown: return Status::malformedMessage("MSH[1]-18: unsupported character set");
    case internal::Charset::kGb18030: {
      ASSIGN_OR_RETURN(std::string utf8, internal::gb18030ToUtf8(text));
      if (utf8.size() > limits.max_bytes) {
        return Status::resourceExhausted("MSH[1]: message exceeds " + std::to_string(limits.max_bytes) +
                                         " bytes");
      }
      msg.converted_ = std::make_unique<std::string>(std::move(utf8));
      text = *msg.converted_;
      break;
    }
    case internal::Charset::kUtf8:
      if (const size_t bad = internal::invalidUtf8At(text); bad != std::string_view::npos) {
        return Status::malformedMessage("MSH[1]-18: text is not valid UTF-8 (byte " + std::to_string(bad) +
                                        ")");
      }
      break;
  }
  msg.text_ = text;
  RETURN_IF_ERROR(msg.split(limits));
  return msg;
}

Status Message::split(const Limits& limits) {
  struct Pending {
    size_t first;
    size_t count;
    int occurrence;
  };
  std::vector<Pending> pending;
  std::vector<std::pair<std::string_view, int>> seen;  // name -> occurrences so far
  const Delimiters& d = delimiters_;
  fields_.reserve(text_.size() / 8 + 16);
  size_t pos = 0;
  size_t ordinal = 0;
  while (pos < text_.size()) {
    size_t end = pos;
    while (end < text_.size() && text_[end] != '\r' && text_[end] != '\n') ++end;
    const std::string_view line = text_.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    ++ordinal;
    const std::string_view name = line.substr(0, 3);
    if (!validSegmentName(name) || (line.size() > 3 && line[3] != d.field)) {
      return Status::malformedMessage("segment[" + std::to_string(ordinal) + "]: invalid segment name");
    }
    if (pending.size() >= limits.max_segments) {
      return Status::resourceExhausted("segment[" + std::to_string(ordinal) + "]: more than " +
                                       std::to_string(limits.max_segments) + " segments");
    }
    auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& p) { return p.first == name; });
    if (it == seen.end()) it = seen.insert(seen.end(), {name, 0});
    const int occurrence = ++it->second;
    const bool is_msh = name == "MSH";
    if (is_msh && ordinal != 1)
      return Status::malformedMessage("MSH[" + std::to_string(occurrence) + "]: MSH after the first segment");
    if (!is_msh && ordinal == 1)
      return Status::malformedMessage("MSH[1]: message does not start with an MSH segment");
    const size_t first = fields_.size();
    fields_.push_back(name);
    if (is_msh) fields_.push_back(line.substr(3, 1));
    size_t start = 4;
    while (line.size() > 3) {
      const size_t sep = line.find(d.field, start);
      const std::string_view f =
          line.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start);
      const int number = static_cast<int>(fields_.size() - first);
      if (static_cast<size_t>(number) > limits.max_fields) {
        return Status::resourceExhausted(std::string(name) + "[" + std::to_string(occurrence) +
                                         "]: more than " + std::to_string(limits.max_fields) + " fields");
      }
      const char* why = nullptr;
      const size_t bad = (is_msh && number == 2) ? std::string_view::npos : badEscape(f, d, why);
      if (bad != std::string_view::npos) {
        int comp = 0;
        int sub = 0;
        locate(f, bad, d, comp, sub);
        Segment seg(name, nullptr, 0, occurrence, d);
        return Status::malformedMessage(seg.position(number, comp, sub > 1 ? sub : 0) + ": " + why);
      }
      fields_.push_back(f);
      if (sep == std::string_view::npos) break;
      start = sep + 1;
    }
    pending.push_back({first, fields_.size() - first, occurrence});
  }
  if (pending.empty()) return Status::malformedMessage("MSH[1]: message does not start with an MSH segment");
  segments_.reserve(pending.size());
  for (const Pending& p : pending) {
    segments_.emplace_back(fields_[p.first], fields_.data() + p.first, p.count, p.occurrence, d);
  }
  return Status::ok();
}

}  // namespace metrogw::adapters::hl7v2
