// Tests for typed identifiers: systems and codes, and the format check of every identifier type.
#include "identity/identifiers.h"

#include <gtest/gtest.h>

#include "tests/identity/test_util.h"

namespace metrogw::identity {
namespace {

using testing::leaksInput;

TypedId parseOk(IdType type, std::string_view text, const TypedIdOptions& options = {}) {
  auto result = parseTypedId(type, text, options);
  if (const auto* e = std::get_if<IdError>(&result)) {
    ADD_FAILURE() << idTypeName(type) << " rule " << ruleName(e->rule) << ": " << e->message;
    return {};
  }
  TypedId id = std::get<TypedId>(result);
  EXPECT_EQ(id.type, type);
  EXPECT_EQ(id.oid, oidOf(type));
  return id;
}

IdError parseError(IdType type, std::string_view text, const TypedIdOptions& options = {}) {
  auto result = parseTypedId(type, text, options);
  if (std::holds_alternative<TypedId>(result)) {
    ADD_FAILURE() << idTypeName(type) << " accepted " << text;
    return {IdRule::kLength, ""};
  }
  IdError error = std::get<IdError>(result);
  EXPECT_FALSE(leaksInput(error.message, text)) << error.message;
  EXPECT_FALSE(leaksInput(error.message, options.assigner)) << error.message;
  return error;
}

TypedIdOptions assignedBy(std::string_view assigner) {
  TypedIdOptions options;
  options.assigner = std::string(assigner);
  return options;
}

TEST(IdentifierSystemTest, OidsAndUrns) {
  EXPECT_EQ(oidOf(IdType::kResidentId), "2.16.156.10011.1.3");
  EXPECT_EQ(oidOf(IdType::kHealthCard), "2.16.156.10011.1.19");
  EXPECT_EQ(oidOf(IdType::kPassport), "urn:metrogw:id:passport");
  EXPECT_EQ(oidOf(IdType::kHkMacauPermit), "urn:metrogw:id:hk-macau-permit");
  EXPECT_EQ(oidOf(IdType::kTaiwanPermit), "urn:metrogw:id:taiwan-permit");
  EXPECT_EQ(oidOf(IdType::kHospitalLocal), "urn:metrogw:id:hospital-local");
  EXPECT_EQ(systemUri(IdType::kResidentId), "urn:oid:2.16.156.10011.1.3");
  EXPECT_EQ(systemUri(IdType::kPassport), "urn:metrogw:id:passport");
  for (IdType type : {IdType::kResidentId, IdType::kHealthCard, IdType::kPassport, IdType::kHkMacauPermit,
                      IdType::kTaiwanPermit, IdType::kHospitalLocal}) {
    EXPECT_EQ(typeFromOid(oidOf(type)), type);
    EXPECT_EQ(typeFromOid(systemUri(type)), type);
    EXPECT_EQ(idTypeFromName(idTypeName(type)), type);
  }
  EXPECT_EQ(typeFromOid("2.16.156.10011.1.2"), std::nullopt);  // health record number: not a person ID here
  EXPECT_EQ(typeFromOid("urn:oid:urn:metrogw:id:passport"), std::nullopt);
  EXPECT_EQ(typeFromOid(""), std::nullopt);
  EXPECT_EQ(idTypeFromName("passport "), std::nullopt);
}

TEST(IdentifierSystemTest, DocumentTypeCodesOfSamples) {
  EXPECT_EQ(documentTypeCode(IdType::kResidentId), "01");
  EXPECT_EQ(documentTypeCode(IdType::kPassport), "03");
  EXPECT_EQ(documentTypeCode(IdType::kHkMacauPermit), "06");
  EXPECT_EQ(documentTypeCode(IdType::kTaiwanPermit), "07");
  EXPECT_EQ(documentTypeCode(IdType::kHealthCard), "");
  EXPECT_EQ(typeFromDocumentTypeCode("07"), IdType::kTaiwanPermit);
  EXPECT_EQ(typeFromDocumentTypeCode(""), std::nullopt);
  EXPECT_EQ(typeFromDocumentTypeCode("02"), std::nullopt);
  // The patient register sample tags its resident ID with idCategory code "01" in this code system.
  const std::string text = testing::sampleText("hl7v3-cda/PRPA_IN201311UV02-patient-register.xml");
  const std::string anchor = "<idCategory code=\"";
  const size_t at = text.find(anchor);
  ASSERT_NE(at, std::string::npos);
  const std::string code = text.substr(at + anchor.size(), 2);
  EXPECT_EQ(typeFromDocumentTypeCode(code), IdType::kResidentId);
  EXPECT_NE(text.find("codeSystem=\"" + std::string(kDocumentTypeCodeSystem) + "\"", at), std::string::npos);
  EXPECT_EQ(kDocumentTypeCodeSystem, "2.16.156.10011.2.3.1.1");
}

TEST(TypedIdTest, ResidentIdDelegatesToParseResidentId) {
  TypedIdOptions options;
  options.resident.today = std::string(testing::kToday);
  EXPECT_EQ(parseOk(IdType::kResidentId, " 32010219880715107x ", options).value, "32010219880715107X");
  EXPECT_EQ(parseOk(IdType::kResidentId, "342622710923582", options).value, "342622197109235827");
  EXPECT_EQ(parseError(IdType::kResidentId, "120109197706015516", options).rule, IdRule::kCheckCharacter);
  options.resident.check = CheckPolicy::kFlag;
  EXPECT_EQ(parseOk(IdType::kResidentId, "120109197706015516", options).value, "120109197706015516");
}

TEST(TypedIdTest, HealthCardNumbersOfSamples) {
  const std::string card =
      testing::sampleExtension("hl7v3-cda/C0001-record-summary.xml", "2.16.156.10011.1.19");
  ASSERT_EQ(card, "MS201102113366666");
  EXPECT_EQ(parseOk(IdType::kHealthCard, card).value, card);
  const std::string other =
      testing::sampleExtension("hl7v3-cda/PRPA_IN201311UV02-patient-register.xml", "2.16.156.10011.1.19");
  EXPECT_EQ(parseOk(IdType::kHealthCard, other).value, "38273N237");
  EXPECT_EQ(parseOk(IdType::kHealthCard, "ms2011").value, "MS2011");
  EXPECT_EQ(parseError(IdType::kHealthCard, "").rule, IdRule::kLength);
  EXPECT_EQ(parseError(IdType::kHealthCard, std::string(33, '7')).rule, IdRule::kLength);
  const IdError e = parseError(IdType::kHealthCard, "MS2011-0211");
  EXPECT_EQ(e.rule, IdRule::kCharacters);
  EXPECT_EQ(e.message, "position 7: expected a letter or digit");
}

TEST(TypedIdTest, Passport) {
  EXPECT_EQ(parseOk(IdType::kPassport, " e12345678 ").value, "E12345678");
  EXPECT_EQ(parseOk(IdType::kPassport, "EA1234567").value, "EA1234567");
  EXPECT_EQ(parseOk(IdType::kPassport, "G1234").value, "G1234");
  EXPECT_EQ(parseOk(IdType::kPassport, std::string(20, 'P')).value, std::string(20, 'P'));
  EXPECT_EQ(parseError(IdType::kPassport, "G123").rule, IdRule::kLength);
  EXPECT_EQ(parseError(IdType::kPassport, std::string(21, 'P')).rule, IdRule::kLength);
  EXPECT_EQ(parseError(IdType::kPassport, "E1234 5678").message, "position 6: expected a letter or digit");
  EXPECT_EQ(parseError(IdType::kPassport, "E12345\xE4\xB8\x80").rule, IdRule::kCharacters);
}

TEST(TypedIdTest, HongKongMacauPermitKeepsTheLifelongNumber) {
  EXPECT_EQ(parseOk(IdType::kHkMacauPermit, "H12345678").value, "H12345678");
  EXPECT_EQ(parseOk(IdType::kHkMacauPermit, "M87654321").value, "M87654321");
  // Older 11-character numbers: lifelong number + renewal count; renewals keep the first nine.
  EXPECT_EQ(parseOk(IdType::kHkMacauPermit, "h1234567801").value, "H12345678");
  EXPECT_EQ(parseOk(IdType::kHkMacauPermit, "H1234567803").value, "H12345678");
  EXPECT_EQ(parseError(IdType::kHkMacauPermit, "X12345678").message, "position 1: expected H or M");
  EXPECT_EQ(parseError(IdType::kHkMacauPermit, "H1234567").rule, IdRule::kLength);
  EXPECT_EQ(parseError(IdType::kHkMacauPermit, "H123456780").rule, IdRule::kLength);
  EXPECT_EQ(parseError(IdType::kHkMacauPermit, "H12345A7801").message, "position 7: expected a digit");
}

TEST(TypedIdTest, TaiwanPermitKeepsTheLifelongNumber) {
  EXPECT_EQ(parseOk(IdType::kTaiwanPermit, "12345678").value, "12345678");
  EXPECT_EQ(parseOk(IdType::kTaiwanPermit, "1234567801").value, "12345678");
  EXPECT_EQ(parseOk(IdType::kTaiwanPermit, "1234567801(B)").value, "12345678");
  EXPECT_EQ(parseOk(IdType::kTaiwanPermit, "1234567802(8)").value, "12345678");
  EXPECT_EQ(parseOk(IdType::kTaiwanPermit, "1234567801B").value, "12345678");
  EXPECT_EQ(parseError(IdType::kTaiwanPermit, "1234567").rule, IdRule::kLength);
  EXPECT_EQ(parseError(IdType::kTaiwanPermit, "123456789").rule, IdRule::kLength);
  EXPECT_EQ(parseError(IdType::kTaiwanPermit, "1234A678").message, "position 5: expected a digit");
  EXPECT_EQ(parseError(IdType::kTaiwanPermit, "12345678(B)").rule, IdRule::kCharacters);
  EXPECT_EQ(parseError(IdType::kTaiwanPermit, "1234567801(B").rule, IdRule::kCharacters);
  EXPECT_EQ(parseError(IdType::kTaiwanPermit, "12345678018").rule, IdRule::kLength);
}

TEST(TypedIdTest, HospitalLocalNeedsItsAssigner) {
  const TypedId mrn = parseOk(IdType::kHospitalLocal, " mrn-000480000000 ", assignedBy(" 1234567890 "));
  EXPECT_EQ(mrn.value, "mrn-000480000000");  // case kept
  EXPECT_EQ(mrn.assigner, "1234567890");
  EXPECT_EQ(parseOk(IdType::kHospitalLocal, std::string(64, 'a'), assignedBy("org")).value.size(), 64U);
  EXPECT_EQ(parseError(IdType::kHospitalLocal, "000480000000").rule, IdRule::kAssigner);
  EXPECT_EQ(parseError(IdType::kHospitalLocal, "000480000000", assignedBy("gulou|west")).message,
            "assigner position 6: '|' is not allowed");
  EXPECT_EQ(parseError(IdType::kHospitalLocal, "000480000000", assignedBy(std::string(65, 'o'))).rule,
            IdRule::kAssigner);
  EXPECT_EQ(parseError(IdType::kHospitalLocal, "", assignedBy("org")).rule, IdRule::kLength);
  EXPECT_EQ(parseError(IdType::kHospitalLocal, std::string(65, 'a'), assignedBy("org")).rule,
            IdRule::kLength);
  const IdError control = parseError(IdType::kHospitalLocal,
                                     "0004\x01"
                                     "80000000",
                                     assignedBy("org"));
  EXPECT_EQ(control.rule, IdRule::kCharacters);
  EXPECT_EQ(control.message, "value position 5: expected printable ASCII");
}

}  // namespace
}  // namespace metrogw::identity
