#include "adapters/mapping.h"

#include <gtest/gtest.h>

#include "adapters/codec.h"

namespace metrogw::adapters {
namespace {

TEST(CodeMapTest, ParsesAndLooksUpBothWays) {
  auto map = CodeMap::parse("t.tsv", "# comment\nA\t1\tB\tx\tEx\nA\t1\tC\ty\t\n\nA\t2\tB\tz\tZed\r\n");
  ASSERT_TRUE(map.isOk()) << map.status().message();
  EXPECT_EQ(map->size(), 3u);
  ASSERT_EQ(map->lookup("A", "1").size(), 2u);
  const CodeTarget* c = map->lookup("A", "1", "C");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->code, "y");
  EXPECT_EQ(map->lookup("A", "2", "B")->display, "Zed");
  EXPECT_TRUE(map->lookup("A", "3").empty());
  const CodeTarget* back = map->reverse("B", "z", "A");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->code, "2");
}

TEST(CodeMapTest, ErrorsNameTheLine) {
  auto map = CodeMap::parse("bad.tsv", "A\t1\tB\tx\tEx\nA\t1\tB\n");
  ASSERT_FALSE(map.isOk());
  EXPECT_NE(map.status().message().find("bad.tsv:2:"), std::string::npos) << map.status().message();
  auto empty = CodeMap::parse("e.tsv", "A\t\tB\tx\t\n");
  EXPECT_FALSE(empty.isOk());
}

TEST(CodeMapTest, BuiltinTablesLoad) {
  const CodeMap& gender = builtinMap(Table::kGender);
  const CodeTarget* male = gender.lookup(kGbt2261Gender, "1", kFhirGender);
  ASSERT_NE(male, nullptr);
  EXPECT_EQ(male->code, "male");
  EXPECT_EQ(gender.reverse("HL70001", "F", std::string(kGbt2261Gender))->code, "2");
  const CodeTarget* ortho =
      builtinMap(Table::kDepartments).lookup("urn:metrogw:codes:3402:department", "GK", kDepartmentSystem);
  ASSERT_NE(ortho, nullptr);
  EXPECT_EQ(ortho->code, "04.03");
}

TEST(CodeMapTest, UnmappedCodeIsKeptWithItsSystem) {
  model::CodeableConceptT concept_value;
  mapInto(Table::kLabItems, "urn:local:lis", "NOPE-1", "某项目", concept_value);
  ASSERT_NE(concept_value.coding, nullptr);
  EXPECT_EQ(concept_value.coding->system, "urn:local:lis");
  EXPECT_EQ(concept_value.coding->code, "NOPE-1");
  EXPECT_TRUE(concept_value.alt.empty());
  model::CodeableConceptT dept;
  mapInto(Table::kDepartments, "urn:metrogw:codes:3405:department", "1043", "骨科", dept);
  ASSERT_EQ(dept.alt.size(), 1u);
  EXPECT_EQ(dept.alt[0]->code, "04.03");
}

TEST(CodecRegistryTest, EveryDialectIsRegistered) {
  for (std::string_view name : {"fhir-r4", "hl7v2", "hl7v3-cda"}) {
    const Codec* c = findCodec(name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->dialect(), name);
  }
  EXPECT_EQ(findCodec("hl7v4"), nullptr);
  EXPECT_EQ(dialectNames().size(), 3u);
}

}  // namespace
}  // namespace metrogw::adapters
