// Residents of a simulated world: valid GB 11643 resident IDs, health cards, phones, addresses.
#include <algorithm>
#include <cstdio>
#include <set>

#include "sim/model_util.h"
#include "sim/random.h"
#include "sim/resident_id.h"
#include "sim/world.h"

namespace metrogw::sim {
namespace {

[[nodiscard]] std::string digits(Rng& rng, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + rng.below(10)));
  return out;
}

[[nodiscard]] std::string mobilePhone(Rng& rng) {
  static const std::vector<std::string> kPrefixes = {"130", "133", "135", "138", "139",
                                                     "151", "158", "177", "186", "189"};
  return rng.pick(kPrefixes) + digits(rng, 8);
}

[[nodiscard]] std::unique_ptr<model::AddressT> homeAddress(Rng& rng, const CityInfo& city) {
  static const std::vector<std::string> kStreets = {"中山路", "建设路", "解放路", "人民路",
                                                    "长江路", "湖南路", "文化路"};
  auto a = std::make_unique<model::AddressT>();
  a->province = city.province;
  a->city = city.name;
  a->line.push_back(rng.pick(kStreets) + std::to_string(rng.between(1, 300)) + "号");
  a->text = a->province + a->city + a->line.front();
  a->country = "CN";
  a->use = "home";
  return a;
}

// Who a resident is; the rest of a platform record (local number, card, phone, address) is the
// platform's own.
struct Person {
  std::string resident_id;
  std::string family;
  std::string given;
  std::string name;
  Date birth;
  model::Gender gender = model::Gender::Unknown;
};

[[nodiscard]] Person drawPerson(Rng& rng, const CityInfo& city) {
  Person who;
  who.birth = addDays(Date{1940, 1, 1}, static_cast<int>(rng.below(80 * 365)));
  const int sequence = static_cast<int>(rng.below(1000));
  who.resident_id = makeResidentId(rng.pick(city.districts), formatCompact(who.birth), sequence);
  who.name = chineseName(rng, &who.family, &who.given);
  who.gender = sequence % 2 == 1 ? model::Gender::Male : model::Gender::Female;
  return who;
}

[[nodiscard]] model::PatientT makePatient(World& w, Rng& rng, std::set<std::string>& used_ids,
                                          const Person& who) {
  model::PatientT p;
  do {
    p.id = w.city.prefix + "-PT" + digits(rng, 7);
  } while (!used_ids.insert(p.id).second);
  p.identifiers.push_back(makeIdentifier(model::kResidentIdOid, who.resident_id, "NNCHN"));
  p.identifiers.push_back(makeIdentifier(model::kHealthCardOid, w.city.prefix + digits(rng, 14), "HC"));
  p.identifiers.push_back(makeIdentifier("urn:metrogw:ids:" + w.city.prefix + ":patient", p.id, "PI"));
  p.name = std::make_unique<model::HumanNameT>();
  p.name->text = who.name;
  p.name->family = who.family;
  p.name->given.push_back(who.given);
  p.gender = who.gender;
  p.birth_date = formatDate(who.birth);
  auto phone = std::make_unique<model::ContactPointT>();
  phone->system = model::ContactSystem::Phone;
  phone->value = mobilePhone(rng);
  phone->use = "mobile";
  p.telecom.push_back(std::move(phone));
  p.address.push_back(homeAddress(rng, w.city));
  const auto& org = rng.pick(w.organizations);
  p.managing_organization = makeRef("Organization", org.id, org.name, w.city.prefix);
  p.home_city = w.city.prefix;
  return p;
}

}  // namespace

std::vector<MetroResident> metroResidents(uint64_t seed) {
  const std::vector<std::string> cities = simulatedCities();
  Rng rng(seed, "metro-residents");
  std::vector<MetroResident> out;
  for (int i = 0; i < kMetroResidents; ++i) {
    const size_t n = cities.size();
    const std::string& home = cities[i % n];
    auto info = cityInfo(home);
    if (!info.isOk()) continue;
    const Person who = drawPerson(rng, *info);
    MetroResident r;
    r.resident_id = who.resident_id;
    r.name = who.name;
    r.birth_date = formatDate(who.birth);
    r.cities.push_back(home);
    if (i % 2 == 0) r.cities.push_back(cities[(i + 1) % n]);
    if (i % 4 == 0) r.cities.push_back(cities[(i + 2) % n]);
    if (i % 8 == 7) r.conflict_city = cities[(i + 1) % n];
    out.push_back(std::move(r));
  }
  return out;
}

void buildPatients(World& w) {
  Rng rng(w.options.seed, "patients:" + w.city.prefix);
  std::set<std::string> used;
  for (int i = 0; i < w.options.patients; ++i)
    w.patients.push_back(makePatient(w, rng, used, drawPerson(rng, w.city)));
  // The metro residents this platform knows, drawn again from the same seed so the person matches.
  Rng metro(w.options.seed, "metro-residents");
  const std::vector<MetroResident> residents = metroResidents(w.options.seed);
  for (const MetroResident& r : residents) {
    auto home = cityInfo(r.cities.front());
    if (!home.isOk()) continue;
    Person who = drawPerson(metro, *home);
    const bool listed = std::find(r.cities.begin(), r.cities.end(), w.city.prefix) != r.cities.end();
    if (!listed && r.conflict_city != w.city.prefix) continue;
    if (r.conflict_city == w.city.prefix) who.birth = addDays(who.birth, 1);  // a data-entry error
    w.patients.push_back(makePatient(w, rng, used, who));
  }
}

}  // namespace metrogw::sim
