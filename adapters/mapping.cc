#include "adapters/mapping.h"

#include <cstdio>
#include <cstdlib>

#include "common/embedded.h"

namespace metrogw {
extern const EmbeddedFile kAdapterTables[];
extern const size_t kAdapterTables_count;
}  // namespace metrogw

namespace metrogw::adapters {
namespace {

[[nodiscard]] std::vector<std::string_view> splitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

[[nodiscard]] std::string_view tablePrefix(Table table) {
  switch (table) {
    case Table::kGender: return "gender";
    case Table::kDepartments: return "departments";
    case Table::kLabItems: return "lab_items";
  }
  return "";
}

[[nodiscard]] CodeMap loadBuiltin(Table table) {
  std::string merged;
  const std::string_view prefix = tablePrefix(table);
  for (size_t i = 0; i < kAdapterTables_count; ++i) {
    const EmbeddedFile& file = kAdapterTables[i];
    if (file.name.substr(0, prefix.size()) != prefix) continue;
    auto map = CodeMap::parse(file.name, file.text);
    if (!map.isOk()) {
      std::fprintf(stderr, "metrogw: built-in code table broken: %s\n", map.status().message().c_str());
      std::abort();
    }
    merged.append(file.text);
    if (!merged.empty() && merged.back() != '\n') merged.push_back('\n');
  }
  return CodeMap::parse(prefix, merged).value();
}

}  // namespace

std::string CodeMap::key(std::string_view system, std::string_view code) {
  std::string k(system);
  k.push_back('\x1f');
  k.append(code);
  return k;
}

StatusOr<CodeMap> CodeMap::parse(std::string_view name, std::string_view tsv) {
  CodeMap map;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t end = tsv.find('\n', pos);
    if (end == std::string_view::npos) end = tsv.size();
    std::string_view line = tsv.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto cols = splitTabs(line);
    if (cols.size() != 5) {
      return Status::invalidArgument(std::string(name) + ":" + std::to_string(line_no) +
                                     ": expected 5 tab-separated columns, found " +
                                     std::to_string(cols.size()));
    }
    if (cols[0].empty() || cols[1].empty() || cols[2].empty() || cols[3].empty()) {
      return Status::invalidArgument(std::string(name) + ":" + std::to_string(line_no) +
                                     ": source and target system and code must not be empty");
    }
    map.forward_[key(cols[0], cols[1])].push_back(
        CodeTarget{std::string(cols[2]), std::string(cols[3]), std::string(cols[4])});
    map.backward_[key(cols[2], cols[3])].push_back(
        CodeTarget{std::string(cols[0]), std::string(cols[1]), {}});
    ++map.size_;
  }
  return map;
}

const std::vector<CodeTarget>& CodeMap::lookup(std::string_view system, std::string_view code) const {
  static const std::vector<CodeTarget> kNone;
  auto it = forward_.find(key(system, code));
  return it == forward_.end() ? kNone : it->second;
}

const CodeTarget* CodeMap::lookup(std::string_view system, std::string_view code,
                                  std::string_view target_system) const {
  for (const CodeTarget& t : lookup(system, code)) {
    if (t.system == target_system) return &t;
  }
  return nullptr;
}

const CodeTarget* CodeMap::reverse(std::string_view target_system, std::string_view code,
                                   std::string_view source_system) const {
  auto it = backward_.find(key(target_system, code));
  if (it == backward_.end()) return nullptr;
  for (const CodeTarget& t : it->second) {
    if (t.system == source_system) return &t;
  }
  return nullptr;
}

const CodeMap& builtinMap(Table table) {
  static const CodeMap gender = loadBuiltin(Table::kGender);
  static const CodeMap departments = loadBuiltin(Table::kDepartments);
  static const CodeMap lab_items = loadBuiltin(Table::kLabItems);
  switch (table) {
    case Table::kGender: return gender;
    case Table::kDepartments: return departments;
    case Table::kLabItems: return lab_items;
  }
  return gender;
}

void mapInto(Table table, std::string_view system, std::string_view code, std::string_view display,
             model::CodeableConceptT& concept_out) {
  if (!concept_out.coding) concept_out.coding = std::make_unique<model::CodingT>();
  concept_out.coding->system = system;
  concept_out.coding->code = code;
  concept_out.coding->display = display;
  for (const CodeTarget& t : builtinMap(table).lookup(system, code)) {
    auto alt = std::make_unique<model::CodingT>();
    alt->system = t.system;
    alt->code = t.code;
    alt->display = t.display;
    concept_out.alt.push_back(std::move(alt));
  }
}

}  // namespace metrogw::adapters
