// Searches over a world: the filters of a canonical Query, applied to one kind of resource.
// Single-resource kinds (LabReport, RecordSummary) answer the resource itself.
#pragma once

#include "common/status.h"
#include "model/model.h"
#include "sim/booking_book.h"
#include "sim/world.h"

namespace metrogw::sim {

// Slot searches list the slots the caller (family doctor or not) can still take, or the one slot
// named by Query.id whatever its state.
// Errors: invalidArgument (400: e.g. a patient query without criteria), notFound (404).
[[nodiscard]] StatusOr<model::SearchResultT> searchSlots(const World& w, BookingBook& book,
                                                         const model::QueryT& q);
[[nodiscard]] StatusOr<model::SearchResultT> searchDirectory(const World& w, const model::QueryT& q);
[[nodiscard]] StatusOr<model::SearchResultT> searchPatients(const World& w, const model::QueryT& q);
[[nodiscard]] StatusOr<model::SearchResultT> searchLabReports(const World& w, const model::QueryT& q);
[[nodiscard]] StatusOr<model::LabReportT> readLabReport(const World& w, const model::QueryT& q);
[[nodiscard]] StatusOr<model::RecordSummaryT> readRecordSummary(const World& w, const model::QueryT& q);

// True when `patient` matches the query's patient criteria (any identifier, id, name, birth date).
[[nodiscard]] bool patientMatches(const model::PatientT& patient, const model::PatientT& criteria);
[[nodiscard]] bool hasPatientCriteria(const model::PatientT* criteria);

}  // namespace metrogw::sim
