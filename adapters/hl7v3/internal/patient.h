#pragma once
// Patient <-> HL7 v3, in both national spellings:
//   message (PRPA_MT201310UV02-style, WS/T 790): <patient classCode="PAT"> with local ids in
//     patient/id, the resident ID in patientPerson/id, other national ids (health card
//     2.16.156.10011.1.19, health record 2.16.156.10011.1.2, ...) in patientPerson/asOtherIDs,
//     the registering organisation in providerOrganization;
//   CDA (WS/T 500 recordTarget): patientRole/id (all ids except the resident ID), addr, telecom,
//     patientRole/patient/{id (resident ID), name, administrativeGenderCode, birthTime, ...}.
// Identifiers come out ordered local ids, resident ID, other national ids (order within a group
// kept); Patient.id is the first local id. Gender: GB/T 2261.1 codes give `gender`; any other
// system is mapped through the gender table and kept in gender_code.

#include "adapters/hl7v3/internal/datatypes.h"
#include "adapters/hl7v3/internal/xml.h"
#include "model/model.h"

namespace metrogw::adapters::hl7v3 {

inline constexpr std::string_view kLocalPatientIdRoot = "2.16.156.10011.2.5.1.4";

[[nodiscard]] StatusOr<model::PatientT> readMessagePatient(pugi::xml_node patient);
void writeMessagePatient(XmlWriter& w, const model::PatientT& patient);

// `patient_role` is recordTarget/patientRole.
[[nodiscard]] StatusOr<model::PatientT> readCdaPatient(pugi::xml_node patient_role);
void writeCdaRecordTarget(XmlWriter& w, const model::PatientT& patient,
                          const std::vector<std::unique_ptr<model::IdentifierT>>& extra_role_ids);

// Shared pieces.
void readGender(pugi::xml_node code, model::PatientT& patient);
void writeGender(XmlWriter& w, const model::PatientT& patient, Style style,
                 std::string_view element = "administrativeGenderCode");
// Stable order by group (local, resident ID, other national) and Patient.id from the first local.
void normaliseIdentifiers(model::PatientT& patient);
// 0 local, 1 resident ID, 2 other national identifier (OID under 2.16.156.10011.1.).
[[nodiscard]] int identifierGroup(std::string_view system);

// An organisation (or person) reference from an element holding id and name.
[[nodiscard]] std::unique_ptr<model::ReferenceT> readEntityRef(pugi::xml_node entity, std::string_view kind);
// <name>...</name> style children: <tag><id .../><name>..</name></tag> (CDA) or DSET_II/LIST_EN (message).
void writeEntityRef(XmlWriter& w, std::string_view tag, const model::ReferenceT* ref, Style style);

}  // namespace metrogw::adapters::hl7v3
