// Typed, strict access to a parsed YAML tree that collects "file:line: path: what" errors.
//
// Private to config/. Reader owns the error list; MapReader is a cursor over one mapping that
// rejects unknown and duplicate keys up front and offers typed field readers. Field readers never
// throw: a wrong type or out-of-range value is reported and the output is left untouched.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace metrogw::config::internal {

// Where a value sits: the position to report and the path shown to the user ("routes[2].cluster").
struct Where {
  YAML::Mark mark;
  std::string path;

  [[nodiscard]] Where key(std::string_view key, const YAML::Mark& key_mark) const;
  [[nodiscard]] Where index(size_t i, const YAML::Mark& item_mark) const;
};

// Largest accepted *_ms value (~24.8 days); keeps timeval and timer arithmetic far from overflow.
inline constexpr int64_t kMaxMillis = INT32_MAX;
// At most this many errors are listed; the rest are counted.
inline constexpr size_t kMaxReportedErrors = 100;

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  // Records "file:line: path: what" (or "file:line: what" when path is empty).
  void error(const YAML::Mark& mark, std::string_view path, std::string_view what);
  void error(const Where& at, std::string_view what) { error(at.mark, at.path, what); }

  [[nodiscard]] bool hasErrors() const { return !errors_.empty(); }
  // All errors ordered by line, joined with '\n', as invalidArgument.
  [[nodiscard]] Status toStatus() const;

  // Scalar conversions: report at `at` and return nullopt on a wrong type or out-of-range value.
  [[nodiscard]] std::optional<std::string> string(const YAML::Node& node, const Where& at);
  [[nodiscard]] std::optional<int64_t> integer(const YAML::Node& node, const Where& at, int64_t min,
                                               int64_t max);
  [[nodiscard]] std::optional<bool> boolean(const YAML::Node& node, const Where& at);
  [[nodiscard]] std::optional<double> number(const YAML::Node& node, const Where& at, double min, double max);

 private:
  struct Error {
    int line;
    std::string text;
  };
  std::string file_;
  std::vector<Error> errors_;
};

// One YAML mapping being read. Construction reports a non-mapping node, non-string keys, duplicate
// keys and keys outside `allowed`; later lookups only see the first occurrence of a key.
class MapReader {
 public:
  MapReader(Reader& reader, const YAML::Node& node, Where where,
            std::initializer_list<std::string_view> allowed);

  [[nodiscard]] bool valid() const { return valid_; }
  [[nodiscard]] const Where& where() const { return where_; }
  [[nodiscard]] Reader& reader() const { return *reader_; }

  [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }
  [[nodiscard]] std::optional<YAML::Node> get(std::string_view key) const;
  // Position of `key` (its line) and its path; the map's own position when the key is absent.
  [[nodiscard]] Where at(std::string_view key) const;
  // Reports "missing required key" at the map's position for each absent key.
  void require(std::initializer_list<std::string_view> keys) const;

  // Field readers: assign `out` and return true only when the key is present and valid.
  bool readString(std::string_view key, std::string& out) const;
  bool readNonEmptyString(std::string_view key, std::string& out) const;
  bool readBool(std::string_view key, bool& out) const;
  bool readDouble(std::string_view key, double& out, double min, double max) const;
  bool readMillis(std::string_view key, Millis& out) const;  // 1..kMaxMillis
  template <typename T>
  bool readInt(std::string_view key, T& out, int64_t min, int64_t max) const {
    const auto node = get(key);
    if (!node) return false;
    const auto v = reader_->integer(*node, at(key), min, max);
    if (v) out = static_cast<T>(*v);
    return v.has_value();
  }

  // A nested mapping under `key`; nullopt when the key is absent.
  [[nodiscard]] std::optional<MapReader> map(std::string_view key,
                                             std::initializer_list<std::string_view> allowed) const;
  // Calls fn(item, where) for each element of the sequence under `key`. Returns false when the key
  // is absent or not a sequence (the latter is reported).
  bool forEach(std::string_view key, const std::function<void(const YAML::Node&, const Where&)>& fn) const;
  // A sequence of strings; each element keeps its position for later checks.
  [[nodiscard]] std::vector<std::pair<std::string, Where>> readStringList(std::string_view key) const;

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  void checkKey(const Entry& entry, std::initializer_list<std::string_view> allowed);
  [[nodiscard]] const Entry* find(std::string_view key) const;

  Reader* reader_;
  Where where_;
  bool valid_ = false;
  std::vector<Entry> entries_;
};

// "a mapping", "a sequence", "null" or the quoted scalar text: for "expected X, got Y" messages.
[[nodiscard]] std::string describe(const YAML::Node& node);

}  // namespace metrogw::config::internal
