#pragma once
// FHIR R4 resources <-> canonical bodies. Each decodeX() takes the resource's object node and
// checks every member it reads; each writeX() writes one resource object (with resourceType).

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/fhir/datatypes.h"

namespace metrogw::adapters::fhir {

// Resolves references inside one message: a resource's `contained` resources ("#id") and the
// entries of the enclosing Bundle (by fullUrl, or "Kind/id"). Not copyable: nodes point into it.
class Resolver {
 public:
  explicit Resolver(const Resolver* outer = nullptr) : outer_(outer) {}
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Indexes owner.contained[] (owner must outlive the resolver).
  [[nodiscard]] Status addContained(const Node& owner);
  // Indexes bundle.entry[].resource (bundle must outlive the resolver); entries without a
  // resource are skipped.
  [[nodiscard]] Status addEntries(const Node& bundle);

  // The resource `reference` points to, or nullptr; marks it used.
  [[nodiscard]] const Node* resolve(std::string_view reference) const;
  struct Target {
    std::string full_url;
    std::string kind;
    std::string id;
    std::string mode;  // search.mode
    const Node* node;
    bool contained;
    mutable bool used = false;
  };
  [[nodiscard]] const std::vector<Target>& targets() const { return targets_; }

 private:
  [[nodiscard]] Status addTarget(const Node& resource, std::string full_url, bool contained,
                                 std::string mode);
  const Resolver* outer_;
  std::deque<Node> nodes_;
  std::vector<Target> targets_;
};

// The resourceType of a resource object, or an error at /resourceType.
[[nodiscard]] StatusOr<std::string> resourceTypeOf(const Node& res);

// -- directory (directory.cc) ---------------------------------------------------------------
[[nodiscard]] Status decodePatient(const Node& res, model::PatientT& out);
[[nodiscard]] Status decodeOrganization(const Node& res, model::OrganizationT& out);
[[nodiscard]] Status decodePractitioner(const Node& res, model::PractitionerT& out);
[[nodiscard]] Status decodeDepartment(const Node& res, model::DepartmentT& out);  // HealthcareService
void writePatient(Out& o, const model::PatientT& p, std::string_view id_override = {});
void writeOrganization(Out& o, const model::OrganizationT& org);
void writePractitioner(Out& o, const model::PractitionerT& p);
void writeDepartment(Out& o, const model::DepartmentT& d);

// A patient named by a reference: the referenced Patient resource when the resolver finds it,
// else id/identifier/display of the reference itself.
[[nodiscard]] Status decodePatientReference(const Node& ref, const Resolver* resolver,
                                            Ptr<model::PatientT>& out);
// True when the patient fits in a reference (an id without '/', at most one identifier, a name text
// only).
[[nodiscard]] bool fitsInReference(const model::PatientT& p);
// The reference for a patient: to `target` ("#id", a fullUrl) when given, else inline.
void writePatientReference(Out& o, std::string_view key, const model::PatientT& p, std::string_view target);

// -- scheduling (schedule.cc, slot.cc, appointment.cc) -----------------------------------------
[[nodiscard]] Status decodeSchedule(const Node& res, model::ScheduleT& out);
[[nodiscard]] Status decodeSlot(const Node& res, model::SlotT& out);
[[nodiscard]] Status decodeAppointment(const Node& res, model::AppointmentT& out);
void writeSchedule(Out& o, const model::ScheduleT& s);
void writeSlot(Out& o, const model::SlotT& s);
void writeAppointment(Out& o, const model::AppointmentT& a);

// -- results (lab_report.cc) ----------------------------------------------------------------
[[nodiscard]] Status decodeObservation(const Node& res, model::ObservationT& out);
[[nodiscard]] Status decodeDiagnosticReport(const Node& res, const Resolver* outer, model::LabReportT& out);
// A LabReport of loose Observations (no DiagnosticReport): patient from the first subject.
[[nodiscard]] Status decodeObservationsAsReport(const std::vector<const Node*>& observations,
                                                const Resolver* resolver, model::LabReportT& out);
void writeObservation(Out& o, const model::ObservationT& obs);
// Writes the Bundle entries of a report: the DiagnosticReport (mode `mode`), its patient when it
// does not fit in a reference, and its observations (mode "include" in a searchset). `next` numbers
// the urn:uuid fullUrls within one Bundle.
// `patient_entry` writes the patient as an entry even when it fits in a reference (a bare
// "Patient/<id>" would resolve to another report's included Patient with the same id).
void writeLabReportEntries(Out& o, const model::LabReportT& r, std::string_view mode, uint64_t& next,
                           bool patient_entry = false);
// "urn:uuid:..." fullUrl number n of a Bundle.
[[nodiscard]] std::string entryUrl(uint64_t n);

// -- records (record_summary.cc) and outcomes (operation_outcome.cc) ----------------------------
[[nodiscard]] Status decodeDocument(const Node& composition, const Resolver& resolver,
                                    model::RecordSummaryT& out);
void writeRecordSummary(Out& o, const model::RecordSummaryT& r);
[[nodiscard]] Status decodeOperationOutcome(const Node& res, model::ProblemT& out);
void writeOperationOutcome(Out& o, const model::ProblemT& p);
[[nodiscard]] Status decodeIncomplete(const Node& res, std::vector<std::unique_ptr<model::IncompleteT>>& out);
void writeIncomplete(Out& o, const model::IncompleteT& i);

// -- bundles (bundle.cc) --------------------------------------------------------------------
[[nodiscard]] Status decodeBundle(const Node& bundle, model::EnvelopeT& out);
void writeSearchResult(Out& o, const model::SearchResultT& r);
void writeLabReportBundle(Out& o, const model::LabReportT& r);

}  // namespace metrogw::adapters::fhir
