// Residents of a simulated world: valid GB 11643 resident IDs, health cards, phones, addresses.
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

[[nodiscard]] model::PatientT makePatient(World& w, Rng& rng, std::set<std::string>& used_ids) {
  const Date birth = addDays(Date{1940, 1, 1}, static_cast<int>(rng.below(80 * 365)));
  const int sequence = static_cast<int>(rng.below(1000));
  const std::string resident_id = makeResidentId(rng.pick(w.city.districts), formatCompact(birth), sequence);
  model::PatientT p;
  do {
    p.id = w.city.prefix + "-PT" + digits(rng, 7);
  } while (!used_ids.insert(p.id).second);
  p.identifiers.push_back(makeIdentifier(model::kResidentIdOid, resident_id, "NNCHN"));
  p.identifiers.push_back(makeIdentifier(model::kHealthCardOid, w.city.prefix + digits(rng, 14), "HC"));
  p.identifiers.push_back(makeIdentifier("urn:metrogw:ids:" + w.city.prefix + ":patient", p.id, "PI"));
  p.name = std::make_unique<model::HumanNameT>();
  std::string given;
  p.name->text = chineseName(rng, &p.name->family, &given);
  p.name->given.push_back(given);
  p.gender = sequence % 2 == 1 ? model::Gender::Male : model::Gender::Female;
  p.birth_date = formatDate(birth);
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

void buildPatients(World& w) {
  Rng rng(w.options.seed, "patients:" + w.city.prefix);
  std::set<std::string> used;
  for (int i = 0; i < w.options.patients; ++i) w.patients.push_back(makePatient(w, rng, used));
}

}  // namespace metrogw::sim
