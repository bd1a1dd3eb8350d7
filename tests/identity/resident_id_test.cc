// Tests for resident ID numbers (GB 11643-1999): every rule valid and invalid, 15-digit conversion,
// check policies, masking, and the real sample numbers.
#include "identity/resident_id.h"

#include <gtest/gtest.h>

#include "identity/internal/dates.h"
#include "tests/identity/test_util.h"

namespace metrogw::identity {
namespace {

using testing::kToday;
using testing::leaksInput;
using testing::makeId;

ResidentIdOptions at(std::string_view today, CheckPolicy check = CheckPolicy::kReject) {
  ResidentIdOptions options;
  options.today = std::string(today);
  options.check = check;
  return options;
}

ResidentId parseOk(std::string_view text, const ResidentIdOptions& options = at(kToday)) {
  auto result = parseResidentId(text, options);
  if (const auto* e = std::get_if<IdError>(&result)) {
    ADD_FAILURE() << "rule " << ruleName(e->rule) << ": " << e->message;
    return {};
  }
  return std::get<ResidentId>(result);
}

// The error for `text`, checking that the message names a position and leaks none of the input.
IdError parseError(std::string_view text, const ResidentIdOptions& options = at(kToday)) {
  auto result = parseResidentId(text, options);
  if (std::holds_alternative<ResidentId>(result)) {
    ADD_FAILURE() << "accepted an invalid number";
    return {IdRule::kLength, ""};
  }
  IdError error = std::get<IdError>(result);
  EXPECT_TRUE(error.message.starts_with("position ")) << error.message;
  EXPECT_FALSE(leaksInput(error.message, text)) << error.message;
  EXPECT_EQ(error.message.find('\n'), std::string::npos);
  return error;
}

TEST(CheckCharacterTest, ComputesIso7064Mod112) {
  EXPECT_EQ(checkCharacter("11010519491231002"), 'X');  // the example number printed in GB 11643-1999
  EXPECT_EQ(checkCharacter("44052419800101001"), '3');
  EXPECT_EQ(checkCharacter("32010219880715107"), 'X');
  EXPECT_EQ(checkCharacter("1101051949123100"), '\0');  // 16 digits
  EXPECT_EQ(checkCharacter("1101051949123100A"), '\0');
}

TEST(ResidentIdTest, ParsesEighteenDigitNumber) {
  const std::string text = makeId("320102", "19900101", "123");
  const ResidentId id = parseOk(text);
  EXPECT_EQ(id.normalized, text);
  EXPECT_EQ(id.region, "320102");
  EXPECT_EQ(id.birth_date, "1990-01-01");
  EXPECT_TRUE(id.male);  // 123 is odd
  EXPECT_FALSE(id.from_legacy_15);
  EXPECT_TRUE(id.check_ok);
  EXPECT_FALSE(parseOk(makeId("340202", "19900101", "124")).male);
}

TEST(ResidentIdTest, CheckCharacterXInEitherCase) {
  const ResidentId upper = parseOk("32010219880715107X");
  EXPECT_EQ(upper.normalized, "32010219880715107X");
  EXPECT_EQ(upper.birth_date, "1988-07-15");
  const ResidentId lower = parseOk("32010219880715107x");
  EXPECT_EQ(lower.normalized, "32010219880715107X");
  EXPECT_TRUE(lower.check_ok);
}

TEST(ResidentIdTest, TrimsSurroundingSpaces) {
  const std::string text = makeId("320102", "19900101", "123");
  EXPECT_EQ(parseOk("  " + text + "\t\r\n").normalized, text);
  EXPECT_EQ(parseOk("\xE3\x80\x80" + text + "\xE3\x80\x80").normalized, text);  // full-width spaces
}

TEST(ResidentIdTest, LengthRule) {
  for (std::string_view bad :
       {"", "1234567890", "3201021990010112", "3201021990010112345", "32010219900101123X4"}) {
    EXPECT_EQ(parseError(bad).rule, IdRule::kLength) << bad;
  }
  EXPECT_EQ(parseError("3201021990010112").message, "position 1: expected 15 or 18 characters, got 16");
}

TEST(ResidentIdTest, CharactersRule) {
  const std::string good = makeId("320102", "19900101", "123");
  std::string letter = good;
  letter[9] = 'A';
  IdError e = parseError(letter);
  EXPECT_EQ(e.rule, IdRule::kCharacters);
  EXPECT_EQ(e.message, "position 10: expected a digit");
  std::string x_inside = good;
  x_inside[16] = 'X';
  EXPECT_EQ(parseError(x_inside).message, "position 17: expected a digit");
  std::string bad_last = good;
  bad_last[17] = 'Y';
  EXPECT_EQ(parseError(bad_last).message, "position 18: expected a digit or X");
  // A 15-digit number has no check character: a final x is not allowed.
  EXPECT_EQ(parseError("32010290010112x").rule, IdRule::kCharacters);
  EXPECT_EQ(parseError("32010290010112X").message, "position 15: expected a digit");
}

TEST(ResidentIdTest, RegionRuleProvinces) {
  for (std::string_view province :
       {"11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82", "83"}) {
    const std::string text = makeId(std::string(province) + "0101", "19900101", "123");
    EXPECT_TRUE(std::holds_alternative<ResidentId>(parseResidentId(text, at(kToday)))) << province;
  }
  for (std::string_view province : {"00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60",
                                    "66", "70", "72", "80", "84", "91", "99"}) {
    const IdError e = parseError(makeId(std::string(province) + "0101", "19900101", "123"));
    EXPECT_EQ(e.rule, IdRule::kRegion) << province;
    EXPECT_EQ(e.message, "position 1-2: not a GB/T 2260 province-level code");
  }
}

TEST(ResidentIdTest, RegionRuleJiangsuAndAnhuiPrefectures) {
  // The nine cities of the metropolitan area, and historical prefectures that stay valid.
  for (std::string_view region :
       {"320102", "320404", "320803", "321002", "321102", "340202", "340503", "341102", "341802", "342622",
        "342601", "341421", "322601", "322124", "329001"}) {
    const ResidentId id = parseOk(makeId(region, "19710923", "582"));
    EXPECT_EQ(id.region, region);
  }
  for (std::string_view region :
       {"320000", "321401", "322001", "323001", "340000", "340901", "341901", "342001", "343101", "349001"}) {
    const IdError e = parseError(makeId(region, "19900101", "123"));
    EXPECT_EQ(e.rule, IdRule::kRegion) << region;
    EXPECT_EQ(e.message, "position 1-4: not a current or historical prefecture of the province");
  }
  // Other provinces are checked at province level only.
  EXPECT_EQ(parseOk(makeId("330999", "19900101", "123")).region, "330999");
}

TEST(ResidentIdTest, BirthDateRule) {
  EXPECT_EQ(parseOk(makeId("320102", "20000229", "123")).birth_date, "2000-02-29");  // leap year (÷400)
  EXPECT_EQ(parseOk(makeId("320102", "20240229", "123")).birth_date, "2024-02-29");  // leap year
  EXPECT_EQ(parseOk(makeId("320102", "19000101", "123")).birth_date, "1900-01-01");  // earliest
  EXPECT_EQ(parseOk(makeId("320102", std::string(kToday), "123")).birth_date, "2025-03-15");  // today
  for (std::string_view date :
       {"20230229", "19000229", "19901301", "19900001", "19900100", "19900431", "19900132"}) {
    const IdError e = parseError(makeId("320102", date, "123"));
    EXPECT_EQ(e.rule, IdRule::kBirthDate) << date;
    EXPECT_EQ(e.message, "position 7-14: birth date is not a calendar date") << date;
  }
  EXPECT_EQ(parseError(makeId("320102", "18991231", "123")).message,
            "position 7-14: birth date is before 1900-01-01");
  EXPECT_EQ(parseError(makeId("320102", "20250316", "123")).message,
            "position 7-14: birth date is after today");
  EXPECT_EQ(parseError(makeId("320102", "29990101", "123"), ResidentIdOptions{}).rule, IdRule::kBirthDate);
}

TEST(ResidentIdTest, DefaultTodayIsShanghaiDate) {
  // 2024-12-31 16:00 UTC is already 2025-01-01 in Shanghai.
  const auto instant = std::chrono::sys_days{std::chrono::year{2024} / 12 / 31} + std::chrono::hours(16);
  EXPECT_EQ(internal::shanghaiDate(instant), "20250101");
  EXPECT_EQ(internal::shanghaiDate(instant - std::chrono::seconds(1)), "20241231");
  EXPECT_TRUE(std::holds_alternative<ResidentId>(parseResidentId(makeId("320102", "19900101", "123"))));
}

TEST(ResidentIdTest, InvalidReferenceDateFailsEveryParse) {
  const auto result = parseResidentId(makeId("320102", "19900101", "123"), at("2025-03-15"));
  ASSERT_TRUE(std::holds_alternative<IdError>(result));
  EXPECT_EQ(std::get<IdError>(result).rule, IdRule::kBirthDate);
}

TEST(ResidentIdTest, CheckCharacterRuleRejectOrFlag) {
  const std::string wrong = testing::withWrongCheck(makeId("340503", "19851010", "246"));
  const IdError e = parseError(wrong);
  EXPECT_EQ(e.rule, IdRule::kCheckCharacter);
  EXPECT_EQ(e.message, "position 18: check character does not match");
  const ResidentId flagged = parseOk(wrong, at(kToday, CheckPolicy::kFlag));
  EXPECT_FALSE(flagged.check_ok);
  EXPECT_EQ(flagged.normalized, wrong);  // keeps the given character
  EXPECT_EQ(flagged.region, "340503");
  EXPECT_FALSE(flagged.male);
  // A wrong lower-case x is flagged and normalised to X.
  const std::string text = makeId("320102", "19900101", "123");
  if (text.back() != 'X') {
    const ResidentId x = parseOk(text.substr(0, 17) + "x", at(kToday, CheckPolicy::kFlag));
    EXPECT_EQ(x.normalized, text.substr(0, 17) + "X");
    EXPECT_FALSE(x.check_ok);
  }
  // Rules before the check character still reject under kFlag.
  EXPECT_EQ(parseError(makeId("320102", "20230229", "123"), at(kToday, CheckPolicy::kFlag)).rule,
            IdRule::kBirthDate);
}

TEST(ResidentIdTest, ConvertsLegacyFifteenDigitNumbers) {
  // Expected 18-digit forms computed independently (insert "19", append the MOD 11-2 character).
  const ResidentId a = parseOk("130503670401001");
  EXPECT_EQ(a.normalized, "130503196704010016");
  EXPECT_EQ(a.birth_date, "1967-04-01");
  EXPECT_TRUE(a.from_legacy_15);
  EXPECT_TRUE(a.check_ok);
  EXPECT_TRUE(a.male);
  const ResidentId chaohu = parseOk("342622710923582");  // 巢湖地区庐江县, abolished prefecture
  EXPECT_EQ(chaohu.normalized, "342622197109235827");
  EXPECT_FALSE(chaohu.male);
  // The converted number parses as itself.
  EXPECT_EQ(parseOk(chaohu.normalized).normalized, chaohu.normalized);
  // Legacy numbers are checked like the others; positions are those of the 15 digits.
  EXPECT_EQ(parseError("342622710230582").message, "position 7-12: birth date is not a calendar date");
  EXPECT_EQ(parseError("349922710923582").rule, IdRule::kRegion);
}

TEST(ResidentIdTest, SampleNumbersFailTheCheckCharacterAndCanBeFlagged) {
  // PRPA_IN201311UV02 patient register: a Tianjin number whose check character is wrong.
  const std::string registered =
      testing::sampleExtension("hl7v3-cda/PRPA_IN201311UV02-patient-register.xml", "2.16.156.10011.1.3");
  ASSERT_EQ(registered, "120109197706015516");
  EXPECT_EQ(parseError(registered).rule, IdRule::kCheckCharacter);
  const ResidentId flagged = parseOk(registered, at(kToday, CheckPolicy::kFlag));
  EXPECT_EQ(flagged.region, "120109");
  EXPECT_EQ(flagged.birth_date, "1977-06-01");
  EXPECT_TRUE(flagged.male);
  EXPECT_FALSE(flagged.check_ok);
  EXPECT_EQ(checkCharacter(registered.substr(0, 17)), '4');

  const std::string summary =
      testing::sampleExtension("hl7v3-cda/C0001-record-summary.xml", "2.16.156.10011.1.3");
  ASSERT_EQ(summary, "420106201101011919");
  const ResidentId child = parseOk(summary, at(kToday, CheckPolicy::kFlag));
  EXPECT_EQ(child.birth_date, "2011-01-01");
  EXPECT_FALSE(child.check_ok);

  // Placeholders in the other samples are not numbers at all.
  const std::string query =
      testing::sampleExtension("hl7v3-cda/PRPA_IN201305UV02-patient-query.xml", "2.16.156.10011.1.3");
  EXPECT_EQ(parseError(query).rule, IdRule::kLength);
  const std::string lab = testing::sampleExtension("hl7v3-cda/C0007-lab-report.xml", "2.16.156.10011.1.3");
  ASSERT_EQ(lab, "ID_CARD_NO");
  EXPECT_EQ(parseError(lab).rule, IdRule::kLength);
}

TEST(ResidentIdTest, RuleNames) {
  EXPECT_EQ(ruleName(IdRule::kLength), "length");
  EXPECT_EQ(ruleName(IdRule::kCharacters), "characters");
  EXPECT_EQ(ruleName(IdRule::kRegion), "region");
  EXPECT_EQ(ruleName(IdRule::kBirthDate), "birth-date");
  EXPECT_EQ(ruleName(IdRule::kCheckCharacter), "check-character");
  EXPECT_EQ(ruleName(IdRule::kAssigner), "assigner");
}

TEST(MaskResidentIdTest, KeepsPrefectureAndLastFour) {
  EXPECT_EQ(maskResidentId("32010219880715107X"), "3201**********107X");
  EXPECT_EQ(maskResidentId(" 342622710923582 "), "3426*******3582");
  EXPECT_EQ(maskResidentId("12345678901"), "***********");
  EXPECT_EQ(maskResidentId(""), "");
  EXPECT_EQ(maskResidentId("32\n10219880715107X"), "32*1**********107X");
  const std::string masked = maskResidentId("320102199001011234");
  EXPECT_FALSE(leaksInput(masked, "320102199001011234"));
}

}  // namespace
}  // namespace metrogw::identity
