// A simulated city platform's data, deterministic from (city, seed, start date, days).
//
// Everything is a canonical model object (model/model.h). Ids are stable across runs with the
// same options and differ between seeds. The world is immutable once built; booking state lives
// in BookingBook (sim/booking_book.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "model/model.h"
#include "sim/catalog.h"
#include "sim/dates.h"

namespace metrogw::sim {

struct WorldOptions {
  std::string city = "3201";  // GB/T 2260 prefix: 3201, 3402 or 3405
  uint64_t seed = 1;
  Date start;          // first day with slots
  int days = 14;       // days of slots, 1..90
  int patients = 120;  // residents on the platform
  // A slot release (放号): release_slots single-place 10-minute evening slots (18:00-23:50) of the
  // hospital release_hospital, spread over its doctors from the second day on.
  std::string release_hospital;
  int release_slots = 0;
};

struct World {
  WorldOptions options;
  CityInfo city;
  std::vector<model::OrganizationT> organizations;
  std::vector<model::DepartmentT> departments;
  std::vector<model::PractitionerT> practitioners;
  std::vector<model::ScheduleT> schedules;
  std::vector<model::SlotT> slots;  // sorted by start, then id
  std::vector<model::PatientT> patients;
  std::vector<model::LabReportT> lab_reports;
  std::vector<model::RecordSummaryT> summaries;  // one per patient, same order as patients

  // Slot index by id (into `slots`), built by buildWorld().
  std::unordered_map<std::string, size_t> slot_index;

  [[nodiscard]] const model::SlotT* findSlot(std::string_view id) const;
  [[nodiscard]] const model::OrganizationT* findOrganization(std::string_view id) const;
};

[[nodiscard]] StatusOr<World> buildWorld(const WorldOptions& options);

// Parts of buildWorld(), each deterministic from the options (see world_*.cc).
[[nodiscard]] Status buildDirectory(const std::vector<HospitalSpec>& hospitals, World& world);
void buildSlots(World& world);
[[nodiscard]] Status buildReleaseSlots(World& world);
void buildPatients(World& world);
void buildLabReports(World& world);
void buildSummaries(World& world);

// Residents known to several cities' platforms — one person, a different local number in each — so
// that cross-city discovery has someone to link. Drawn from the seed alone (not the city): every
// city's simulator agrees on who they are. Resident i lives in simulatedCities()[i % 3], is also
// registered in the next city when i is even and in all three when i % 4 == 0. When i % 8 == 7 the
// next city holds a record of them with the birth date one day off (a data-entry error), which
// discovery must report as a conflict, not link.
inline constexpr int kMetroResidents = 24;
struct MetroResident {
  std::string resident_id;
  std::string name;
  std::string birth_date;           // YYYY-MM-DD
  std::vector<std::string> cities;  // home first
  std::string conflict_city;        // "" or the city with the wrong birth date
};
[[nodiscard]] std::vector<MetroResident> metroResidents(uint64_t seed);

// The identity part of a patient (ids, identifiers, name, gender, birth date), as reports carry it.
[[nodiscard]] std::unique_ptr<model::PatientT> patientIdentity(const model::PatientT& p);

// Practitioners' and patients' names.
[[nodiscard]] std::string chineseName(class Rng& rng, std::string* family = nullptr,
                                      std::string* given = nullptr);

}  // namespace metrogw::sim
