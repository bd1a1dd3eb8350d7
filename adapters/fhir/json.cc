// JSON parsing with limits, JSON pointers and typed member reads for the FHIR codec.
#include "adapters/fhir/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstring>

namespace metrogw::adapters::fhir {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;

// Forwards SAX events to the document, counting depth and marking numbers (see kNumberMark).
class LimitedHandler {
 public:
  explicit LimitedHandler(rapidjson::Document& doc) : doc_(doc) {}
  // The handler method names are imposed by RapidJSON's SAX Handler concept.
  // NOLINTBEGIN(readability-identifier-naming)
  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned i) { return doc_.Uint(i); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t i) { return doc_.Uint64(i); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* str, rapidjson::SizeType len, bool /*copy*/) {
    scratch_.assign(1, kNumberMark);
    scratch_.append(str, len);
    return doc_.String(scratch_.data(), static_cast<rapidjson::SizeType>(scratch_.size()), true);
  }
  // A "\u0000" in a string is refused: a string starting with it would pass for a number.
  bool String(const char* str, rapidjson::SizeType len, bool copy) {
    return noNul(str, len) && doc_.String(str, len, copy);
  }
  bool Key(const char* str, rapidjson::SizeType len, bool copy) {
    return noNul(str, len) && doc_.Key(str, len, copy);
  }
  bool StartObject() { return enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return doc_.EndObject(n);
  }
  bool StartArray() { return enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return doc_.EndArray(n);
  }
  // NOLINTEND(readability-identifier-naming)
  [[nodiscard]] bool tooDeep() const { return too_deep_; }
  [[nodiscard]] bool nulInString() const { return nul_in_string_; }

 private:
  bool noNul(const char* str, rapidjson::SizeType len) {
    if (std::memchr(str, 0, len) != nullptr) nul_in_string_ = true;
    return !nul_in_string_;
  }
  bool enter() {
    if (++depth_ > kMaxDepth) too_deep_ = true;
    return !too_deep_;
  }
  rapidjson::Document& doc_;
  std::string scratch_;
  int depth_ = 0;
  bool too_deep_ = false;
  bool nul_in_string_ = false;
};

struct Generator {
  std::string_view text;
  rapidjson::ParseResult result;
  bool too_deep = false;
  bool nul_in_string = false;
  bool operator()(rapidjson::Document& doc) {
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::Reader reader;
    LimitedHandler handler(doc);
    result = reader.Parse<kParseFlags>(stream, handler);
    too_deep = handler.tooDeep();
    nul_in_string = handler.nulInString();
    return !result.IsError();
  }
};

void appendEscaped(std::string& out, std::string_view key) {
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
}

bool isDigits(std::string_view s, size_t from, size_t n) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// Appends a normalised zone ("Z", "+08:00") parsed from `zone`, or returns false.
bool appendZone(std::string_view zone, std::string& out) {
  if (zone.empty()) return true;
  if (zone == "Z") {
    out += 'Z';
    return true;
  }
  if (zone[0] != '+' && zone[0] != '-') return false;
  if (zone.size() == 6 && isDigits(zone, 1, 2) && zone[3] == ':' && isDigits(zone, 4, 2)) {
    out.append(zone);
    return true;
  }
  if (zone.size() == 5 && isDigits(zone, 1, 4)) {
    out.append(zone.substr(0, 3)).append(":").append(zone.substr(3));
    return true;
  }
  return false;
}

}  // namespace

Status parseJson(std::string_view text, rapidjson::Document& doc) {
  if (text.size() > kMaxMessageBytes) return Status::malformedMessage("/: message larger than 8 MiB");
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (std::memchr(text.data(), 0, text.size()) != nullptr) {
    return Status::malformedMessage("/: NUL byte in message");
  }
  Generator gen{text, {}, false, false};
  doc.Populate(gen);
  if (gen.too_deep) {
    return Status::malformedMessage("/: nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  if (gen.nul_in_string) return Status::malformedMessage("/: NUL character (\\u0000) in a string");
  if (gen.result.IsError()) {
    return Status::malformedMessage(
        "/: not JSON: " + std::string(rapidjson::GetParseError_En(gen.result.Code())) + " at offset " +
        std::to_string(gen.result.Offset()));
  }
  return Status::ok();
}

bool isJsonNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    const size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

void Node::appendPointer(std::string& out) const {
  if (parent_ == nullptr) return;
  parent_->appendPointer(out);
  out.push_back('/');
  if (index_ >= 0) {
    out += std::to_string(index_);
  } else {
    appendEscaped(out, key_);
  }
}

std::string Node::pointer() const {
  std::string out;
  appendPointer(out);
  if (out.empty()) out.push_back('/');
  return out;
}

Status Node::error(std::string_view what) const {
  std::string msg;
  appendPointer(msg);
  if (msg.empty()) msg.push_back('/');
  msg.reserve(msg.size() + 2 + what.size());
  msg.append(": ").append(what.begin(), what.end());
  return Status::malformedMessage(std::move(msg));
}

Status Node::missing(std::string_view key) const {
  std::string msg;
  appendPointer(msg);
  msg.push_back('/');
  appendEscaped(msg, key);
  msg += ": missing";
  return Status::malformedMessage(std::move(msg));
}

const JsonValue* Node::find(std::string_view key) const {
  if (!v_->IsObject()) return nullptr;
  for (auto it = v_->MemberBegin(); it != v_->MemberEnd(); ++it) {
    if (stringOf(it->name) == key) return &it->value;
  }
  return nullptr;
}

Status expectObject(const Node& n) {
  return n.value().IsObject() ? Status::ok() : n.error("expected an object");
}

Status getString(const Node& obj, std::string_view key, std::string& out) {
  return withMember(obj, key, [&](const Node& n) -> Status {
    if (!isString(n.value())) return n.error("expected a string");
    out.assign(stringOf(n.value()));
    return Status::ok();
  });
}

Status getBool(const Node& obj, std::string_view key, bool& out) {
  return withMember(obj, key, [&](const Node& n) -> Status {
    if (!n.value().IsBool()) return n.error("expected true or false");
    out = n.value().GetBool();
    return Status::ok();
  });
}

Status getUint(const Node& obj, std::string_view key, uint64_t max, uint64_t& out) {
  return withMember(obj, key, [&](const Node& n) -> Status {
    if (!isNumber(n.value())) return n.error("expected a number");
    const std::string_view text = numberText(n.value());
    uint64_t v = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return n.error("expected a non-negative integer");
      v = v * 10 + static_cast<uint64_t>(c - '0');
      if (v > max) return n.error("number out of range (max " + std::to_string(max) + ")");
    }
    out = v;
    return Status::ok();
  });
}

Status getNumber(const Node& obj, std::string_view key, std::string& out) {
  return withMember(obj, key, [&](const Node& n) -> Status {
    if (!isNumber(n.value())) return n.error("expected a number");
    out.assign(numberText(n.value()));
    return Status::ok();
  });
}

Status getTime(const Node& obj, std::string_view key, std::string& out) {
  return withMember(obj, key, [&](const Node& n) -> Status {
    if (!isString(n.value())) return n.error("expected a string");
    auto t = normaliseTime(stringOf(n.value()));
    if (!t) return n.error("expected an ISO 8601 date or date-time");
    out = std::move(*t);
    return Status::ok();
  });
}

std::optional<std::string> normaliseTime(std::string_view s) {
  if (!isDigits(s, 0, 4)) return std::nullopt;
  if (s.size() == 4) return std::string(s);
  if (s[4] != '-' || !isDigits(s, 5, 2)) return std::nullopt;
  if (s.size() == 7) return std::string(s);
  if (s[7] != '-' || !isDigits(s, 8, 2)) return std::nullopt;
  if (s.size() == 10) return std::string(s);
  if (s[10] != 'T' || !isDigits(s, 11, 2) || s.size() < 16 || s[13] != ':' || !isDigits(s, 14, 2)) {
    return std::nullopt;
  }
  size_t i = 16;
  if (i < s.size() && s[i] == ':') {
    if (!isDigits(s, i + 1, 2)) return std::nullopt;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      const size_t start = ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == start) return std::nullopt;
    }
  }
  std::string out(s.substr(0, i));
  if (!appendZone(s.substr(i), out)) return std::nullopt;
  return out;
}

}  // namespace metrogw::adapters::fhir
