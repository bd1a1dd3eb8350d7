#include "sim/dispatcher.h"

#include <gtest/gtest.h>

#include "sim/world_dispatcher.h"

namespace metrogw::sim {
namespace {

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    WorldOptions o;
    o.city = "3405";
    o.seed = 4;
    o.start = Date{2025, 3, 10};
    world_ = buildWorld(o).value();
    dispatcher_ = makeWorldDispatcher(world_, book_);
  }

  model::EnvelopeT ask(model::QueryT q) {
    auto env = model::envelopeOf(std::move(q));
    env.message_id = "m-1";
    return dispatcher_->handle(env);
  }

  model::EnvelopeT run(model::CommandT c) {
    auto env = model::envelopeOf(std::move(c));
    env.message_id = "m-2";
    return dispatcher_->handle(env);
  }

  World world_;
  BookingBook book_{world_, RealTimeSource::instance()};
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, SlotSearchByMetroAndLocalCode) {
  model::QueryT q;
  q.kind = model::QueryKind::Slots;
  q.department_code = "04.03";
  q.from = "2025-03-11";
  q.to = "2025-03-11";
  q.limit = 5;
  const auto answer = ask(q);
  EXPECT_EQ(answer.in_reply_to, "m-1");
  EXPECT_EQ(answer.origin_city, "3405");
  const auto* r = answer.body.AsSearchResult();
  ASSERT_NE(r, nullptr);
  ASSERT_FALSE(r->slots.empty());
  EXPECT_LE(r->slots.size(), 5u);
  EXPECT_GT(r->total, 0);
  for (const auto& s : r->slots) {
    EXPECT_EQ(s->start.substr(0, 10), "2025-03-11");
    EXPECT_EQ(s->specialty.front()->coding->code, "1043");
    EXPECT_EQ(s->status, model::SlotStatus::Free);
  }
  q.department_code = "1043";
  EXPECT_EQ(ask(q).body.AsSearchResult()->total, r->total);
  if (r->total > 5) {
    q.page_token = r->next_page_token;
    const auto next = ask(q);
    ASSERT_FALSE(next.body.AsSearchResult()->slots.empty());
    EXPECT_NE(next.body.AsSearchResult()->slots.front()->id, r->slots.front()->id);
  }
}

TEST_F(DispatcherTest, OtherCitiesAnswerEmpty) {
  model::QueryT q;
  q.kind = model::QueryKind::Organizations;
  EXPECT_EQ(ask(q).body.AsSearchResult()->organizations.size(), world_.organizations.size());
  q.cities = {"3201"};
  EXPECT_EQ(ask(q).body.AsSearchResult()->total, 0);
}

TEST_F(DispatcherTest, PatientByResidentId) {
  const auto& p = world_.patients[3];
  model::QueryT q;
  q.kind = model::QueryKind::Patients;
  q.patient = std::make_unique<model::PatientT>();
  q.patient->identifiers.push_back(std::make_unique<model::IdentifierT>(*p.identifiers.front()));
  const auto answer1 = ask(q);
  const auto* r = answer1.body.AsSearchResult();
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->patients.size(), 1u);
  EXPECT_EQ(r->patients.front()->id, p.id);

  q.kind = model::QueryKind::RecordSummary;
  const auto answer2 = ask(q);
  const auto* summary = answer2.body.AsRecordSummary();
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary->patient->id, p.id);
}

TEST_F(DispatcherTest, PatientQueryWithoutCriteriaIs400) {
  model::QueryT q;
  q.kind = model::QueryKind::Patients;
  const auto answer = ask(q);
  ASSERT_NE(answer.body.AsProblem(), nullptr);
  EXPECT_EQ(httpStatusOf(answer), 400);
  EXPECT_EQ(answer.body.AsProblem()->type, "urn:metrogw:problem:bad-request");
}

TEST_F(DispatcherTest, BookThenSlotTakenThenCancel) {
  const model::SlotT* slot = nullptr;
  for (const auto& s : world_.slots) {
    if (s.capacity == 1 && s.booked == 0) slot = &s;
  }
  ASSERT_NE(slot, nullptr);
  model::CommandT c;
  c.action = model::CommandAction::Book;
  c.slot_id = slot->id;
  c.patient = std::make_unique<model::PatientT>(world_.patients.front());
  const auto booked = run(c);
  ASSERT_NE(booked.body.AsAppointment(), nullptr);
  EXPECT_EQ(booked.body.AsAppointment()->status, model::AppointmentStatus::Booked);
  EXPECT_EQ(booked.in_reply_to, "m-2");
  const auto taken = run(c);
  EXPECT_EQ(httpStatusOf(taken), 409);
  EXPECT_EQ(taken.body.AsProblem()->type, "urn:metrogw:problem:slot-taken");

  model::QueryT q;
  q.kind = model::QueryKind::Slots;
  q.id = slot->id;
  const auto answer3 = ask(q);
  const auto* r = answer3.body.AsSearchResult();
  ASSERT_EQ(r->slots.size(), 1u);
  EXPECT_EQ(r->slots.front()->status, model::SlotStatus::Busy);
  model::QueryT search;  // a search no longer offers it
  search.kind = model::QueryKind::Slots;
  search.practitioner_id = slot->practitioner->id;
  search.limit = 1000;
  const auto listed = ask(search);
  for (const auto& s : listed.body.AsSearchResult()->slots) EXPECT_NE(s->id, slot->id);

  model::CommandT cancel;
  cancel.action = model::CommandAction::Cancel;
  cancel.appointment_id = booked.body.AsAppointment()->id;
  EXPECT_EQ(run(cancel).body.AsAppointment()->status, model::AppointmentStatus::Cancelled);
  EXPECT_EQ(ask(q).body.AsSearchResult()->slots.front()->status, model::SlotStatus::Free);
}

TEST_F(DispatcherTest, UnknownSlotIs404) {
  model::CommandT c;
  c.action = model::CommandAction::Book;
  c.slot_id = "no-such-slot";
  c.patient = std::make_unique<model::PatientT>(world_.patients.front());
  EXPECT_EQ(httpStatusOf(run(c)), 404);
}

TEST_F(DispatcherTest, LabReportsOfAPatient) {
  const auto& report = world_.lab_reports.front();
  model::QueryT q;
  q.kind = model::QueryKind::LabReports;
  q.patient = std::make_unique<model::PatientT>();
  q.patient->id = report.patient->id;
  const auto answer4 = ask(q);
  const auto* r = answer4.body.AsSearchResult();
  ASSERT_NE(r, nullptr);
  ASSERT_FALSE(r->lab_reports.empty());
  EXPECT_EQ(r->lab_reports.front()->id, report.id);
  model::QueryT one;
  one.kind = model::QueryKind::LabReport;
  one.id = report.id;
  EXPECT_EQ(ask(one).body.AsLabReport()->observations.size(), report.observations.size());
}

}  // namespace
}  // namespace metrogw::sim
