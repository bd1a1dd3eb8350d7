// FHIR R4 Consent resources for the ledger's records (the adapters have no Consent codec).
//
// A grant is a Consent with status "active" ("inactive" once revoked), scope patient-privacy,
// category LOINC 59284-0, the patient as an identifier (system urn:metrogw:person-token, the
// token: no resident ID), provision.type permit with the validity period, the grantee as actors
// (role IRCP, identifiers urn:metrogw:city / urn:metrogw:hospital / urn:metrogw:practitioner),
// purposes (v3-ActReason TREAT / ETREAT, urn:metrogw:purpose referral) and the categories as
// provision.class (urn:metrogw:consent-category). A revocation is a Consent with status
// "inactive" and provision.type deny, its "identifier" the revocation id, and an extension
// urn:metrogw:consent-revokes naming the grant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "consent/record.h"

namespace metrogw::consent {

inline constexpr std::string_view kFhirContentType = "application/fhir+json";

// One Consent resource; `revoked`: the grant has a later revocation.
[[nodiscard]] std::string fhirConsent(const Record& record, bool revoked);
// A Bundle (type collection) of the history's records, in recorded order.
[[nodiscard]] std::string fhirConsentBundle(const std::vector<Record>& history);

}  // namespace metrogw::consent
