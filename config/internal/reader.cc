// Reader and MapReader: strict typed access to a yaml-cpp tree with collected, located errors.
#include "config/internal/reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace metrogw::config::internal {
namespace {

constexpr std::string_view kIntTag = "tag:yaml.org,2002:int";
constexpr std::string_view kBoolTag = "tag:yaml.org,2002:bool";
constexpr std::string_view kFloatTag = "tag:yaml.org,2002:float";
constexpr std::string_view kPlainTag = "?";  // untagged plain scalar; quoted scalars carry "!"

int lineOf(const YAML::Mark& mark) { return mark.is_null() ? 1 : std::max(1, mark.line + 1); }

bool isPlainOr(const YAML::Node& node, std::string_view tag) {
  return node.IsScalar() && (node.Tag() == kPlainTag || node.Tag() == tag);
}

// Decimal only: "-12", "+12", "012" (twelve). No "0x", "0o", "1_000", "+-1" or "1e3".
std::optional<int64_t> parseInt(std::string_view text) {
  const bool plus = !text.empty() && text.front() == '+';
  if (plus) text.remove_prefix(1);
  if (text.empty() || text.front() == '+' || (plus && text.front() == '-')) return std::nullopt;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Escapes bytes that would break the one-error-per-line format and bounds the length.
std::string printable(std::string_view text) {
  constexpr size_t kMaxChars = 512;
  std::string out;
  for (const char c : text.substr(0, kMaxChars)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
      continue;
    }
    constexpr std::string_view kHex = "0123456789abcdef";
    out += c == '\n' ? std::string("\\n") : std::string("\\x") + kHex[u >> 4] + kHex[u & 0xf];
  }
  if (text.size() > kMaxChars) out += "...";
  return out;
}

std::optional<double> parseDouble(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789.-+eE") != std::string_view::npos) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// Levenshtein distance, for "did you mean" hints on misspelt keys. Inputs are short keys.
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// A close candidate is within a third of the key's length in edits, or extends the key ("timeout"
// -> "timeout_ms").
std::string_view closestKey(std::string_view key, std::initializer_list<std::string_view> allowed) {
  if (key.size() > 64) return {};
  std::string_view best;
  size_t best_distance = std::max<size_t>(2, key.size() / 3) + 1;
  for (const auto candidate : allowed) {
    const bool extends = key.size() >= 3 && candidate.substr(0, key.size()) == key;
    const size_t d = extends ? 1 : editDistance(key, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string unknownKeyMessage(std::string_view key, std::initializer_list<std::string_view> allowed) {
  const std::string_view best = closestKey(key, allowed);
  if (!best.empty()) return "unknown key, did you mean '" + std::string(best) + "'?";
  std::string list;
  for (const auto candidate : allowed) list += (list.empty() ? "" : ", ") + std::string(candidate);
  return "unknown key (expected one of: " + list + ")";
}

}  // namespace

std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a sequence";
  if (!node.IsScalar()) return "null";
  std::string text = node.Scalar();
  if (text.size() > 40) text = text.substr(0, 40) + "...";
  return (node.Tag() == "!" ? "quoted string '" : "'") + text + "'";
}

Where Where::key(std::string_view key, const YAML::Mark& key_mark) const {
  return {key_mark, path.empty() ? std::string(key) : path + "." + std::string(key)};
}

Where Where::index(size_t i, const YAML::Mark& item_mark) const {
  return {item_mark, path + "[" + std::to_string(i) + "]"};
}

void Reader::error(const YAML::Mark& mark, std::string_view path, std::string_view what) {
  std::string text = file_ + ":" + std::to_string(lineOf(mark)) + ": ";
  if (!path.empty()) text += printable(path) + ": ";
  text += printable(what);
  errors_.push_back({lineOf(mark), std::move(text)});
}

Status Reader::toStatus() const {
  if (errors_.empty()) return Status::ok();
  std::vector<Error> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Error& a, const Error& b) { return a.line < b.line; });
  std::string joined;
  const size_t shown = std::min(sorted.size(), kMaxReportedErrors);
  for (size_t i = 0; i < shown; ++i) joined += (i ? "\n" : "") + sorted[i].text;
  if (sorted.size() > shown) {
    joined += "\n" + file_ + ": " + std::to_string(sorted.size() - shown) + " more errors not shown";
  }
  return Status::invalidArgument(std::move(joined));
}

std::optional<std::string> Reader::string(const YAML::Node& node, const Where& at) {
  if (node.IsScalar()) return node.Scalar();
  error(at, "expected a string, got " + describe(node));
  return std::nullopt;
}

std::optional<int64_t> Reader::integer(const YAML::Node& node, const Where& at, int64_t min, int64_t max) {
  const auto value = isPlainOr(node, kIntTag) ? parseInt(node.Scalar()) : std::nullopt;
  if (!value) {
    error(at, "expected an integer, got " + describe(node));
  } else if (*value < min || *value > max) {
    const std::string range = max == INT64_MAX
                                  ? ">= " + std::to_string(min)
                                  : "between " + std::to_string(min) + " and " + std::to_string(max);
    error(at, "must be " + range + ", got " + node.Scalar());
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Reader::boolean(const YAML::Node& node, const Where& at) {
  if (isPlainOr(node, kBoolTag)) {
    const std::string& s = node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  error(at, "expected true or false, got " + describe(node));
  return std::nullopt;
}

std::optional<double> Reader::number(const YAML::Node& node, const Where& at, double min, double max) {
  const bool typed = isPlainOr(node, kFloatTag) || isPlainOr(node, kIntTag);
  const auto value = typed ? parseDouble(node.Scalar()) : std::nullopt;
  if (!value) {
    error(at, "expected a number, got " + describe(node));
  } else if (*value < min || *value > max) {
    error(at, "must be between " + std::to_string(static_cast<int64_t>(min)) + " and " +
                  std::to_string(static_cast<int64_t>(max)) + ", got " + node.Scalar());
    return std::nullopt;
  }
  return value;
}

MapReader::MapReader(Reader& reader, const YAML::Node& node, Where where,
                     std::initializer_list<std::string_view> allowed)
    : reader_(&reader), where_(std::move(where)) {
  if (!node.IsMap()) {
    reader.error(where_, "expected a mapping, got " + describe(node));
    return;
  }
  valid_ = true;
  for (const auto& kv : node) {
    Entry entry{kv.first.IsScalar() ? kv.first.Scalar() : std::string(), kv.first, kv.second};
    checkKey(entry, allowed);
    entries_.push_back(std::move(entry));
  }
}

void MapReader::checkKey(const Entry& entry, std::initializer_list<std::string_view> allowed) {
  const Where at = where_.key(entry.key, entry.key_node.Mark());
  if (!entry.key_node.IsScalar()) {
    reader_->error(entry.key_node.Mark(), where_.path,
                   "keys must be strings, got " + describe(entry.key_node));
  } else if (std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
    reader_->error(at, unknownKeyMessage(entry.key, allowed));
  } else if (const Entry* first = find(entry.key)) {
    reader_->error(at,
                   "duplicate key (first at line " + std::to_string(lineOf(first->key_node.Mark())) + ")");
  }
}

const MapReader::Entry* MapReader::find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.key_node.IsScalar() && entry.key == key) return &entry;
  }
  return nullptr;
}

std::optional<YAML::Node> MapReader::get(std::string_view key) const {
  const Entry* entry = find(key);
  if (entry == nullptr) return std::nullopt;
  return entry->value;
}

Where MapReader::at(std::string_view key) const {
  const Entry* entry = find(key);
  return where_.key(key, entry != nullptr ? entry->key_node.Mark() : where_.mark);
}

void MapReader::require(std::initializer_list<std::string_view> keys) const {
  if (!valid_) return;
  for (const auto key : keys) {
    if (!has(key)) reader_->error(where_, "missing required key '" + std::string(key) + "'");
  }
}

bool MapReader::readString(std::string_view key, std::string& out) const {
  const auto node = get(key);
  if (!node) return false;
  auto value = reader_->string(*node, at(key));
  if (value) out = std::move(*value);
  return value.has_value();
}

bool MapReader::readNonEmptyString(std::string_view key, std::string& out) const {
  std::string value;
  if (!readString(key, value)) return false;
  if (value.empty()) {
    reader_->error(at(key), "must not be empty");
    return false;
  }
  out = std::move(value);
  return true;
}

bool MapReader::readBool(std::string_view key, bool& out) const {
  const auto node = get(key);
  if (!node) return false;
  const auto value = reader_->boolean(*node, at(key));
  if (value) out = *value;
  return value.has_value();
}

bool MapReader::readDouble(std::string_view key, double& out, double min, double max) const {
  const auto node = get(key);
  if (!node) return false;
  const auto value = reader_->number(*node, at(key), min, max);
  if (value) out = *value;
  return value.has_value();
}

bool MapReader::readMillis(std::string_view key, Millis& out) const {
  int64_t ms = 0;
  if (!readInt(key, ms, 1, kMaxMillis)) return false;
  out = Millis(ms);
  return true;
}

std::optional<MapReader> MapReader::map(std::string_view key,
                                        std::initializer_list<std::string_view> allowed) const {
  const auto node = get(key);
  if (!node) return std::nullopt;
  return MapReader(*reader_, *node, at(key), allowed);
}

bool MapReader::forEach(std::string_view key,
                        const std::function<void(const YAML::Node&, const Where&)>& fn) const {
  const auto node = get(key);
  if (!node) return false;
  const Where list_at = at(key);
  if (!node->IsSequence()) {
    reader_->error(list_at, "expected a sequence, got " + describe(*node));
    return false;
  }
  size_t i = 0;
  for (const auto& item : *node) {
    const YAML::Mark mark = item.Mark().is_null() ? list_at.mark : item.Mark();
    fn(item, list_at.index(i++, mark));
  }
  return true;
}

std::vector<std::pair<std::string, Where>> MapReader::readStringList(std::string_view key) const {
  std::vector<std::pair<std::string, Where>> out;
  forEach(key, [&](const YAML::Node& item, const Where& at) {
    if (auto value = reader_->string(item, at)) out.emplace_back(std::move(*value), at);
  });
  return out;
}

}  // namespace metrogw::config::internal
