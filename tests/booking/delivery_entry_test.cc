// Pure rules of the delivery consumer: what is sent, how answers are classified, backoff.
#include "booking/internal/delivery_entry.h"

#include <gtest/gtest.h>

namespace metrogw::booking::internal {
namespace {

using namespace std::chrono_literals;
using Appt = std::map<std::string, std::string>;

TEST(DeliveryEntryTest, PlanSendsOnlyPendingBookingsAndCancelsOfDeliveredOnes) {
  const StreamEntry book{"1-0", "3201.a1", "book"};
  const StreamEntry cancel{"1-1", "3201.a1", "cancel"};
  EXPECT_EQ(planFor(book, {{"status", "booked"}, {"delivery", "pending"}}), Plan::kSend);
  EXPECT_EQ(planFor(book, {{"status", "booked"}, {"delivery", "delivered"}}), Plan::kSkip);
  EXPECT_EQ(planFor(book, {{"status", "cancelled"}, {"delivery", "pending"}}), Plan::kSkip);
  EXPECT_EQ(planFor(book, {}), Plan::kSkip);
  EXPECT_EQ(planFor(cancel, {{"status", "cancelled"}, {"platform_ref", "P1"}}), Plan::kSend);
  EXPECT_EQ(planFor(cancel, {{"status", "cancelled"}}), Plan::kSkip);
  EXPECT_EQ(planFor(cancel, {{"status", "booked"}, {"platform_ref", "P1"}}), Plan::kSkip);
  EXPECT_EQ(planFor(StreamEntry{"1-2", "3201.a1", "other"}, {{"status", "booked"}}), Plan::kSkip);
}

TEST(DeliveryEntryTest, ClassifiesAnswers) {
  model::AppointmentT a;
  a.id = "AP-1";
  const Outcome ok = classify(model::envelopeOf(std::move(a)));
  EXPECT_EQ(ok.kind, Outcome::Kind::kDelivered);
  EXPECT_EQ(ok.platform_ref, "AP-1");
  EXPECT_EQ(classify(Status::upstreamTimeout("t")).kind, Outcome::Kind::kTransient);
  EXPECT_EQ(classify(Status::upstreamUnavailable("u")).kind, Outcome::Kind::kTransient);
  EXPECT_EQ(classify(Status::invalidArgument("patient: missing")).kind, Outcome::Kind::kRefused);
  model::ProblemT busy;
  busy.type = "urn:metrogw:problem:slot-unavailable";
  busy.status = 409;
  const Outcome refused = classify(model::envelopeOf(std::move(busy)));
  EXPECT_EQ(refused.kind, Outcome::Kind::kRefused);
  EXPECT_EQ(refused.reason, "platform-409:slot-unavailable");
  model::ProblemT down;
  down.status = 503;
  EXPECT_EQ(classify(model::envelopeOf(std::move(down))).kind, Outcome::Kind::kTransient);
}

TEST(DeliveryEntryTest, BackoffDoublesUpToTheCapWithJitterInTheUpperHalf) {
  EXPECT_EQ(backoff(1, 500ms, 30s, 0.0), 250ms);
  EXPECT_EQ(backoff(1, 500ms, 30s, 1.0), 500ms);
  EXPECT_EQ(backoff(3, 500ms, 30s, 1.0), 2000ms);
  EXPECT_EQ(backoff(20, 500ms, 30s, 1.0), 30s);
  EXPECT_EQ(backoff(20, 500ms, 30s, 0.0), 15s);
}

TEST(DeliveryEntryTest, ParsesStreamReplies) {
  using R = redis::Reply;
  auto str = [](std::string s) {
    R r;
    r.type = R::Type::kString;
    r.str = std::move(s);
    return r;
  };
  auto arr = [](std::vector<R> e) {
    R r;
    r.type = R::Type::kArray;
    r.elements = std::move(e);
    return r;
  };
  const R entry =
      arr({str("1700000000123-0"), arr({str("appointment"), str("3201.a9"), str("action"), str("book")})});
  const auto read = parseReadGroup(arr({arr({str("mgw:pool:delivery"), arr({entry})})}));
  ASSERT_EQ(read.size(), 1U);
  EXPECT_EQ(read[0].appointment, "3201.a9");
  EXPECT_EQ(read[0].action, "book");
  EXPECT_TRUE(parseReadGroup(R{}).empty());  // nil: nothing new
  const auto claimed = parseAutoClaim(arr({str("0-0"), arr({entry, R{}}), arr({})}));
  EXPECT_EQ(claimed.cursor, "0-0");
  ASSERT_EQ(claimed.entries.size(), 1U);
  EXPECT_EQ(streamIdMs("1700000000123-0"), 1700000000123);
  EXPECT_EQ(streamIdMs("x"), 0);
}

TEST(DeliveryEntryTest, CancelCommandUsesThePlatformReference) {
  const auto c = commandFor(StreamEntry{"1-0", "3201.a1", "cancel"}, {{"platform_ref", "P-9"}});
  EXPECT_EQ(c.action, model::CommandAction::Cancel);
  EXPECT_EQ(c.appointment_id, "P-9");
  EXPECT_EQ(c.idempotency_key, "3201.a1:cancel");
  EXPECT_EQ(c.patient, nullptr);
}

}  // namespace
}  // namespace metrogw::booking::internal
