#include "model/model.h"

#include <flatbuffers/flatbuffers.h>
#include <gtest/gtest.h>

namespace metrogw::model {
namespace {

SlotT sampleSlot() {
  SlotT slot;
  slot.id = "nj-0001-ortho-20261124T0800";
  slot.status = SlotStatus::Free;
  slot.start = "2026-11-24T08:00:00+08:00";
  slot.end = "2026-11-24T08:30:00+08:00";
  slot.capacity = 4;
  slot.reserved_family_doctor = 1;
  slot.organization = std::make_unique<ReferenceT>();
  slot.organization->kind = "Organization";
  slot.organization->id = "320100-001";
  slot.organization->city = "3201";
  slot.organization->display = "南京鼓楼医院";
  return slot;
}

TEST(ModelTest, PackVerifyUnpackKeepsEveryField) {
  const std::string bytes = pack(envelopeOf(sampleSlot(), "3201"));
  auto env = unpack(bytes);
  ASSERT_TRUE(env.isOk()) << env.status().message();
  EXPECT_EQ(env->origin_city, "3201");
  ASSERT_EQ(env->body.type, Body::Slot);
  EXPECT_EQ(*env->body.AsSlot(), sampleSlot());
}

TEST(ModelTest, VerifyRejectsGarbageAndTruncation) {
  EXPECT_FALSE(verify("").isOk());
  EXPECT_FALSE(verify("hello world, not a flatbuffer").isOk());
  const std::string bytes = pack(envelopeOf(sampleSlot()));
  for (size_t cut : {bytes.size() / 2, bytes.size() - 4}) {
    auto r = verify(std::string_view(bytes).substr(0, cut));
    EXPECT_FALSE(r.isOk()) << "accepted a buffer cut at " << cut;
  }
}

TEST(ModelTest, VerifyRejectsCorruptedOffset) {
  std::string bytes = pack(envelopeOf(sampleSlot()));
  bytes[0] = static_cast<char>(0xff);  // root offset now points outside the buffer
  bytes[1] = static_cast<char>(0xff);
  auto r = verify(bytes);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kMalformedMessage);
}

TEST(ModelTest, VerifyRejectsOtherSchemaVersion) {
  auto env = envelopeOf(sampleSlot());
  env.schema_version = 2;
  auto r = verify(pack(env));
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("version 2"), std::string::npos);
}

TEST(ModelTest, VerifyRejectsBodyKindFromANewerSchema) {
  // A newer peer may send a union member this node does not know; the FlatBuffers verifier lets it
  // through, verify() must not.
  flatbuffers::FlatBufferBuilder fbb;
  auto table = CreateProblem(fbb);
  const auto unknown = static_cast<Body>(static_cast<int>(Body::MAX) + 1);
  FinishEnvelopeBuffer(fbb, CreateEnvelope(fbb, kSchemaVersion, 0, 0, 0, unknown, table.Union()));
  const std::string bytes(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  auto r = verify(bytes);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("body kind"), std::string::npos) << r.status().message();
}

TEST(ModelTest, VerifyRejectsBodyKindWithoutBody) {
  // The verifier accepts a union type whose value is absent; unpacking then holds a null body
  // that pack() would dereference (found by model_verify_fuzz).
  flatbuffers::FlatBufferBuilder fbb;
  FinishEnvelopeBuffer(fbb, CreateEnvelope(fbb, kSchemaVersion, 0, 0, 0, Body::Query, 0));
  const std::string bytes(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  auto r = verify(bytes);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("no body"), std::string::npos) << r.status().message();
}

TEST(ModelTest, JsonRoundTrip) {
  const std::string bytes = pack(envelopeOf(sampleSlot(), "3201"));
  auto json = toJson(bytes);
  ASSERT_TRUE(json.isOk()) << json.status().message();
  EXPECT_NE(json->find("\"body_type\": \"Slot\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"start\": \"2026-11-24T08:00:00+08:00\""), std::string::npos) << *json;
  EXPECT_NE(json->find("南京鼓楼医院"), std::string::npos) << "UTF-8 kept as is: " << *json;
  auto back = fromJson(*json);
  ASSERT_TRUE(back.isOk()) << back.status().message();
  auto env = unpack(*back);
  ASSERT_TRUE(env.isOk());
  EXPECT_EQ(*env->body.AsSlot(), sampleSlot());
}

TEST(ModelTest, BodyJsonIsTheBodyTableAlone) {
  auto json = bodyToJson(pack(envelopeOf(sampleSlot(), "3201")));
  ASSERT_TRUE(json.isOk()) << json.status().message();
  EXPECT_EQ(json->rfind("{", 0), 0u);
  EXPECT_EQ(json->find("body_type"), std::string::npos) << *json;
  EXPECT_NE(json->find("\"capacity\": 4"), std::string::npos) << *json;
  EXPECT_EQ(bodyToJson(pack(EnvelopeT{})).value(), "{}");
}

TEST(ModelTest, FromJsonReportsErrors) {
  auto r = fromJson("{ \"body_type\": \"Slot\", \"body\": { \"capacity\": \"many\" } }");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kMalformedMessage);
}

TEST(ModelTest, BodyKindNames) {
  EXPECT_EQ(bodyKind(Body::LabReport), "lab-report");
  EXPECT_EQ(bodyKind(Body::RecordSummary), "record-summary");
  EXPECT_EQ(bodyKind(Body::NONE), "none");
}

}  // namespace
}  // namespace metrogw::model
