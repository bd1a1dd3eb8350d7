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
void buildPatients(World& world);
void buildLabReports(World& world);
void buildSummaries(World& world);

// The identity part of a patient (ids, identifiers, name, gender, birth date), as reports carry it.
[[nodiscard]] std::unique_ptr<model::PatientT> patientIdentity(const model::PatientT& p);

// Practitioners' and patients' names.
[[nodiscard]] std::string chineseName(class Rng& rng, std::string* family = nullptr,
                                      std::string* given = nullptr);

}  // namespace metrogw::sim
