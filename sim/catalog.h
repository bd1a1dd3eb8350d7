// Static facts the simulated worlds are built from: cities, their hospitals, departments, names.
//
// Nanjing's hospitals and their booking volumes come from the platform's published March 2025
// statistics (sim/data/nanjing_bookings_2025_03.csv, compiled in); Wuhu's and Ma'anshan's main
// hospitals are listed here. Department codes are the metro-wide codes of
// adapters/data/departments.tsv; Wuhu and Ma'anshan also have their local code systems there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/model.h"

namespace metrogw::sim {

struct HospitalSpec {
  std::string name;
  model::HospitalGrade grade = model::HospitalGrade::Unknown;
  std::string grade_class;  // 甲 / 乙
  double weight = 1;        // share of the city's slot supply (bookings for Nanjing)
};

struct CityInfo {
  std::string prefix;  // GB/T 2260, 4 digits
  std::string name;
  std::string province;
  std::vector<std::string> districts;  // 6-digit region codes used in resident IDs
  std::string department_system;       // local department code system; empty: metro codes only
  std::string dialect;                 // the platform's dialect
};

struct DepartmentSpec {
  std::string_view code;  // metro code (urn:metrogw:codes:department)
  std::string_view name;  // Chinese name
};

// Nanjing 3201, Wuhu 3402, Ma'anshan 3405; NotFound for any other prefix.
[[nodiscard]] StatusOr<CityInfo> cityInfo(std::string_view prefix);
[[nodiscard]] std::vector<std::string> simulatedCities();

// The city's hospitals, in a fixed order.
[[nodiscard]] StatusOr<std::vector<HospitalSpec>> hospitalsOf(std::string_view prefix);
// Parses the Nanjing booking CSV (rank,hospital,...,total); weight = total.
[[nodiscard]] StatusOr<std::vector<HospitalSpec>> parseBookingCsv(std::string_view csv);

// Every department the worlds use, general hospitals first.
[[nodiscard]] const std::vector<DepartmentSpec>& departmentCatalog();
// The metro department codes a hospital offers, from its name and grade (04.03 for every big one).
[[nodiscard]] std::vector<std::string_view> departmentsFor(const HospitalSpec& hospital);

[[nodiscard]] const std::vector<std::string>& surnames();
[[nodiscard]] const std::vector<std::string>& givenNameChars();

}  // namespace metrogw::sim
