#include "federation/answers.h"

#include <gtest/gtest.h>

namespace metrogw::federation {
namespace {

std::unique_ptr<model::SlotT> slot(const char* id, model::SlotStatus status, uint16_t capacity,
                                   uint16_t booked, uint16_t reserved) {
  auto s = std::make_unique<model::SlotT>();
  s->id = id;
  s->status = status;
  s->capacity = capacity;
  s->booked = booked;
  s->reserved_family_doctor = reserved;
  return s;
}

model::SearchResultT sample() {
  model::SearchResultT r;
  r.slots.push_back(slot("free", model::SlotStatus::Free, 2, 0, 1));
  r.slots.push_back(slot("reserved-left", model::SlotStatus::Busy, 2, 1, 1));
  r.slots.push_back(slot("full", model::SlotStatus::Busy, 2, 2, 1));
  r.slots.push_back(slot("tentative", model::SlotStatus::BusyTentative, 1, 0, 0));
  r.total = 4;
  return r;
}

std::vector<std::string> ids(const model::SearchResultT& r) {
  std::vector<std::string> out;
  for (const auto& s : r.slots) out.push_back(s->id);
  return out;
}

TEST(AnswersTest, OnlyBookableSlotsPass) {
  auto general = sample();
  keepBookable(general, false);
  EXPECT_EQ(ids(general), std::vector<std::string>{"free"});
  EXPECT_EQ(general.total, 1);
  auto family = sample();
  keepBookable(family, true);
  EXPECT_EQ(ids(family), (std::vector<std::string>{"free", "reserved-left"}));
}

TEST(AnswersTest, CityStampedWhereMissingOnly) {
  model::SearchResultT r;
  r.slots.push_back(slot("a", model::SlotStatus::Free, 1, 0, 0));
  r.slots[0]->practitioner = std::make_unique<model::ReferenceT>();
  r.slots.push_back(slot("b", model::SlotStatus::Free, 1, 0, 0));
  r.slots[1]->organization = std::make_unique<model::ReferenceT>();
  r.slots[1]->organization->city = "3201";
  r.organizations.push_back(std::make_unique<model::OrganizationT>());
  stampCity(r, "3402");
  EXPECT_EQ(r.slots[0]->organization->city, "3402");
  EXPECT_EQ(r.slots[0]->organization->kind, "Organization");
  EXPECT_EQ(r.slots[0]->practitioner->city, "3402");
  EXPECT_EQ(r.slots[0]->department, nullptr);
  EXPECT_EQ(r.slots[1]->organization->city, "3201");
  EXPECT_EQ(r.organizations[0]->city, "3402");
}

TEST(AnswersTest, NormaliseFiltersOnlySlotQueries) {
  model::QueryT q;
  q.kind = model::QueryKind::Organizations;
  auto answer = model::envelopeOf(sample());
  normaliseAnswer(model::envelopeOf(q), "3405", answer);
  EXPECT_EQ(answer.body.AsSearchResult()->slots.size(), 4u);
  q.kind = model::QueryKind::Slots;
  normaliseAnswer(model::envelopeOf(q), "3405", answer);
  EXPECT_EQ(ids(*answer.body.AsSearchResult()), std::vector<std::string>{"free"});
}

}  // namespace
}  // namespace metrogw::federation
