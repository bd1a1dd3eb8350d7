#include "sim/resident_id.h"

#include <cstdio>

namespace metrogw::sim {

char residentIdCheckChar(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (first17[i] < '0' || first17[i] > '9') return '\0';
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheck[sum % 11];
}

std::string makeResidentId(std::string_view region, std::string_view birth, int sequence) {
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", sequence % 1000);
  std::string id;
  id.reserve(18);
  id.append(region).append(birth).append(seq);
  id.push_back(residentIdCheckChar(id));
  return id;
}

bool isValidResidentId(std::string_view id) {
  if (id.size() != 18) return false;
  const char check = residentIdCheckChar(id.substr(0, 17));
  return check != '\0' && check == id[17];
}

}  // namespace metrogw::sim
