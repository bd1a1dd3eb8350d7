#pragma once
// Message mappers of the hl7v2 codec: one reader and one writer per segment group. Readers take the
// parsed message and the index of the group's first segment; errors carry the segment position.

#include <memory>
#include <string>
#include <vector>

#include "adapters/hl7v2/er7.h"
#include "adapters/hl7v2/writer.h"
#include "common/status.h"
#include "model/model.h"

namespace metrogw::adapters::hl7v2::internal {

// MSH-9 message type and trigger, MSH-10 control id, MSA-2 reply reference.
struct Header {
  std::string type;     // "ORU"
  std::string trigger;  // "R01"
};

// -- patient (patient.cc) -------------------------------------------------------------------------
[[nodiscard]] Status readPid(const Segment& pid, model::PatientT& out);
void writePid(MessageBuilder& mb, const model::PatientT& p, int set_id);

// -- lab results (lab.cc) -------------------------------------------------------------------------
// Every OBR group from segment `from` on; each report gets the PID that precedes it.
[[nodiscard]] Status readLabReports(const Message& msg, size_t from,
                                    std::vector<std::unique_ptr<model::LabReportT>>& out);
// PID (when `with_pid`), OBR, NTE, OBX+NTE..., SPM.
void writeLabReport(MessageBuilder& mb, const model::LabReportT& r, int set_id, bool with_pid);

// -- scheduling (scheduling.cc) -------------------------------------------------------------------
[[nodiscard]] Status readAppointment(const Message& msg, size_t sch, std::string_view trigger,
                                     model::AppointmentT& out);
void writeAppointment(MessageBuilder& mb, const model::AppointmentT& a);
[[nodiscard]] Status readSlots(const Message& msg, std::vector<std::unique_ptr<model::SlotT>>& out);
void writeSlot(MessageBuilder& mb, const model::SlotT& s, int set_id);
[[nodiscard]] Status readCommand(const Message& msg, model::CommandAction action, model::CommandT& out);
void writeCommand(MessageBuilder& mb, const model::CommandT& c);
[[nodiscard]] Status readSlotQuery(const Message& msg, model::QueryT& out);
void writeSlotQuery(MessageBuilder& mb, const model::QueryT& q, std::string_view query_id);

// -- queries and directory (queries.cc) -----------------------------------------------------------
[[nodiscard]] Status readPatientQuery(const Message& msg, model::QueryT& out);  // QBP^Q22
void writePatientQuery(MessageBuilder& mb, const model::QueryT& q, std::string_view tag);
[[nodiscard]] Status readLabQuery(const Message& msg, model::QueryT& out);  // QBP^Z01
void writeLabQuery(MessageBuilder& mb, const model::QueryT& q, std::string_view tag);
[[nodiscard]] Status readOrganizationQuery(const Message& msg, model::QueryT& out);  // MFQ^M05
void writeOrganizationQuery(MessageBuilder& mb, const model::QueryT& q, std::string_view query_id);
[[nodiscard]] Status readOrganizations(const Message& msg,
                                       std::vector<std::unique_ptr<model::OrganizationT>>& out);
void writeOrganization(MessageBuilder& mb, const model::OrganizationT& o);
// QAK-4 hit count -> total (-1 when absent); DSC-1 -> next page token.
[[nodiscard]] Status readQak(const Message& msg, model::SearchResultT& out);
void writeQak(MessageBuilder& mb, std::string_view tag, const model::SearchResultT& r, size_t payload);
void writeDsc(MessageBuilder& mb, std::string_view token);

// -- acknowledgements (ack.cc) --------------------------------------------------------------------
// MSA-1 AE/AR/CE/CR -> Problem (ERR/MSA text), else nullptr.
[[nodiscard]] std::unique_ptr<model::ProblemT> readProblem(const Message& msg);
void writeMsa(MessageBuilder& mb, std::string_view code, std::string_view in_reply_to);
void writeProblem(MessageBuilder& mb, const model::ProblemT& p, std::string_view in_reply_to);

// NTE-3 texts of the NTE segments right after index `after` (NTE-2 when NTE-3 is empty and NTE-2
// is not a one-letter source code), joined with LF; blank lines are dropped.
[[nodiscard]] std::string readNotes(const Message& msg, size_t after);
// One NTE per non-blank line of `text`.
void writeNotes(MessageBuilder& mb, std::string_view text);

}  // namespace metrogw::adapters::hl7v2::internal
