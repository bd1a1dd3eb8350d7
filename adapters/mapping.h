#pragma once
// Code mapping tables: local code systems -> standard ones (departments, lab items -> LOINC,
// gender GB/T 2261.1 <-> HL7/FHIR). Tables are data files (adapters/data/*.tsv) compiled into the
// binary. A code without a mapping is passed on with its original system, never dropped: callers
// put the source coding in CodeableConcept.coding and a found mapping in `alt`.
//
// Each table may span several files: every adapters/data/<table>*.tsv is read, in name order.
// TSV format, one mapping per line, '#' starts a comment line:
//   source_system <TAB> source_code <TAB> target_system <TAB> target_code <TAB> target_display

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "model/model.h"

namespace metrogw::adapters {

struct CodeTarget {
  std::string system;
  std::string code;
  std::string display;
};

class CodeMap {
 public:
  // Parses TSV text; errors name the line ("departments.tsv:12: expected 5 columns").
  [[nodiscard]] static StatusOr<CodeMap> parse(std::string_view name, std::string_view tsv);

  // Every target for (system, code), in file order; empty when unmapped.
  [[nodiscard]] const std::vector<CodeTarget>& lookup(std::string_view system, std::string_view code) const;
  // The first target in `target_system`, or nullptr.
  [[nodiscard]] const CodeTarget* lookup(std::string_view system, std::string_view code,
                                         std::string_view target_system) const;
  // Reverse direction: the (source system, source code) that maps to (target_system, code).
  [[nodiscard]] const CodeTarget* reverse(std::string_view target_system, std::string_view code,
                                          std::string_view source_system) const;

  [[nodiscard]] size_t size() const { return size_; }

 private:
  static std::string key(std::string_view system, std::string_view code);
  std::unordered_map<std::string, std::vector<CodeTarget>> forward_;
  std::unordered_map<std::string, std::vector<CodeTarget>> backward_;
  size_t size_ = 0;
};

// The built-in tables (parsed once, on first use; a broken built-in table aborts at start-up
// because tests cover every table).
enum class Table { kGender, kDepartments, kLabItems };
[[nodiscard]] const CodeMap& builtinMap(Table table);

// Fills concept.coding with the source coding and appends every mapping of it to concept.alt.
void mapInto(Table table, std::string_view system, std::string_view code, std::string_view display,
             model::CodeableConceptT& concept_out);

// Well-known code systems.
inline constexpr std::string_view kLoincSystem = "http://loinc.org";
inline constexpr std::string_view kGbt2261Gender = "2.16.156.10011.2.3.3.4";  // GB/T 2261.1 value domain
inline constexpr std::string_view kFhirGender = "http://hl7.org/fhir/administrative-gender";
inline constexpr std::string_view kHl7v2Gender = "HL70001";
// Metro-wide department codes: the national list of diagnosis and treatment subjects (诊疗科目).
inline constexpr std::string_view kDepartmentSystem = "urn:metrogw:codes:department";

}  // namespace metrogw::adapters
