// fhir-r4 codec: malformed input gives a one-line error that starts with the JSON pointer.
#include <gtest/gtest.h>

#include "adapters/fhir/codec.h"

namespace metrogw::adapters::fhir {
namespace {

std::string errorOf(std::string_view text) {
  auto env = fhirR4Codec().decode(text);
  EXPECT_FALSE(env.isOk()) << text;
  if (env.isOk()) return {};
  EXPECT_EQ(env.status().code(), StatusCode::kMalformedMessage);
  EXPECT_EQ(env.status().message().find('\n'), std::string::npos);
  return env.status().message();
}

TEST(FhirMalformedTest, NotJson) {
  EXPECT_EQ(errorOf("").substr(0, 11), "/: not JSON");
  EXPECT_EQ(errorOf("{\"resourceType\":").substr(0, 11), "/: not JSON");
  EXPECT_EQ(errorOf("{} trailing").substr(0, 11), "/: not JSON");
  EXPECT_EQ(errorOf(std::string("{}\0", 3)), "/: NUL byte in message");
  EXPECT_EQ(errorOf("{\"a\":\"\xff\"}").substr(0, 11), "/: not JSON");  // invalid UTF-8
}

// Found in review, reproduced with the fhir_fuzz harness: numbers are kept as strings marked by a
// leading NUL, so a string "\u0000abc" passed for the number "abc" (a Quantity written back as
// valueString). A NUL character in any string is refused.
TEST(FhirMalformedTest, NulCharacterInAString) {
  EXPECT_EQ(errorOf(R"({"resourceType":"Observation","valueQuantity":{"value":"\u0000abc"}})"),
            "/: NUL character (\\u0000) in a string");
  EXPECT_EQ(errorOf(R"({"resourceType":"Patient","id":"a\u0000b"})"),
            "/: NUL character (\\u0000) in a string");
  EXPECT_EQ(errorOf(R"({"resourceType":"Patient","\u0000":1})"), "/: NUL character (\\u0000) in a string");
}

TEST(FhirMalformedTest, ResourceType) {
  EXPECT_EQ(errorOf("[]"), "/: expected an object");
  EXPECT_EQ(errorOf("{}"), "/resourceType: missing");
  EXPECT_EQ(errorOf(R"({"resourceType":7})"), "/resourceType: expected a string");
  EXPECT_EQ(errorOf(R"({"resourceType":"Encounter"})"), "/resourceType: unsupported resource type");
}

TEST(FhirMalformedTest, WrongTypesNameTheValue) {
  EXPECT_EQ(errorOf(R"({"resourceType":"Slot","status":"free","start":5})"), "/start: expected a string");
  EXPECT_EQ(errorOf(R"({"resourceType":"Slot","status":"free","start":"tomorrow"})"),
            "/start: expected an ISO 8601 date or date-time");
  EXPECT_EQ(errorOf(R"({"resourceType":"Slot","status":"maybe"})"), "/status: unknown slot status");
  EXPECT_EQ(errorOf(R"({"resourceType":"Slot"})"), "/status: missing");
  EXPECT_EQ(errorOf(R"({"resourceType":"Patient","identifier":{"value":"x"}})"),
            "/identifier: expected an array");
  EXPECT_EQ(errorOf(R"({"resourceType":"Patient","name":[{"given":["a",3]}]})"),
            "/name/0/given/1: expected a string");
  EXPECT_EQ(errorOf(R"({"resourceType":"Appointment","status":"booked","priority":300})"),
            "/priority: number out of range (max 255)");
  EXPECT_EQ(errorOf(R"({"resourceType":"Observation","valueQuantity":{"value":"6.3"}})"),
            "/valueQuantity/value: expected a number");
  EXPECT_EQ(
      errorOf(R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Slot",
              "status":"free"}},{"resource":{"resourceType":"Slot","status":"free","start":true}}]})"),
      "/entry/1/resource/start: expected a string");
  EXPECT_EQ(errorOf(R"({"resourceType":"Slot","status":"free","extension":[{"url":
              "http://metrogw.example/fhir/StructureDefinition/slot-capacity","valueUnsignedInt":-1}]})"),
            "/extension/0/valueUnsignedInt: expected a non-negative integer");
  EXPECT_EQ(errorOf(R"({"resourceType":"Slot","status":"free","a/b~c":1,"extension":[{"url":
              "http://metrogw.example/fhir/StructureDefinition/slot-booked","valueUnsignedInt":70000}]})"),
            "/extension/0/valueUnsignedInt: number out of range (max 65535)");
}

TEST(FhirMalformedTest, ErrorsDoNotQuoteValues) {
  EXPECT_EQ(errorOf(R"({"resourceType":"Practitioner","gender":"张三 13800138000"})"),
            "/gender: unknown gender code");
  EXPECT_EQ(errorOf(R"({"resourceType":"Patient","id":"x","birthDate":"320102198001010011"})"),
            "/birthDate: expected an ISO 8601 date or date-time");
}

TEST(FhirMalformedTest, TooDeep) {
  std::string deep = R"({"resourceType":"Patient","extension":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += "}";
  EXPECT_EQ(errorOf(deep), "/: nested deeper than 64 levels");
  std::string ok = R"({"resourceType":"Patient","x":)";
  for (int i = 0; i < 60; ++i) ok += "[";
  for (int i = 0; i < 60; ++i) ok += "]";
  ok += "}";
  EXPECT_TRUE(fhirR4Codec().decode(ok).isOk());
}

TEST(FhirMalformedTest, TooLarge) {
  std::string big = R"({"resourceType":"Patient","id":")";
  big.append(9 * 1024 * 1024, 'a');
  big += "\"}";
  EXPECT_EQ(errorOf(big), "/: message larger than 8 MiB");
}

}  // namespace
}  // namespace metrogw::adapters::fhir
