#pragma once
// JSON reading and writing for the FHIR codec (RapidJSON, no exceptions).
//
// parseJson() parses one message with limits (size, nesting depth, UTF-8 validation, no trailing
// bytes, no NUL character in strings). Numbers keep their exact text: they are stored as strings that start
// with a NUL byte (kNumberMark), so "6.30" stays "6.30"; use isNumber()/numberText(). A Node is a value plus
// the way to it; errors are "<JSON pointer>: <what>" and never quote values.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace metrogw::adapters::fhir {

inline constexpr size_t kMaxMessageBytes = size_t{8} * 1024 * 1024;
inline constexpr int kMaxDepth = 64;
inline constexpr char kNumberMark = '\0';

using JsonValue = rapidjson::Value;

// Parses `text` (a leading UTF-8 BOM is skipped) into `doc`.
[[nodiscard]] Status parseJson(std::string_view text, rapidjson::Document& doc);

[[nodiscard]] inline bool isNumber(const JsonValue& v) {
  return v.IsString() && v.GetStringLength() > 0 && v.GetString()[0] == kNumberMark;
}
[[nodiscard]] inline bool isString(const JsonValue& v) { return v.IsString() && !isNumber(v); }
[[nodiscard]] inline std::string_view stringOf(const JsonValue& v) {
  return {v.GetString(), v.GetStringLength()};
}
// The number's text as written (v must satisfy isNumber()).
[[nodiscard]] inline std::string_view numberText(const JsonValue& v) { return stringOf(v).substr(1); }

// True when `s` is a JSON number ("-1.5e3"), i.e. safe to write as a raw number.
[[nodiscard]] bool isJsonNumber(std::string_view s);

// A value in the parsed message and where it is. Nodes live on the stack and point to their parent.
class Node {
 public:
  explicit Node(const JsonValue& v) : v_(&v) {}
  Node(const JsonValue& v, const Node* parent, std::string_view key) : v_(&v), parent_(parent), key_(key) {}
  Node(const JsonValue& v, const Node* parent, size_t index)
      : v_(&v), parent_(parent), index_(static_cast<int64_t>(index)) {}

  [[nodiscard]] const JsonValue& value() const { return *v_; }
  // JSON pointer of this value ("" for the root is written as "/").
  [[nodiscard]] std::string pointer() const;
  // malformedMessage("<pointer>: <what>").
  [[nodiscard]] Status error(std::string_view what) const;
  // The pointer of a member that is missing from this object.
  [[nodiscard]] Status missing(std::string_view key) const;
  [[nodiscard]] const JsonValue* find(std::string_view key) const;

 private:
  void appendPointer(std::string& out) const;
  const JsonValue* v_;
  const Node* parent_ = nullptr;
  std::string_view key_;
  int64_t index_ = -1;
};

// Typed reads of an object's optional members: absent leaves `out` untouched, a wrong type is an
// error at the member's pointer.
[[nodiscard]] Status getString(const Node& obj, std::string_view key, std::string& out);
[[nodiscard]] Status getBool(const Node& obj, std::string_view key, bool& out);
[[nodiscard]] Status getUint(const Node& obj, std::string_view key, uint64_t max, uint64_t& out);
// A number's exact text.
[[nodiscard]] Status getNumber(const Node& obj, std::string_view key, std::string& out);
// An ISO 8601 date or date-time, normalised (see normaliseTime).
[[nodiscard]] Status getTime(const Node& obj, std::string_view key, std::string& out);
[[nodiscard]] Status expectObject(const Node& n);

// "YYYY", "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss[.f+]][Z|±hh:mm|±hhmm]" -> the same with
// the offset written ±hh:mm; nullopt when it is not such a time.
[[nodiscard]] std::optional<std::string> normaliseTime(std::string_view s);

// Calls f(Node) for the member `key` when present.
template <class F>
[[nodiscard]] Status withMember(const Node& obj, std::string_view key, F&& f) {
  const JsonValue* v = obj.find(key);
  if (v == nullptr) return Status::ok();
  return f(Node(*v, &obj, key));
}

// Same, and the member must be an object.
template <class F>
[[nodiscard]] Status withObject(const Node& obj, std::string_view key, F&& f) {
  return withMember(obj, key, [&](const Node& n) -> Status {
    RETURN_IF_ERROR(expectObject(n));
    return f(n);
  });
}

// Calls f(Node) for every element of the array member `key` (absent: no call).
template <class F>
[[nodiscard]] Status forEachItem(const Node& obj, std::string_view key, F&& f) {
  return withMember(obj, key, [&](const Node& arr) -> Status {
    if (!arr.value().IsArray()) return arr.error("expected an array");
    for (rapidjson::SizeType i = 0; i < arr.value().Size(); ++i) {
      RETURN_IF_ERROR(f(Node(arr.value()[i], &arr, i)));
    }
    return Status::ok();
  });
}

// Same, and every element must be an object.
template <class F>
[[nodiscard]] Status forEachObject(const Node& obj, std::string_view key, F&& f) {
  return forEachItem(obj, key, [&](const Node& n) -> Status {
    RETURN_IF_ERROR(expectObject(n));
    return f(n);
  });
}

// Calls f(Node) for the first object of the array member `key`, if any.
template <class F>
[[nodiscard]] Status withFirstObject(const Node& obj, std::string_view key, F&& f) {
  bool done = false;
  return forEachObject(obj, key, [&](const Node& n) -> Status {
    if (done) return Status::ok();
    done = true;
    return f(n);
  });
}

// A JSON writer that remembers whether every string was valid UTF-8.
class Out {
 public:
  Out() : w_(buf_) {}
  void beginObject() { w_.StartObject(); }
  void endObject() { w_.EndObject(); }
  void beginArray() { w_.StartArray(); }
  void endArray() { w_.EndArray(); }
  void key(std::string_view k) { ok_ &= w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void str(std::string_view s) { ok_ &= w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  void number(std::string_view raw) { ok_ &= w_.RawValue(raw.data(), raw.size(), rapidjson::kNumberType); }
  void uint(uint64_t v) { w_.Uint64(v); }
  void boolean(bool b) { w_.Bool(b); }
  // Writes "k": "v" when v is not empty.
  void field(std::string_view k, std::string_view v) {
    if (v.empty()) return;
    key(k);
    str(v);
  }
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] std::string take() const { return {buf_.GetString(), buf_.GetSize()}; }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteValidateEncodingFlag>
      w_;
  bool ok_ = true;
};

}  // namespace metrogw::adapters::fhir
