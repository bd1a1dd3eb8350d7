// Tests for matching a platform's patient records against the subject being resolved: name folding,
// the identifier-only query, links, conflicts and ignored records.
#include "identity/index/match.h"

#include <gtest/gtest.h>

#include "tests/identity/index/index_test_util.h"

namespace metrogw::identity::index {
namespace {

using testing::kToday;
using testing::makeId;

constexpr int64_t kNow = 1742027405;
constexpr std::string_view kRegion = "320102";  // Nanjing, Xuanwu
constexpr std::string_view kBirth = "19800101";
constexpr std::string_view kBirthDate = "1980-01-01";
constexpr std::string_view kName = "王建国";

TypedId typed(IdType type, std::string_view value, std::string assigner = "") {
  TypedIdOptions options;
  options.assigner = std::move(assigner);
  options.resident.today = std::string(kToday);
  auto parsed = parseTypedId(type, value, options);
  if (const auto* e = std::get_if<IdError>(&parsed)) {
    ADD_FAILURE() << "rule " << ruleName(e->rule) << ": " << e->message;
    return {};
  }
  return std::get<TypedId>(parsed);
}

Subject subjectWith(const std::string& resident_id, std::string name = std::string(kName),
                    std::string birth_date = std::string(kBirthDate)) {
  return Subject{typed(IdType::kResidentId, resident_id), std::move(name), std::move(birth_date)};
}

std::unique_ptr<model::IdentifierT> identifier(std::string system, std::string value,
                                               std::string assigner = "") {
  auto ident = std::make_unique<model::IdentifierT>();
  ident->system = std::move(system);
  ident->value = std::move(value);
  ident->assigner = std::move(assigner);
  return ident;
}

std::unique_ptr<model::PatientT> record(std::string id, std::string system, std::string value,
                                        std::string name, std::string birth_date) {
  auto p = std::make_unique<model::PatientT>();
  p->id = std::move(id);
  p->identifiers.push_back(identifier(std::move(system), std::move(value)));
  p->name = std::make_unique<model::HumanNameT>();
  p->name->text = std::move(name);
  p->birth_date = std::move(birth_date);
  return p;
}

std::unique_ptr<model::PatientT> residentRecord(std::string id, const std::string& number,
                                                std::string name = std::string(kName),
                                                std::string birth_date = std::string(kBirthDate)) {
  return record(std::move(id), std::string(oidOf(IdType::kResidentId)), number, std::move(name),
                std::move(birth_date));
}

model::SearchResultT answerOf(std::unique_ptr<model::PatientT> p) {
  model::SearchResultT answer;
  answer.patients.push_back(std::move(p));
  return answer;
}

CrossRef matched(const std::string& city, const model::SearchResultT& answer, const Subject& subject) {
  CrossRef out;
  matchCity(city, answer, subject, kNow, out);
  return out;
}

// The single conflict's reason; fails when the record was linked or ignored.
std::string conflictReason(const model::SearchResultT& answer, const Subject& subject) {
  const CrossRef out = matched("3402", answer, subject);
  EXPECT_TRUE(out.links.empty());
  if (out.conflicts.size() != 1) {
    ADD_FAILURE() << out.conflicts.size() << " conflicts";
    return "";
  }
  EXPECT_EQ(out.conflicts[0]->city, "3402");
  EXPECT_EQ(out.conflicts[0]->patient_id, "WH-1");
  return out.conflicts[0]->reason;
}

// ---- foldName ----------------------------------------------------------------------------------

TEST(FoldNameTest, FoldsAsciiCaseAndDropsSpaces) {
  EXPECT_EQ(foldName("Wang JianGuo"), "wangjianguo");
  EXPECT_EQ(foldName("  WANG\tJIANGUO "), "wangjianguo");
  EXPECT_EQ(foldName("wangjianguo"), "wangjianguo");
  EXPECT_EQ(foldName(""), "");
}

TEST(FoldNameTest, DropsIdeographicSpace) {
  EXPECT_EQ(foldName("王\xE3\x80\x80建国"), "王建国");
  EXPECT_EQ(foldName("\xE3\x80\x80王建国\xE3\x80\x80"), "王建国");
  EXPECT_EQ(foldName("王 建 国"), "王建国");
}

TEST(FoldNameTest, DropsMiddleDotsOfTransliteratedNames) {
  EXPECT_EQ(foldName("阿卜杜拉\xC2\xB7买买提"), "阿卜杜拉买买提");      // U+00B7
  EXPECT_EQ(foldName("阿卜杜拉\xE3\x83\xBB买买提"), "阿卜杜拉买买提");  // U+30FB
  EXPECT_EQ(foldName("\xC2\xB7"), "");
  EXPECT_EQ(foldName("阿卜杜拉\xC2\xB7买买提"), foldName("阿卜杜拉 买买提"));
}

TEST(FoldNameTest, KeepsCjkTextWhoseBytesContainB7) {
  // 晷 U+6677 = E6 99 B7 (ends in 0xB7); 巨 U+5DE8 = E5 B7 A8 (0xB7 in the middle).
  EXPECT_EQ(foldName("\xE6\x99\xB7"), "\xE6\x99\xB7");
  EXPECT_EQ(foldName("王晷"), "王晷");
  EXPECT_EQ(foldName("巨晷"), "巨晷");
  EXPECT_EQ(foldName("巨 晷"), "巨晷");
  EXPECT_NE(foldName("王晷"), foldName("王"));
}

TEST(FoldNameTest, LeavesNonAsciiLettersAlone) {
  EXPECT_EQ(foldName("ÄÖÜ"), "ÄÖÜ");
  EXPECT_EQ(foldName("ＷＡＮＧ"), "ＷＡＮＧ");  // full-width letters are not ASCII
  EXPECT_EQ(foldName("王建国"), "王建国");
}

// ---- patientQuery --------------------------------------------------------------------------------

TEST(PatientQueryTest, AsksByIdentifierOnly) {
  const std::string number = makeId(kRegion, kBirth, "123");
  const model::QueryT q = patientQuery(subjectWith(number));
  EXPECT_EQ(q.kind, model::QueryKind::Patients);
  EXPECT_TRUE(q.cities.empty());
  ASSERT_NE(q.patient, nullptr);
  ASSERT_EQ(q.patient->identifiers.size(), 1U);
  ASSERT_NE(q.patient->identifiers[0], nullptr);
  EXPECT_EQ(q.patient->identifiers[0]->system, "2.16.156.10011.1.3");
  EXPECT_EQ(q.patient->identifiers[0]->value, number);
  // Demographics stay here, so that a record with another birth date comes back as a conflict.
  EXPECT_TRUE(
      q.patient->name == nullptr ||
      (q.patient->name->text.empty() && q.patient->name->family.empty() && q.patient->name->given.empty()));
  EXPECT_TRUE(q.patient->birth_date.empty());
  EXPECT_GT(q.limit, 0);
}

TEST(PatientQueryTest, UsesTheNormalisedNumber) {
  const std::string number = makeId(kRegion, kBirth, "123");
  const model::QueryT q =
      patientQuery(subjectWith(number.substr(0, 6) + number.substr(8, 9)));  // legacy form
  ASSERT_NE(q.patient, nullptr);
  ASSERT_EQ(q.patient->identifiers.size(), 1U);
  EXPECT_EQ(q.patient->identifiers[0]->value, number);
}

TEST(PatientQueryTest, OtherIdentifierTypesUseTheirSystem) {
  const Subject s{typed(IdType::kPassport, "e12345678"), "John Smith", "1980-01-01"};
  const model::QueryT q = patientQuery(s);
  ASSERT_NE(q.patient, nullptr);
  ASSERT_EQ(q.patient->identifiers.size(), 1U);
  EXPECT_EQ(q.patient->identifiers[0]->system, "urn:metrogw:id:passport");
  EXPECT_EQ(q.patient->identifiers[0]->value, "E12345678");
}

// A hospital-local number is only meaningful with its assigning hospital (identifiers.h).
TEST(PatientQueryTest, HospitalLocalNumberCarriesItsAssigner) {
  const Subject s{typed(IdType::kHospitalLocal, "MR-0042", "Gulou Hospital"), std::string(kName),
                  std::string(kBirthDate)};
  const model::QueryT q = patientQuery(s);
  ASSERT_NE(q.patient, nullptr);
  ASSERT_EQ(q.patient->identifiers.size(), 1U);
  EXPECT_EQ(q.patient->identifiers[0]->value, "MR-0042");
  EXPECT_EQ(q.patient->identifiers[0]->assigner, "Gulou Hospital");
}

// ---- matchCity -----------------------------------------------------------------------------------

TEST(MatchCityTest, SameIdentifierAndDemographicsLinks) {
  const std::string number = makeId(kRegion, kBirth, "123");
  const CrossRef out = matched("3402", answerOf(residentRecord("WH-1", number)), subjectWith(number));
  ASSERT_EQ(out.links.size(), 1U);
  EXPECT_EQ(out.links[0]->city, "3402");
  EXPECT_EQ(out.links[0]->patient_id, "WH-1");
  EXPECT_EQ(out.links[0]->confirmed_unix, kNow);
  EXPECT_TRUE(out.conflicts.empty());
  EXPECT_TRUE(out.incomplete.empty());
}

TEST(MatchCityTest, NameComparedAfterFolding) {
  const std::string number = makeId(kRegion, kBirth, "123");
  EXPECT_EQ(
      matched("3402", answerOf(residentRecord("WH-1", number, "王\xE3\x80\x80建国")), subjectWith(number))
          .links.size(),
      1U);
  EXPECT_EQ(matched("3402", answerOf(residentRecord("WH-1", number, "WANG JIANGUO")),
                    subjectWith(number, "Wang Jianguo"))
                .links.size(),
            1U);
}

TEST(MatchCityTest, RecordBirthDateWithTimeStillMatches) {
  const std::string number = makeId(kRegion, kBirth, "123");
  const CrossRef out = matched(
      "3402", answerOf(residentRecord("WH-1", number, std::string(kName), "1980-01-01T00:00:00+08:00")),
      subjectWith(number));
  EXPECT_EQ(out.links.size(), 1U);
  EXPECT_TRUE(out.conflicts.empty());
}

TEST(MatchCityTest, OtherBirthDateIsAConflict) {
  const std::string number = makeId(kRegion, kBirth, "123");
  EXPECT_EQ(conflictReason(answerOf(residentRecord("WH-1", number, std::string(kName), "1980-01-02")),
                           subjectWith(number)),
            "birth date differs");
}

TEST(MatchCityTest, OtherNameIsAConflict) {
  const std::string number = makeId(kRegion, kBirth, "123");
  EXPECT_EQ(conflictReason(answerOf(residentRecord("WH-1", number, "王建华")), subjectWith(number)),
            "name differs");
}

TEST(MatchCityTest, OtherNameAndBirthDateIsAConflict) {
  const std::string number = makeId(kRegion, kBirth, "123");
  EXPECT_EQ(
      conflictReason(answerOf(residentRecord("WH-1", number, "李娜", "1991-07-15")), subjectWith(number)),
      "name and birth date differ");
}

TEST(MatchCityTest, LegacyFifteenDigitNumberInTheRecordMatches) {
  const std::string number = makeId(kRegion, kBirth, "123");
  const std::string legacy = number.substr(0, 6) + number.substr(8, 9);  // YYMMDD, no check character
  ASSERT_EQ(legacy.size(), 15U);
  const CrossRef out = matched("3405", answerOf(residentRecord("MAS-9", legacy)), subjectWith(number));
  ASSERT_EQ(out.links.size(), 1U);
  EXPECT_EQ(out.links[0]->city, "3405");
  EXPECT_EQ(out.links[0]->patient_id, "MAS-9");
}

// A sequence whose check character is X, so the number can be written with a lower-case x.
std::string numberEndingInX() {
  for (int seq = 100; seq < 1000; ++seq) {
    const std::string number = makeId(kRegion, kBirth, std::to_string(seq));
    if (number.back() == 'X') return number;
  }
  ADD_FAILURE() << "no sequence gives check character X";
  return "";
}

TEST(MatchCityTest, LowerCaseXInTheRecordMatches) {
  const std::string number = numberEndingInX();
  ASSERT_FALSE(number.empty());
  std::string lower = number;
  lower.back() = 'x';
  const CrossRef out = matched("3402", answerOf(residentRecord("WH-1", lower)), subjectWith(number));
  ASSERT_EQ(out.links.size(), 1U);
  EXPECT_EQ(out.links[0]->patient_id, "WH-1");

  // And the other way round: the subject given with x, the platform with X.
  const CrossRef back = matched("3402", answerOf(residentRecord("WH-1", number)), subjectWith(lower));
  EXPECT_EQ(back.links.size(), 1U);
}

TEST(MatchCityTest, RecordWithAnotherNumberIsIgnored) {
  const std::string number = makeId(kRegion, kBirth, "123");
  const std::string other = makeId(kRegion, kBirth, "125");
  const CrossRef out = matched("3402", answerOf(residentRecord("WH-1", other)), subjectWith(number));
  EXPECT_TRUE(out.links.empty());
  EXPECT_TRUE(out.conflicts.empty());
}

TEST(MatchCityTest, RecordWithAnInvalidNumberIsIgnored) {
  const std::string number = makeId(kRegion, kBirth, "123");
  const CrossRef out = matched("3402", answerOf(residentRecord("WH-1", "not-a-number")), subjectWith(number));
  EXPECT_TRUE(out.links.empty());
  EXPECT_TRUE(out.conflicts.empty());
}

TEST(MatchCityTest, SameValueUnderAnotherSystemIsIgnored) {
  const std::string number = makeId(kRegion, kBirth, "123");
  const Subject subject = subjectWith(number);
  const CrossRef card = matched("3402",
                                answerOf(record("WH-1", std::string(oidOf(IdType::kHealthCard)), number,
                                                std::string(kName), std::string(kBirthDate))),
                                subject);
  EXPECT_TRUE(card.links.empty());
  EXPECT_TRUE(card.conflicts.empty());
  const CrossRef local = matched(
      "3402",
      answerOf(record("WH-1", "2.16.156.10011.1.11", number, std::string(kName), std::string(kBirthDate))),
      subject);
  EXPECT_TRUE(local.links.empty());
  EXPECT_TRUE(local.conflicts.empty());
}

TEST(MatchCityTest, MatchingIdentifierAmongSeveral) {
  const std::string number = makeId(kRegion, kBirth, "123");
  auto p = residentRecord("WH-1", number);
  p->identifiers.insert(p->identifiers.begin(), identifier(std::string(oidOf(IdType::kHealthCard)), "HC123"));
  p->identifiers.insert(p->identifiers.begin(), nullptr);
  const CrossRef out = matched("3402", answerOf(std::move(p)), subjectWith(number));
  EXPECT_EQ(out.links.size(), 1U);
}

TEST(MatchCityTest, FamilyAndGivenPartsAreJoined) {
  const std::string number = makeId(kRegion, kBirth, "123");
  auto chinese = residentRecord("WH-1", number);
  chinese->name = std::make_unique<model::HumanNameT>();
  chinese->name->family = "王";
  chinese->name->given = {"建国"};
  EXPECT_EQ(matched("3402", answerOf(std::move(chinese)), subjectWith(number)).links.size(), 1U);

  auto pinyin = residentRecord("WH-2", number);
  pinyin->name = std::make_unique<model::HumanNameT>();
  pinyin->name->family = "WANG";
  pinyin->name->given = {"Jian", "Guo"};
  EXPECT_EQ(matched("3402", answerOf(std::move(pinyin)), subjectWith(number, "Wang Jianguo")).links.size(),
            1U);

  auto other = residentRecord("WH-1", number);
  other->name = std::make_unique<model::HumanNameT>();
  other->name->family = "王";
  other->name->given = {"建华"};
  EXPECT_EQ(conflictReason(answerOf(std::move(other)), subjectWith(number)), "name differs");
}

TEST(MatchCityTest, RecordWithoutNameIsAConflict) {
  const std::string number = makeId(kRegion, kBirth, "123");
  auto p = residentRecord("WH-1", number);
  p->name.reset();
  EXPECT_EQ(conflictReason(answerOf(std::move(p)), subjectWith(number)), "name differs");
}

TEST(MatchCityTest, SeveralRecordsInOneAnswer) {
  const std::string number = makeId(kRegion, kBirth, "123");
  model::SearchResultT answer;
  answer.patients.push_back(residentRecord("NJ-1", number));
  answer.patients.push_back(nullptr);
  answer.patients.push_back(residentRecord("NJ-2", makeId(kRegion, kBirth, "125")));
  answer.patients.push_back(residentRecord("NJ-3", number, std::string(kName), "1980-10-01"));
  CrossRef out;
  out.resolved_unix = 7;
  matchCity("3201", answer, subjectWith(number), kNow, out);
  ASSERT_EQ(out.links.size(), 1U);
  EXPECT_EQ(out.links[0]->patient_id, "NJ-1");
  ASSERT_EQ(out.conflicts.size(), 1U);
  EXPECT_EQ(out.conflicts[0]->patient_id, "NJ-3");
  EXPECT_EQ(out.conflicts[0]->reason, "birth date differs");
  EXPECT_EQ(out.resolved_unix, 7) << "matchCity only appends";

  // A second city's answer is appended to the same cross-reference.
  matchCity("3402", answerOf(residentRecord("WH-1", number)), subjectWith(number), kNow, out);
  ASSERT_EQ(out.links.size(), 2U);
  EXPECT_EQ(out.links[1]->city, "3402");
}

TEST(MatchCityTest, PassportMatchesByValue) {
  const Subject s{typed(IdType::kPassport, "E12345678"), "John Smith", "1975-05-20"};
  const CrossRef out = matched(
      "3201", answerOf(record("NJ-7", "urn:metrogw:id:passport", "E12345678", "JOHN SMITH", "1975-05-20")),
      s);
  ASSERT_EQ(out.links.size(), 1U);
  EXPECT_EQ(out.links[0]->patient_id, "NJ-7");
}

TEST(MatchCityTest, HospitalLocalNumberOfTheSameHospitalLinks) {
  const Subject s{typed(IdType::kHospitalLocal, "MR-0042", "Gulou Hospital"), std::string(kName),
                  std::string(kBirthDate)};
  auto p =
      record("NJ-5", "urn:metrogw:id:hospital-local", "MR-0042", std::string(kName), std::string(kBirthDate));
  p->identifiers[0]->assigner = "Gulou Hospital";
  const CrossRef out = matched("3201", answerOf(std::move(p)), s);
  ASSERT_EQ(out.links.size(), 1U);
  EXPECT_EQ(out.links[0]->patient_id, "NJ-5");
}

// Another hospital's patient with the same local number is someone else: neither link nor conflict.
TEST(MatchCityTest, HospitalLocalNumberOfAnotherHospitalIsIgnored) {
  const Subject s{typed(IdType::kHospitalLocal, "MR-0042", "Gulou Hospital"), std::string(kName),
                  std::string(kBirthDate)};
  auto same_person_data =
      record("NJ-5", "urn:metrogw:id:hospital-local", "MR-0042", std::string(kName), std::string(kBirthDate));
  same_person_data->identifiers[0]->assigner = "Zhongda Hospital";
  auto other_person_data = record("NJ-6", "urn:metrogw:id:hospital-local", "MR-0042", "李娜", "1991-07-15");
  other_person_data->identifiers[0]->assigner = "Zhongda Hospital";
  model::SearchResultT answer;
  answer.patients.push_back(std::move(same_person_data));
  answer.patients.push_back(std::move(other_person_data));
  const CrossRef out = matched("3201", answer, s);
  EXPECT_TRUE(out.links.empty());
  EXPECT_TRUE(out.conflicts.empty());
}

}  // namespace
}  // namespace metrogw::identity::index
