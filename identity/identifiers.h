// Typed person identifiers: what kind of number an identifier is, the identifier system (OID or URN)
// it is written with, and format checks that normalise the value.
//
// Identifier systems:
//   kResidentId     2.16.156.10011.1.3   居民身份证号码 (national health-information OID)
//   kHealthCard     2.16.156.10011.1.19  居民健康卡号 (national health-information OID)
//   kPassport       urn:metrogw:id:passport
//   kHkMacauPermit  urn:metrogw:id:hk-macau-permit   港澳居民来往内地通行证
//   kTaiwanPermit   urn:metrogw:id:taiwan-permit     台湾居民来往大陆通行证
//   kHospitalLocal  urn:metrogw:id:hospital-local    a hospital's own patient number
// The national specifications (WS 363/364 data elements, WS/T 500 documents) publish OIDs only for
// the first two; the others carry the document kind in the 身份证件类别代码 code (CV02.01.101,
// code system 2.16.156.10011.2.3.1.1: 01 resident ID, 03 passport, 06 HK/Macau permit, 07 Taiwan
// permit) beside a number, so this project names them with its own URNs rather than inventing OID
// arcs under someone else's root. Hospital numbers written with national OIDs (2.16.156.10011.1.11
// outpatient, .1.12 inpatient, .1.13 medical record) are hospital-scoped: parse them as kHospitalLocal
// with the hospital as the assigner.
//
// Formats accepted (after trimming surrounding spaces; letters upper-cased except hospital-local):
//   kResidentId     parseResidentId (resident_id.h); value = the normalised 18-character number
//   kHealthCard     1-32 ASCII letters and digits
//   kPassport       5-20 ASCII letters and digits
//   kHkMacauPermit  H or M + 8 digits (card since 2013), or + 10 digits (older: 8-digit lifelong number +
//                   2-digit renewal count). value = H/M + the 8-digit lifelong number, which stays the
//                   same across renewals (Ministry of Public Security numbering rule).
//   kTaiwanPermit   8 digits (lifelong number; all permits since 2008-09-25), or 10 digits (lifelong
//                   number + 2-digit issue count, 2006-2008), optionally followed by the issuing office
//                   code in parentheses, "1234567801(B)" or "(8)", or a bare letter, "1234567801B"
//                   (1992-2008 booklets). ASCII parentheses only.
//                   value = the 8-digit lifelong number.
//   kHospitalLocal  1-64 printable ASCII characters, case kept; requires the assigning organisation
//                   (TypedIdOptions::assigner: 1-64 printable ASCII characters without '|').
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "identity/resident_id.h"

namespace metrogw::identity {

enum class IdType { kResidentId, kHealthCard, kPassport, kHkMacauPermit, kTaiwanPermit, kHospitalLocal };

// The identifier system: a bare OID for national identifiers, a "urn:metrogw:id:..." URN otherwise.
[[nodiscard]] std::string_view oidOf(IdType type);
// The inverse of oidOf; also accepts "urn:oid:<oid>". nullopt for any other system.
[[nodiscard]] std::optional<IdType> typeFromOid(std::string_view oid);
// The system as a FHIR Identifier.system URI: "urn:oid:<oid>" or the URN.
[[nodiscard]] std::string systemUri(IdType type);
// "resident-id", "health-card", "passport", "hk-macau-permit", "taiwan-permit", "hospital-local".
[[nodiscard]] std::string_view idTypeName(IdType type);
[[nodiscard]] std::optional<IdType> idTypeFromName(std::string_view name);

// 身份证件类别代码 (CV02.01.101) of the type: "01", "03", "06", "07"; empty for health card and
// hospital-local numbers, which are not identity documents.
inline constexpr std::string_view kDocumentTypeCodeSystem = "2.16.156.10011.2.3.1.1";
[[nodiscard]] std::string_view documentTypeCode(IdType type);
[[nodiscard]] std::optional<IdType> typeFromDocumentTypeCode(std::string_view code);

struct TypedId {
  IdType type = IdType::kResidentId;
  std::string oid;       // oidOf(type)
  std::string value;     // normalised
  std::string assigner;  // assigning organisation; kHospitalLocal only, empty otherwise
};

struct TypedIdOptions {
  std::string assigner;        // required for kHospitalLocal, ignored otherwise
  ResidentIdOptions resident;  // for kResidentId
};

// Errors use IdRule::kLength / kCharacters (and the resident-ID rules, kAssigner); messages name
// positions, never the value.
[[nodiscard]] std::variant<TypedId, IdError> parseTypedId(IdType type, std::string_view text,
                                                          const TypedIdOptions& options = {});

}  // namespace metrogw::identity
