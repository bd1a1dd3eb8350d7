// Tests for the $resolve body: both identifier forms, every malformed or unprocessable shape, each
// resident-ID rule (with details that name the rule and leak nothing), and the check_digit setting.
#include "identity/index/request.h"

#include <gtest/gtest.h>

#include "tests/identity/index/index_test_util.h"

namespace metrogw::gateway::http {
// Readable problems in failure messages.
// NOLINTNEXTLINE(readability-identifier-naming): the name GoogleTest looks up.
void PrintTo(Problem p, std::ostream* os) { *os << problemInfo(p).slug; }
}  // namespace metrogw::gateway::http

namespace metrogw::identity::index {
namespace {

using gateway::http::Problem;
using testing::kToday;
using testing::leaksInput;
using testing::makeId;
using testing::withWrongCheck;

constexpr std::string_view kName = "王建国";
constexpr std::string_view kBirthDate = "1980-01-01";

config::Identity rejecting() { return config::Identity{}; }  // check_digit: reject (the default)

config::Identity flagging() {
  config::Identity settings;
  settings.reject_bad_check = false;
  return settings;
}

std::string residentBody(std::string_view number, std::string_view birth_date = kBirthDate,
                         std::string_view name = kName) {
  return R"({"resident_id":")" + std::string(number) + R"(","name":")" + std::string(name) +
         R"(","birth_date":")" + std::string(birth_date) + R"("})";
}

std::string identifierBody(std::string_view identifier_members, std::string_view birth_date = kBirthDate) {
  return R"({"identifier":{)" + std::string(identifier_members) + R"(},"name":")" + std::string(kName) +
         R"(","birth_date":")" + std::string(birth_date) + R"("})";
}

ParsedResolve parseOk(std::string_view body, const config::Identity& settings = rejecting()) {
  auto parsed = parseResolveBody(body, settings, std::string(kToday));
  if (const auto* e = std::get_if<RequestError>(&parsed)) {
    ADD_FAILURE() << "problem " << static_cast<int>(e->problem) << ": " << e->detail << "\n  body: " << body;
    return {};
  }
  return std::get<ParsedResolve>(parsed);
}

// The error for `body`; checks the detail is one line and carries none of `secrets`.
RequestError parseError(std::string_view body, std::initializer_list<std::string_view> secrets = {},
                        const config::Identity& settings = rejecting()) {
  auto parsed = parseResolveBody(body, settings, std::string(kToday));
  if (std::holds_alternative<ParsedResolve>(parsed)) {
    ADD_FAILURE() << "accepted: " << body;
    return {Problem::kInternal, ""};
  }
  RequestError e = std::get<RequestError>(parsed);
  EXPECT_FALSE(e.detail.empty()) << body;
  EXPECT_EQ(e.detail.find('\n'), std::string::npos) << e.detail;
  for (std::string_view secret : secrets) {
    EXPECT_EQ(e.detail.find(secret), std::string::npos) << e.detail;
  }
  EXPECT_EQ(e.detail.find(kName), std::string::npos) << e.detail;
  EXPECT_EQ(e.detail.find(kBirthDate), std::string::npos) << e.detail;
  return e;
}

// ---- accepted bodies -------------------------------------------------------------------------------

TEST(ResolveBodyTest, ResidentId) {
  const std::string number = makeId("320102", "19800101", "123");
  const ParsedResolve r = parseOk(residentBody(number));
  EXPECT_EQ(r.subject.id.type, IdType::kResidentId);
  EXPECT_EQ(r.subject.id.oid, "2.16.156.10011.1.3");
  EXPECT_EQ(r.subject.id.value, number);
  EXPECT_TRUE(r.subject.id.assigner.empty());
  EXPECT_EQ(r.subject.name, kName);
  EXPECT_EQ(r.subject.birth_date, kBirthDate);
  EXPECT_FALSE(r.check_flagged);
}

TEST(ResolveBodyTest, ResidentIdIsNormalised) {
  const std::string number = makeId("340202", "19720509", "214");  // Wuhu
  const std::string legacy = number.substr(0, 6) + number.substr(8, 9);
  EXPECT_EQ(parseOk(residentBody(legacy, "1972-05-09")).subject.id.value, number);
  EXPECT_EQ(parseOk(residentBody("  " + number + " ", "1972-05-09")).subject.id.value, number);
}

TEST(ResolveBodyTest, MembersInAnyOrderAndExtraMembersIgnored) {
  const std::string number = makeId("320102", "19800101", "123");
  const ParsedResolve r = parseOk(
      R"({"birth_date":"1980-01-01","note":{"x":[1,2]},"name":"王建国","resident_id":")" + number + R"("})");
  EXPECT_EQ(r.subject.id.value, number);
  EXPECT_EQ(r.subject.name, kName);
}

TEST(ResolveBodyTest, ResidentIdInTheIdentifierForm) {
  const std::string number = makeId("320102", "19800101", "123");
  const ParsedResolve r = parseOk(identifierBody(R"("type":"resident-id","value":")" + number + R"(")"));
  EXPECT_EQ(r.subject.id.type, IdType::kResidentId);
  EXPECT_EQ(r.subject.id.value, number);
}

TEST(ResolveBodyTest, Passport) {
  const ParsedResolve r = parseOk(identifierBody(R"("type":"passport","value":"e12345678")"));
  EXPECT_EQ(r.subject.id.type, IdType::kPassport);
  EXPECT_EQ(r.subject.id.oid, "urn:metrogw:id:passport");
  EXPECT_EQ(r.subject.id.value, "E12345678");
  EXPECT_EQ(r.subject.name, kName);
  EXPECT_EQ(r.subject.birth_date, kBirthDate);
  EXPECT_FALSE(r.check_flagged);
}

TEST(ResolveBodyTest, HospitalLocalWithAssigner) {
  const ParsedResolve r =
      parseOk(identifierBody(R"("type":"hospital-local","value":"mr-0042","assigner":"Gulou Hospital")"));
  EXPECT_EQ(r.subject.id.type, IdType::kHospitalLocal);
  EXPECT_EQ(r.subject.id.oid, "urn:metrogw:id:hospital-local");
  EXPECT_EQ(r.subject.id.value, "mr-0042");  // case kept
  EXPECT_EQ(r.subject.id.assigner, "Gulou Hospital");
}

TEST(ResolveBodyTest, HospitalLocalRequiresAnAssigner) {
  for (const std::string members : {R"("type":"hospital-local","value":"MR-0042")",
                                    R"("type":"hospital-local","value":"MR-0042","assigner":"")",
                                    R"("type":"hospital-local","value":"MR-0042","assigner":"A|B")"}) {
    const RequestError e = parseError(identifierBody(members), {"MR-0042"});
    EXPECT_EQ(e.problem, Problem::kInvalidIdentifier) << members;
    EXPECT_NE(e.detail.find("'assigner'"), std::string::npos) << e.detail;
  }
  const RequestError e =
      parseError(identifierBody(R"("type":"hospital-local","value":"MR-0042","assigner":7)"));
  EXPECT_EQ(e.problem, Problem::kUnprocessable);
}

TEST(ResolveBodyTest, OtherIdentifierRulesAreInvalidIdentifier) {
  const RequestError e =
      parseError(identifierBody(R"("type":"passport","value":"E1234#5678")"), {"E1234", "5678"});
  EXPECT_EQ(e.problem, Problem::kInvalidIdentifier);
  EXPECT_NE(e.detail.find("passport"), std::string::npos) << e.detail;
  EXPECT_NE(e.detail.find("'characters'"), std::string::npos) << e.detail;

  const RequestError missing = parseError(identifierBody(R"("type":"passport")"));
  EXPECT_EQ(missing.problem, Problem::kInvalidIdentifier);
  EXPECT_NE(missing.detail.find("'length'"), std::string::npos) << missing.detail;
}

// ---- malformed and unprocessable bodies ----------------------------------------------------------

TEST(ResolveBodyTest, NotJsonIsMalformed) {
  for (const std::string_view body :
       {"", "not json", "{", R"({"resident_id":})", "{'name':'x'}", "\xff\xfe"}) {
    EXPECT_EQ(parseError(body).problem, Problem::kMalformedRequest) << body;
  }
}

// Trailing non-whitespace content after the object is not JSON.
TEST(ResolveBodyTest, TrailingContentIsMalformed) {
  const std::string number = makeId("320102", "19800101", "123");
  EXPECT_EQ(parseError(residentBody(number) + "garbage").problem, Problem::kMalformedRequest);
  EXPECT_EQ(parseError(residentBody(number) + residentBody(number)).problem, Problem::kMalformedRequest);
}

// Deep nesting must not exhaust the stack (iterative parser, body size cap): an error, no crash.
TEST(ResolveBodyTest, DeeplyNestedBodyIsRefusedWithoutCrashing) {
  for (const size_t depth : {size_t{5'000}, size_t{100'000}, size_t{1'000'000}}) {
    const std::string body = std::string(depth, '[') + std::string(depth, ']');
    EXPECT_NE(parseError(body).problem, Problem::kInvalidIdentifier) << depth;
    const std::string in_member = R"({"name":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
    EXPECT_NE(parseError(in_member).problem, Problem::kInvalidIdentifier) << depth;
  }
}

TEST(ResolveBodyTest, BlankNameAndImpossibleDatesAreUnprocessable) {
  const std::string number = makeId("320102", "19800101", "123");
  for (const std::string_view name : {"   ", "\xE3\x80\x80", " . "}) {
    const std::string body = R"({"resident_id":")" + number + R"(","name":")" + std::string(name) +
                             R"(","birth_date":"1980-01-01"})";
    EXPECT_EQ(parseError(body).problem, Problem::kUnprocessable) << body;
  }
  for (const std::string_view date : {"1980-02-30", "1981-02-29", "1980-13-01", "1899-12-31"}) {
    const std::string body =
        R"({"identifier":{"type":"passport","value":"E12345678"},"name":"x","birth_date":")" +
        std::string(date) + R"("})";
    EXPECT_EQ(parseError(body).problem, Problem::kUnprocessable) << date;
  }
}

TEST(ResolveBodyTest, TrailingWhitespaceIsFine) {
  const std::string number = makeId("320102", "19800101", "123");
  EXPECT_EQ(parseOk(residentBody(number) + " \r\n").subject.id.value, number);
}

TEST(ResolveBodyTest, NotAnObjectIsUnprocessable) {
  for (const std::string_view body : {"[]", R"(["resident_id"])", R"("resident_id")", "42", "null", "true"}) {
    EXPECT_EQ(parseError(body).problem, Problem::kUnprocessable) << body;
  }
}

TEST(ResolveBodyTest, ExactlyOneIdentifierForm) {
  const std::string number = makeId("320102", "19800101", "123");
  const std::string both = R"({"resident_id":")" + number +
                           R"(","identifier":{"type":"passport","value":"E12345678"},"name":"王建国",)"
                           R"("birth_date":"1980-01-01"})";
  const RequestError e = parseError(both, {number, "E12345678"});
  EXPECT_EQ(e.problem, Problem::kUnprocessable);
  EXPECT_NE(e.detail.find("exactly one"), std::string::npos) << e.detail;

  EXPECT_EQ(parseError(R"({"name":"王建国","birth_date":"1980-01-01"})").problem, Problem::kUnprocessable);
  EXPECT_EQ(parseError("{}").problem, Problem::kUnprocessable);
}

TEST(ResolveBodyTest, WrongTypesAreUnprocessable) {
  EXPECT_EQ(
      parseError(R"({"resident_id":320102198001011234,"name":"王建国","birth_date":"1980-01-01"})").problem,
      Problem::kUnprocessable);
  EXPECT_EQ(parseError(R"({"resident_id":null,"name":"王建国","birth_date":"1980-01-01"})").problem,
            Problem::kUnprocessable);
  EXPECT_EQ(parseError(R"({"identifier":"E12345678","name":"王建国","birth_date":"1980-01-01"})").problem,
            Problem::kUnprocessable);
  EXPECT_EQ(parseError(identifierBody(R"("type":"passport","value":12345678)")).problem,
            Problem::kUnprocessable);
}

TEST(ResolveBodyTest, UnknownIdentifierTypeIsUnprocessable) {
  for (const std::string members :
       {R"("type":"driving-licence","value":"E12345678")", R"("type":"Passport","value":"E12345678")",
        R"("type":"","value":"E12345678")", R"("value":"E12345678")", R"("type":3,"value":"E12345678")"}) {
    const RequestError e = parseError(identifierBody(members), {"E12345678"});
    EXPECT_EQ(e.problem, Problem::kUnprocessable) << members;
    EXPECT_NE(e.detail.find("/identifier/type"), std::string::npos) << e.detail;
  }
}

TEST(ResolveBodyTest, NameIsRequired) {
  const std::string number = makeId("320102", "19800101", "123");
  for (const std::string& body :
       {R"({"resident_id":")" + number + R"(","birth_date":"1980-01-01"})",
        R"({"resident_id":")" + number + R"(","name":"","birth_date":"1980-01-01"})",
        R"({"resident_id":")" + number + R"(","name":7,"birth_date":"1980-01-01"})",
        R"({"resident_id":")" + number + R"(","name":null,"birth_date":"1980-01-01"})"}) {
    const RequestError e = parseError(body, {number});
    EXPECT_EQ(e.problem, Problem::kUnprocessable) << body;
    EXPECT_NE(e.detail.find("/name"), std::string::npos) << e.detail;
  }
}

TEST(ResolveBodyTest, BirthDateMustBeYyyyMmDd) {
  const std::string number = makeId("320102", "19800101", "123");
  for (const std::string_view date :
       {"", "19800101", "1980/01/01", "1980-1-1", "80-01-01", "1980-13-01", "1980-00-10", "1980-01-32",
        "1980-01-00", "198a-01-01", "1980-01-01T00:00"}) {
    const RequestError e = parseError(residentBody(number, date), {number});
    EXPECT_EQ(e.problem, Problem::kUnprocessable) << date;
    EXPECT_NE(e.detail.find("/birth_date"), std::string::npos) << e.detail;
  }
  EXPECT_EQ(parseError(R"({"resident_id":")" + number + R"(","name":"王建国"})").problem,
            Problem::kUnprocessable);
  EXPECT_EQ(
      parseError(R"({"resident_id":")" + number + R"(","name":"王建国","birth_date":19800101})").problem,
      Problem::kUnprocessable);
}

// ---- resident-ID rules ----------------------------------------------------------------------------

struct RuleCase {
  std::string number;
  std::string_view rule;
};

TEST(ResolveBodyTest, EachResidentIdRuleIsNamedWithoutLeakingTheNumber) {
  const std::string valid = makeId("320102", "19800101", "123");
  std::string bad_char = valid;
  bad_char[4] = 'A';
  std::string bad_last = valid;
  bad_last.back() = 'Y';
  const std::vector<RuleCase> cases = {
      {valid.substr(0, 17), "length"},
      {valid + "5", "length"},
      {"", "length"},
      {bad_char, "characters"},
      {bad_last, "characters"},
      {makeId("990102", "19800101", "123"), "region"},      // no such province
      {makeId("329902", "19800101", "123"), "region"},      // no such Jiangsu prefecture
      {makeId("320102", "19800230", "123"), "birth-date"},  // not a calendar date
      {makeId("320102", "18991231", "123"), "birth-date"},  // before 1900
      {makeId("320102", "20250316", "123"), "birth-date"},  // after today (20250315)
      {withWrongCheck(valid), "check-character"},
  };
  for (const RuleCase& c : cases) {
    const RequestError e = parseError(residentBody(c.number), {}, rejecting());
    EXPECT_EQ(e.problem, Problem::kInvalidIdentifier) << c.rule;
    EXPECT_NE(e.detail.find("resident-id"), std::string::npos) << e.detail;
    EXPECT_NE(e.detail.find("'" + std::string(c.rule) + "'"), std::string::npos) << e.detail;
    EXPECT_FALSE(leaksInput(e.detail, c.number)) << e.detail;
    // Not even the birth date inside the number, in any spelling.
    if (c.number.size() == 18) {
      const std::string birth = c.number.substr(6, 8);
      EXPECT_EQ(e.detail.find(birth.substr(0, 4) + "-" + birth.substr(4, 2)), std::string::npos) << e.detail;
    }
  }
}

TEST(ResolveBodyTest, BirthDateInTheNumberMustAgree) {
  const std::string number = makeId("320102", "19800101", "123");
  const RequestError e = parseError(residentBody(number, "1980-01-02"), {number, "1980-01-02"});
  EXPECT_EQ(e.problem, Problem::kInvalidIdentifier);
  EXPECT_NE(e.detail.find("'birth-date'"), std::string::npos) << e.detail;
  EXPECT_FALSE(leaksInput(e.detail, number)) << e.detail;

  const std::string legacy = number.substr(0, 6) + number.substr(8, 9);
  EXPECT_EQ(parseError(residentBody(legacy, "2080-01-01"), {legacy}).problem, Problem::kInvalidIdentifier);
  EXPECT_EQ(parseOk(residentBody(legacy, "1980-01-01")).subject.id.value, number);

  const RequestError via_identifier = parseError(
      identifierBody(R"("type":"resident-id","value":")" + number + R"(")", "1981-01-01"), {number});
  EXPECT_EQ(via_identifier.problem, Problem::kInvalidIdentifier);
}

TEST(ResolveBodyTest, TodayIsTheGivenDate) {
  const std::string born_today = makeId("320102", std::string(kToday), "123");
  EXPECT_EQ(parseOk(residentBody(born_today, "2025-03-15")).subject.id.value, born_today);
  const std::string tomorrow = makeId("320102", "20250316", "123");
  EXPECT_EQ(parseError(residentBody(tomorrow, "2025-03-16")).problem, Problem::kInvalidIdentifier);
}

TEST(ResolveBodyTest, CheckDigitFlagLetsAWrongCheckCharacterThrough) {
  const std::string valid = makeId("320102", "19800101", "123");
  const std::string wrong = withWrongCheck(valid);

  const RequestError rejected = parseError(residentBody(wrong), {}, rejecting());
  EXPECT_EQ(rejected.problem, Problem::kInvalidIdentifier);
  EXPECT_NE(rejected.detail.find("'check-character'"), std::string::npos) << rejected.detail;

  const ParsedResolve flagged = parseOk(residentBody(wrong), flagging());
  EXPECT_TRUE(flagged.check_flagged);
  EXPECT_EQ(flagged.subject.id.value, wrong);  // the number as given: it is what the platforms hold

  EXPECT_FALSE(parseOk(residentBody(valid), flagging()).check_flagged);

  // The flag setting relaxes only the check character.
  const RequestError still = parseError(residentBody(makeId("990102", "19800101", "123")), {}, flagging());
  EXPECT_EQ(still.problem, Problem::kInvalidIdentifier);
  EXPECT_NE(still.detail.find("'region'"), std::string::npos) << still.detail;
}

}  // namespace
}  // namespace metrogw::identity::index
