// Lab panels the simulated LIS systems report: items with LOINC codes, local codes, units, ranges.
#pragma once

#include <string_view>
#include <vector>

namespace metrogw::sim {

struct LabItemSpec {
  std::string_view local_code;  // the city LIS code (urn:metrogw:codes:<city>:lab-item)
  std::string_view loinc;
  std::string_view name;
  std::string_view unit;
  double low;
  double high;
  int decimals;
};

struct LabPanelSpec {
  std::string_view local_code;
  std::string_view loinc;
  std::string_view name;
  std::vector<LabItemSpec> items;
};

[[nodiscard]] const std::vector<LabPanelSpec>& labPanels();

}  // namespace metrogw::sim
