#include "sim/booking_book.h"

#include <gtest/gtest.h>

namespace metrogw::sim {
namespace {

class FakeTime final : public TimeSource {
 public:
  MonotonicTime monotonicNow() const override { return mono; }
  SystemTime systemNow() const override { return SystemTime{} + std::chrono::hours(24 * 20000); }
  void advance(std::chrono::milliseconds d) { mono += d; }
  MonotonicTime mono{};
};

class BookingBookTest : public ::testing::Test {
 protected:
  static const World& world() {
    static const World w = [] {
      WorldOptions o;
      o.city = "3201";
      o.seed = 11;
      o.start = Date{2025, 3, 10};
      return buildWorld(o).value();
    }();
    return w;
  }

  // A free slot with the given capacity and family-doctor share, nobody booked yet.
  static const model::SlotT& findSlot(uint16_t capacity, uint16_t reserved) {
    for (const auto& s : world().slots) {
      if (s.capacity == capacity && s.reserved_family_doctor == reserved && s.booked == 0) return s;
    }
    ADD_FAILURE() << "no slot " << capacity << "/" << reserved;
    return world().slots.front();
  }

  static model::CommandT command(model::CommandAction action, const model::SlotT& slot, bool family = false) {
    model::CommandT c;
    c.action = action;
    c.slot_id = slot.id;
    c.family_doctor = family;
    c.patient = std::make_unique<model::PatientT>(world().patients.front());
    return c;
  }

  FakeTime clock_;
  BookingBook book_{world(), clock_};
};

TEST_F(BookingBookTest, NeverDoubleBooks) {
  const auto& slot = findSlot(1, 0);
  auto first = book_.book(command(model::CommandAction::Book, slot));
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  EXPECT_EQ(first->status, model::AppointmentStatus::Booked);
  EXPECT_EQ(first->start, slot.start);
  auto second = book_.book(command(model::CommandAction::Book, slot));
  ASSERT_FALSE(second.isOk());
  EXPECT_EQ(second.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(book_.view(slot, false).status, model::SlotStatus::Busy);
  EXPECT_EQ(book_.view(slot, false).booked, 1);
}

TEST_F(BookingBookTest, ReservedShareOnlyForFamilyDoctors) {
  const auto& slot = findSlot(2, 1);
  ASSERT_TRUE(book_.book(command(model::CommandAction::Book, slot)).isOk());
  // The remaining place is the family doctors'.
  EXPECT_EQ(book_.book(command(model::CommandAction::Book, slot)).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(book_.view(slot, false).status, model::SlotStatus::Busy);
  EXPECT_EQ(book_.view(slot, true).status, model::SlotStatus::Free);
  ASSERT_TRUE(book_.book(command(model::CommandAction::Book, slot, true)).isOk());
  EXPECT_FALSE(book_.book(command(model::CommandAction::Book, slot, true)).isOk());
}

TEST_F(BookingBookTest, FamilyDoctorsMayTakePublicPlaces) {
  const auto& slot = findSlot(3, 1);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(book_.book(command(model::CommandAction::Book, slot, true)).isOk()) << i;
  EXPECT_FALSE(book_.book(command(model::CommandAction::Book, slot, true)).isOk());
  EXPECT_FALSE(book_.book(command(model::CommandAction::Book, slot)).isOk());
}

TEST_F(BookingBookTest, HoldExpiresAfterFiveMinutes) {
  const auto& slot = findSlot(1, 0);
  auto hold = book_.hold(command(model::CommandAction::Hold, slot));
  ASSERT_TRUE(hold.isOk());
  EXPECT_EQ(hold->status, model::AppointmentStatus::Pending);
  EXPECT_FALSE(book_.book(command(model::CommandAction::Book, slot)).isOk());
  clock_.advance(std::chrono::minutes(4));
  EXPECT_EQ(book_.activeHolds(), 1u);
  clock_.advance(std::chrono::minutes(1));
  EXPECT_EQ(book_.activeHolds(), 0u);
  auto late = command(model::CommandAction::Book, slot);
  late.slot_id.clear();
  late.hold_id = hold->id;
  EXPECT_EQ(book_.book(late).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(book_.book(command(model::CommandAction::Book, slot)).isOk());
}

TEST_F(BookingBookTest, HoldThenBookKeepsThePlace) {
  const auto& slot = findSlot(1, 0);
  auto hold = book_.hold(command(model::CommandAction::Hold, slot));
  ASSERT_TRUE(hold.isOk());
  model::CommandT c = command(model::CommandAction::Book, slot);
  c.slot_id.clear();
  c.hold_id = hold->id;
  auto booked = book_.book(c);
  ASSERT_TRUE(booked.isOk());
  clock_.advance(std::chrono::minutes(10));
  EXPECT_EQ(book_.places(slot).taken, 1);
}

TEST_F(BookingBookTest, CancelFreesThePlace) {
  const auto& slot = findSlot(1, 0);
  auto booked = book_.book(command(model::CommandAction::Book, slot));
  ASSERT_TRUE(booked.isOk());
  model::CommandT cancel;
  cancel.action = model::CommandAction::Cancel;
  cancel.appointment_id = booked->id;
  auto cancelled = book_.execute(cancel);
  ASSERT_TRUE(cancelled.isOk());
  EXPECT_EQ(cancelled->status, model::AppointmentStatus::Cancelled);
  EXPECT_EQ(book_.view(slot, false).status, model::SlotStatus::Free);
  // Cancelling again changes nothing (the place is not freed twice).
  ASSERT_TRUE(book_.execute(cancel).isOk());
  EXPECT_EQ(book_.places(slot).taken, 0);
  EXPECT_TRUE(book_.book(command(model::CommandAction::Book, slot)).isOk());
}

TEST_F(BookingBookTest, PreBookedPlacesCount) {
  for (const auto& s : world().slots) {
    if (s.booked == 0) continue;
    EXPECT_EQ(book_.places(s).taken, s.booked);
    return;
  }
  FAIL() << "no pre-booked slot";
}

TEST_F(BookingBookTest, BadCommands) {
  model::CommandT c;
  c.action = model::CommandAction::Book;
  EXPECT_EQ(book_.execute(c).status().code(), StatusCode::kInvalidArgument);  // no patient
  c.patient = std::make_unique<model::PatientT>(world().patients.front());
  EXPECT_EQ(book_.execute(c).status().code(), StatusCode::kInvalidArgument);  // no slot
  c.slot_id = "nope";
  EXPECT_EQ(book_.execute(c).status().code(), StatusCode::kNotFound);
}

TEST_F(BookingBookTest, IdempotentBook) {
  const auto& slot = findSlot(2, 0);
  auto c = command(model::CommandAction::Book, slot);
  c.idempotency_key = "k1";
  auto a = book_.book(c);
  auto b = book_.book(c);
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(a->id, b->id);
  EXPECT_EQ(book_.places(slot).taken, 1);
}

}  // namespace
}  // namespace metrogw::sim
