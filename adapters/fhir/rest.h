#pragma once
// The REST contract between a city node (client) and a FHIR R4 platform or the simulator
// (server), base path "/fhir". Targets are percent-encoded "path?query".
//
//   Query kind      request
//   Organizations   GET /fhir/Organization?_count=N[&name=<text>]
//   Departments     GET /fhir/HealthcareService?[organization=<id>&]_count=N
//   Practitioners   GET /fhir/Practitioner?[organization=<id>&][specialty=<dept>&]_count=N
//   Slots           GET /fhir/Slot?status=free[&start=ge<from>][&start=lt<to>][&specialty=<dept code>]
//                       [&service-type=<code>][&organization=<id>][&practitioner=<id>]
//                       [&family-doctor=true]&_count=N[&_offset=K | &_page_token=T]
//   Patients        GET /fhir/Patient?[identifier=<system>|<value>][&name=<text>][&birthdate=<date>]
//                       [&_id=<id>]&_count=N
//   LabReports      GET /fhir/DiagnosticReport?patient=<id> (or patient.identifier=<system>|<value>)
//                       [&date=ge<from>][&date=lt<to>]&_include=DiagnosticReport:result&_count=N
//   LabReport       GET /fhir/DiagnosticReport?_id=<id>&_include=DiagnosticReport:result
//   RecordSummary   GET /fhir/Patient/<id>/$summary                       -> document Bundle
//
//   Command         request (body: an Appointment, see appointment.cc)
//   Hold            POST /fhir/Appointment, status "pending"   -> 201 Appointment | 409 OperationOutcome
//   Book            POST /fhir/Appointment, status "booked"    -> 201 Appointment | 409 OperationOutcome
//   Cancel          PUT /fhir/Appointment/<id>, status "cancelled" -> 200 Appointment
//
// In the Appointment of a command: slot[0] = "Slot/<slot_id>", the patient participant, the
// extension "booked-by" = requester, basedOn[0] = "ServiceRequest/<referral id>",
// description = reason, identifiers (systems kIdempotencySystem, kHoldSystem) = idempotency key
// and hold id, serviceCategory coding kChannelSystem|family-doctor = family_doctor.
// Page tokens that are numbers travel as _offset, others as _page_token. Identifier systems
// that are OIDs are written "urn:oid:<oid>".

#include <string>
#include <string_view>

#include "common/status.h"
#include "model/model.h"

namespace metrogw::adapters::fhir {

inline constexpr std::string_view kIdempotencySystem = "urn:metrogw:idempotency-key";
inline constexpr std::string_view kHoldSystem = "urn:metrogw:hold";
inline constexpr std::string_view kChannelSystem = "urn:metrogw:codes:booking-channel";

struct RestRequest {
  std::string method;
  std::string target;  // path?query, percent-encoded
  std::string body;    // FHIR JSON, empty for GET
};

[[nodiscard]] StatusOr<RestRequest> toRestRequest(const model::QueryT& query);
[[nodiscard]] StatusOr<RestRequest> toRestRequest(const model::CommandT& command);

// The server side: an Envelope whose body is a Query or a Command. Errors are invalidArgument
// (malformedMessage for a body that is not FHIR JSON) and start with the parameter name (or the
// path, or the body's JSON pointer).
[[nodiscard]] StatusOr<model::EnvelopeT> fromRestRequest(std::string_view method, std::string_view target,
                                                         std::string_view body);

}  // namespace metrogw::adapters::fhir
