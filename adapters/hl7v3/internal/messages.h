#pragma once
// One decoder and one encoder per HL7 v3 interaction / CDA document the codec speaks. Decoders
// get the root element (already identified) and fill env.body (and in_reply_to where the message
// carries one); encoders write the whole message. Layouts are documented beside each pair.

#include <string>

#include "adapters/hl7v3/internal/xml.h"
#include "model/model.h"

namespace metrogw::adapters::hl7v3 {

// patient_messages.cc: PRPA_IN201311UV02 (register), PRPA_IN201305UV02 (query),
// PRPA_IN201306UV02 (query response), MCCI_IN000002UV01 (acknowledgement).
[[nodiscard]] Status decodePatientRegister(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodePatientRegister(const model::EnvelopeT& env, const model::PatientT& p);
[[nodiscard]] Status decodePatientQuery(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodePatientQuery(const model::EnvelopeT& env, const model::QueryT& q);
[[nodiscard]] Status decodePatientQueryResponse(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodePatientQueryResponse(const model::EnvelopeT& env,
                                                     const model::SearchResultT& r);
[[nodiscard]] Status decodeAcknowledgement(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodeAcknowledgement(const model::EnvelopeT& env, const model::ProblemT& p);

// query_ack.cc: the queryAck shared by every query response.
void readQueryAck(pugi::xml_node control_act, model::SearchResultT& r);
void writeQueryAck(XmlWriter& w, const model::SearchResultT& r, size_t returned);

// schedule_messages.cc: PRSC_IN010201UV01 (schedule/slot query), PRSC_IN010202UV01 (response).
inline constexpr std::string_view kSlotQueryRoot = "PRSC_IN010201UV01";
inline constexpr std::string_view kSlotResponseRoot = "PRSC_IN010202UV01";
[[nodiscard]] Status decodeSlotQuery(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodeSlotQuery(const model::EnvelopeT& env, const model::QueryT& q);
[[nodiscard]] Status decodeSlotResponse(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodeSlotResponse(const model::EnvelopeT& env, const model::SearchResultT& r);

// appointment_messages.cc: PRPA_IN410001UV (book), PRPA_IN410002UV (booking confirmation),
// PRPA_IN410003UV (cancel).
inline constexpr std::string_view kBookRoot = "PRPA_IN410001UV";
inline constexpr std::string_view kBookedRoot = "PRPA_IN410002UV";
inline constexpr std::string_view kCancelRoot = "PRPA_IN410003UV";
[[nodiscard]] Status decodeBooking(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodeBooking(const model::EnvelopeT& env, const model::CommandT& c);
[[nodiscard]] Status decodeBooked(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodeBooked(const model::EnvelopeT& env, const model::AppointmentT& a);

// directory_messages.cc: PRPM_IN406010UV01 (organisation query), PRPM_IN406110UV01 (response).
inline constexpr std::string_view kOrgQueryRoot = "PRPM_IN406010UV01";
inline constexpr std::string_view kOrgResponseRoot = "PRPM_IN406110UV01";
[[nodiscard]] Status decodeOrganizationQuery(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodeOrganizationQuery(const model::EnvelopeT& env, const model::QueryT& q);
[[nodiscard]] Status decodeOrganizationResponse(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodeOrganizationResponse(const model::EnvelopeT& env,
                                                     const model::SearchResultT& r);

// cda_lab.cc: WS/T 500 C0007 and the retrieve response carrying such documents (RCMR_IN000032UV01).
inline constexpr std::string_view kDocumentRetrieveRoot = "RCMR_IN000032UV01";
[[nodiscard]] StatusOr<model::LabReportT> readLabReport(pugi::xml_node doc);
void writeLabReport(XmlWriter& w, const model::LabReportT& r);
[[nodiscard]] Status decodeDocumentRetrieve(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodeDocumentRetrieve(const model::EnvelopeT& env, const model::SearchResultT& r);

// document_messages.cc: RCMR_IN000031UV01 (shared-document query: lab reports, one lab report, the
// record summary).
inline constexpr std::string_view kDocumentQueryRoot = "RCMR_IN000031UV01";
[[nodiscard]] Status decodeDocumentQuery(pugi::xml_node root, model::EnvelopeT& env);
[[nodiscard]] std::string encodeDocumentQuery(const model::EnvelopeT& env, const model::QueryT& q);

// cda_summary.cc: WS/T 500 C0001.
[[nodiscard]] StatusOr<model::RecordSummaryT> readRecordSummary(pugi::xml_node doc);
void writeRecordSummary(XmlWriter& w, const model::RecordSummaryT& s);

}  // namespace metrogw::adapters::hl7v3
