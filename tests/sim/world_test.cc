#include "sim/world.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "adapters/mapping.h"
#include "sim/resident_id.h"

namespace metrogw::sim {
namespace {

WorldOptions options(std::string city, uint64_t seed) {
  WorldOptions o;
  o.city = std::move(city);
  o.seed = seed;
  o.start = Date{2025, 3, 10};
  o.days = 14;
  return o;
}

World build(std::string city, uint64_t seed) {
  auto w = buildWorld(options(std::move(city), seed));
  EXPECT_TRUE(w.isOk()) << w.status().toString();
  return std::move(w).value();
}

// The check character recomputed here, independently of sim/resident_id.cc.
char checkChar(const std::string& id) {
  const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[i] - '0') * weights[i];
  return "10X98765432"[sum % 11];
}

TEST(ResidentIdTest, KnownNumber) {
  // The GB 11643 standard's own example: 11010519491231002X.
  EXPECT_EQ(residentIdCheckChar("11010519491231002"), 'X');
  EXPECT_TRUE(isValidResidentId("11010519491231002X"));
  EXPECT_FALSE(isValidResidentId("110105194912310021"));
  EXPECT_EQ(makeResidentId("320106", "19800101", 13).substr(0, 17), "32010619800101013");
}

TEST(WorldTest, SameSeedSameWorld) {
  const World a = build("3201", 7);
  const World b = build("3201", 7);
  ASSERT_EQ(a.slots.size(), b.slots.size());
  for (size_t i = 0; i < a.slots.size(); ++i) ASSERT_EQ(a.slots[i], b.slots[i]);
  ASSERT_EQ(a.patients.size(), b.patients.size());
  for (size_t i = 0; i < a.patients.size(); ++i) EXPECT_EQ(a.patients[i], b.patients[i]);
  EXPECT_EQ(a.practitioners.size(), b.practitioners.size());
  EXPECT_EQ(a.lab_reports.size(), b.lab_reports.size());
}

TEST(WorldTest, DifferentSeedDifferentIds) {
  const World a = build("3201", 7);
  const World b = build("3201", 8);
  std::set<std::string> a_ids;
  for (const auto& s : a.slots) a_ids.insert(s.id);
  size_t shared = 0;
  for (const auto& s : b.slots) shared += a_ids.count(s.id);
  EXPECT_LT(shared, b.slots.size() / 10);
  EXPECT_NE(a.patients.front().id, b.patients.front().id);
  // Hospitals are real: their ids do not depend on the seed.
  EXPECT_EQ(a.organizations.front().id, b.organizations.front().id);
}

TEST(WorldTest, ResidentIdsAreValidAndLocal) {
  for (const char* city : {"3201", "3402", "3405"}) {
    const World w = build(city, 3);
    ASSERT_GT(w.patients.size(), static_cast<size_t>(w.options.patients));
    for (size_t i = 0; i < w.patients.size(); ++i) {
      const auto& p = w.patients[i];
      const bool local = i < static_cast<size_t>(w.options.patients);  // then the metro residents
      const auto* id = p.identifiers.front().get();
      ASSERT_EQ(id->system, model::kResidentIdOid);
      ASSERT_EQ(id->value.size(), 18u);
      if (local) {
        EXPECT_EQ(id->value.substr(0, 4), city);
      }
      EXPECT_EQ(id->value[17], checkChar(id->value));
      const std::string birth =
          p.birth_date.substr(0, 4) + p.birth_date.substr(5, 2) + p.birth_date.substr(8, 2);
      if (local) {
        EXPECT_EQ(id->value.substr(6, 8), birth);
      }
      const bool odd = (id->value[16] - '0') % 2 == 1;
      EXPECT_EQ(p.gender, odd ? model::Gender::Male : model::Gender::Female);
      EXPECT_EQ(p.telecom.front()->value.size(), 11u);
    }
  }
}

TEST(WorldTest, MetroResidentsAreOnTheirCitiesPlatformsUnderLocalNumbers) {
  const auto residents = metroResidents(3);
  ASSERT_EQ(residents.size(), static_cast<size_t>(kMetroResidents));
  std::map<std::string, World> worlds;
  for (const char* city : {"3201", "3402", "3405"}) worlds.emplace(city, build(city, 3));
  size_t conflicts = 0;
  for (const auto& r : residents) {
    for (const auto& [city, w] : worlds) {
      const model::PatientT* found = nullptr;
      for (const auto& p : w.patients) {
        if (p.identifiers.front()->value == r.resident_id) found = &p;
      }
      const bool listed = std::find(r.cities.begin(), r.cities.end(), city) != r.cities.end();
      if (!listed && r.conflict_city != city) {
        EXPECT_EQ(found, nullptr) << city;
        continue;
      }
      ASSERT_NE(found, nullptr) << city;
      EXPECT_EQ(found->name->text, r.name);
      EXPECT_EQ(found->id.substr(0, 4), city);  // the platform's own number
      if (r.conflict_city == city) {
        ++conflicts;
        EXPECT_NE(found->birth_date, r.birth_date) << "a data-entry error in " << city;
      } else {
        EXPECT_EQ(found->birth_date, r.birth_date);
      }
    }
  }
  EXPECT_EQ(conflicts, 3u);  // residents 7, 15 and 23
}

int minuteOfDay(const std::string& iso) {
  return std::stoi(iso.substr(11, 2)) * 60 + std::stoi(iso.substr(14, 2));
}

// A slot release (--release): exactly N extra single-place 10-minute slots of that hospital, none
// today, all free with no family-doctor share, unique ids; an unknown hospital is an error.
TEST(WorldTest, SlotReleaseAddsSinglePlaceSlotsOfOneHospital) {
  const World plain = build("3201", 1);
  const std::string hospital = plain.organizations.front().id;
  WorldOptions o = options("3201", 1);
  o.release_hospital = hospital;
  o.release_slots = 1000;
  auto w = buildWorld(o);
  ASSERT_TRUE(w.isOk()) << w.status().toString();
  ASSERT_EQ(w->slots.size(), plain.slots.size() + 1000);
  ASSERT_EQ(w->slot_index.size(), w->slots.size()) << "slot ids are unique";
  size_t released = 0;
  for (const auto& s : w->slots) {
    if (plain.findSlot(s.id) != nullptr) continue;
    ++released;
    EXPECT_EQ(s.organization->id, hospital);
    EXPECT_EQ(s.capacity, 1);
    EXPECT_EQ(s.booked, 0);
    EXPECT_EQ(s.reserved_family_doctor, 0);
    EXPECT_EQ(s.status, model::SlotStatus::Free);
    EXPECT_GE(s.start, "2025-03-11T18:00:00+08:00");
    EXPECT_EQ(s.start.substr(0, 11), s.end.substr(0, 11));
    EXPECT_EQ(minuteOfDay(s.end) - minuteOfDay(s.start), 10) << s.start;
  }
  EXPECT_EQ(released, 1000u);
  o.release_hospital = "no-such-hospital";
  EXPECT_FALSE(buildWorld(o).isOk());
  o.release_hospital = hospital;
  o.release_slots = 100000;
  EXPECT_FALSE(buildWorld(o).isOk()) << "more than the doctors' evenings hold";
}

TEST(WorldTest, NanjingSupplyFollowsBookingShare) {
  const World w = build("3201", 1);
  ASSERT_EQ(w.organizations.size(), 34u);
  std::map<std::string, size_t> per_org;
  for (const auto& s : w.slots) ++per_org[s.organization->id];
  for (const auto& o : w.organizations) {
    EXPECT_GE(per_org[o.id], 1u) << o.name;
    EXPECT_EQ(o.city, "3201");
  }
  const auto& gulou = w.organizations.front();
  EXPECT_EQ(gulou.name, "南京鼓楼医院（含分院）");
  for (const auto& o : w.organizations) {
    if (o.id != gulou.id) {
      EXPECT_GT(per_org[gulou.id], per_org[o.id]) << o.name;
    }
  }
  EXPECT_GT(per_org[gulou.id] * 4, w.slots.size());  // a big share of the whole pool
}

TEST(WorldTest, SlotsAreHalfHoursInOpeningHours) {
  const World w = build("3402", 5);
  ASSERT_FALSE(w.slots.empty());
  size_t reserved = 0, booked = 0;
  for (const auto& s : w.slots) {
    ASSERT_EQ(s.start.size(), 25u) << s.start;
    EXPECT_EQ(s.start.substr(19), "+08:00");
    const std::string hm = s.start.substr(11, 5);
    EXPECT_TRUE((hm >= "08:00" && hm <= "11:00") || (hm >= "14:00" && hm <= "16:30")) << hm;
    EXPECT_GE(s.capacity, 1);
    EXPECT_LE(s.capacity, 4);
    EXPECT_LE(s.booked + s.reserved_family_doctor, s.capacity);
    EXPECT_GE(s.start.substr(0, 10), "2025-03-10");
    EXPECT_LE(s.start.substr(0, 10), "2025-03-23");
    reserved += s.reserved_family_doctor > 0;
    booked += s.booked > 0;
  }
  EXPECT_GT(reserved, 0u);
  EXPECT_GT(booked, 0u);
  EXPECT_LT(booked, w.slots.size() / 3);
}

TEST(WorldTest, DepartmentsUseLocalAndMetroCodes) {
  const World w = build("3402", 1);
  EXPECT_EQ(w.organizations.front().name, "皖南医学院弋矶山医院");
  EXPECT_EQ(w.organizations.front().grade, model::HospitalGrade::Tertiary);
  bool orthopaedics = false;
  for (const auto& d : w.departments) {
    ASSERT_EQ(d.code->coding->system, "urn:metrogw:codes:3402:department");
    ASSERT_FALSE(d.code->alt.empty()) << d.code->coding->code;
    EXPECT_EQ(d.code->alt.front()->system, adapters::kDepartmentSystem);
    if (d.organization->id == w.organizations.front().id && d.code->coding->code == "GK") {
      orthopaedics = d.code->alt.front()->code == "04.03" && d.name == "骨科专业";
    }
  }
  EXPECT_TRUE(orthopaedics);
}

TEST(WorldTest, LabReportsHaveCodedItems) {
  const World nj = build("3201", 2);
  ASSERT_FALSE(nj.lab_reports.empty());
  const auto& r = nj.lab_reports.front();
  EXPECT_EQ(r.code->coding->system, adapters::kLoincSystem);
  ASSERT_FALSE(r.observations.empty());
  for (const auto& o : r.observations) {
    EXPECT_FALSE(o->value.empty());
    EXPECT_FALSE(o->unit.empty());
    EXPECT_NE(o->interpretation, model::Interpretation::None);
  }
  const World ma = build("3405", 2);
  ASSERT_FALSE(ma.lab_reports.empty());
  const auto& item = ma.lab_reports.front().observations.front()->code;
  EXPECT_EQ(item->coding->system, "urn:metrogw:codes:3405:lab-item");
  ASSERT_FALSE(item->alt.empty());
  EXPECT_EQ(item->alt.front()->system, adapters::kLoincSystem);
  EXPECT_EQ(ma.summaries.size(), ma.patients.size());
}

TEST(WorldTest, RejectsUnknownCity) { EXPECT_FALSE(buildWorld(options("9999", 1)).isOk()); }

}  // namespace
}  // namespace metrogw::sim
