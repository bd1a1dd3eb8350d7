#include "adapters/fhir/legacy_patient.h"

#include "adapters/mapping.h"

namespace metrogw::adapters::fhir {
namespace {

constexpr std::string_view kLegacySystem = "urn:metrogw:legacy-json";

// A member that may be a string or a number; its text in `out`.
[[nodiscard]] Status getText(const Node& obj, std::string_view key, std::string& out) {
  const JsonValue* v = obj.find(key);
  if (v == nullptr) return Status::ok();
  if (isNumber(*v)) {
    out.assign(numberText(*v));
    return Status::ok();
  }
  return getString(obj, key, out);
}

void addIdentifier(model::PatientT& out, std::string value, const char* type) {
  auto id = std::make_unique<model::IdentifierT>();
  id->system = std::string(kLegacySystem) + ":" + type;
  id->value = std::move(value);
  id->type = type;
  out.identifiers.push_back(std::move(id));
}

[[nodiscard]] Status decodePhones(const Node& root, model::PatientT& out) {
  const JsonValue* v = root.find("Phone Number");
  if (v == nullptr) return Status::ok();
  const Node list(*v, &root, "Phone Number");
  const auto add = [&](const Node& n) -> Status {
    if (!isString(n.value())) return n.error("expected a string");
    auto phone = std::make_unique<model::ContactPointT>();
    phone->system = model::ContactSystem::Phone;
    phone->value = stringOf(n.value());
    out.telecom.push_back(std::move(phone));
    return Status::ok();
  };
  if (!v->IsArray()) return add(list);
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) RETURN_IF_ERROR(add(Node((*v)[i], &list, i)));
  return Status::ok();
}

[[nodiscard]] Status decodeGender(const Node& root, model::PatientT& out) {
  std::string code;
  RETURN_IF_ERROR(getString(root, "Gender", code));
  if (code.empty()) return Status::ok();
  out.gender_code = std::make_unique<model::CodingT>();
  out.gender_code->system = std::string(kHl7v2Gender);
  out.gender_code->code = code;
  const CodeTarget* national = builtinMap(Table::kGender).reverse(kHl7v2Gender, code, kGbt2261Gender);
  out.gender =
      national == nullptr ? model::Gender::Unknown : static_cast<model::Gender>(std::stoi(national->code));
  return Status::ok();
}

// "20010110" (HL7 style) or an ISO date.
[[nodiscard]] Status decodeBirthDate(const Node& root, model::PatientT& out) {
  std::string dob;
  RETURN_IF_ERROR(getText(root, "DOB", dob));
  if (dob.empty()) return Status::ok();
  const bool digits = dob.size() == 8 && dob.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    out.birth_date = dob.substr(0, 4) + "-" + dob.substr(4, 2) + "-" + dob.substr(6, 2);
    return Status::ok();
  }
  return getTime(root, "DOB", out.birth_date);
}

}  // namespace

bool isLegacyPatient(const Node& root) {
  return root.value().IsObject() && root.find("resourceType") == nullptr &&
         (root.find("PatientId") != nullptr || root.find("MRN") != nullptr);
}

Status decodeLegacyPatient(const Node& root, model::PatientT& out) {
  RETURN_IF_ERROR(getText(root, "PatientId", out.id));
  if (!out.id.empty()) addIdentifier(out, out.id, "PI");
  std::string mrn;
  RETURN_IF_ERROR(getText(root, "MRN", mrn));
  if (!mrn.empty()) addIdentifier(out, std::move(mrn), "MR");
  std::string first;
  std::string last;
  RETURN_IF_ERROR(getString(root, "FirstName", first));
  RETURN_IF_ERROR(getString(root, "LastName", last));
  if (!first.empty() || !last.empty()) {
    out.name = std::make_unique<model::HumanNameT>();
    out.name->family = std::move(last);
    if (!first.empty()) out.name->given.push_back(std::move(first));
  }
  RETURN_IF_ERROR(decodePhones(root, out));
  RETURN_IF_ERROR(decodeGender(root, out));
  return decodeBirthDate(root, out);
}

}  // namespace metrogw::adapters::fhir
