// Patient, Organization, Practitioner and HealthcareService (-> Department).
//
// Extensions (kExtBase + name): Patient "ethnicity" (valueCoding), "home-city" (valueString),
// "gender-code" (valueCoding, a source gender code that is not a FHIR value); Organization
// "city" (GB/T 2260 prefix) and "grade-class" (甲/乙/丙); Practitioner "specialty"
// (valueCodeableConcept, repeated), "organization" and "department" (valueReference).
// Organization.type carries the hospital grade as a coding of kGradeSystem ("1".."3").
#include "adapters/fhir/resources.h"

#include <array>
#include <utility>

#include "adapters/mapping.h"

namespace metrogw::adapters::fhir {
namespace {

constexpr std::string_view kGradeSystem = "urn:metrogw:codes:hospital-grade";

// City names as they appear in addresses -> GB/T 2260 prefix.
constexpr std::array<std::pair<std::string_view, std::string_view>, 18> kCityNames = {{
    {"南京", "3201"},
    {"Nanjing", "3201"},
    {"常州", "3204"},
    {"Changzhou", "3204"},
    {"淮安", "3208"},
    {"Huai'an", "3208"},
    {"扬州", "3210"},
    {"Yangzhou", "3210"},
    {"镇江", "3211"},
    {"Zhenjiang", "3211"},
    {"芜湖", "3402"},
    {"Wuhu", "3402"},
    {"马鞍山", "3405"},
    {"Ma'anshan", "3405"},
    {"滁州", "3411"},
    {"Chuzhou", "3411"},
    {"宣城", "3418"},
    {"Xuancheng", "3418"},
}};

std::string_view cityOfName(std::string_view name) {
  for (const auto& [prefix_name, code] : kCityNames) {
    if (name.substr(0, prefix_name.size()) == prefix_name) return code;
  }
  return {};
}

Status decodeGender(const Node& res, model::Gender& out, Ptr<model::CodingT>* unknown_code) {
  std::string g;
  RETURN_IF_ERROR(getString(res, "gender", g));
  if (g.empty()) return Status::ok();
  if (g == "other") {
    out = model::Gender::Other;
    return Status::ok();
  }
  const CodeTarget* t = builtinMap(Table::kGender).reverse(kFhirGender, g, kGbt2261Gender);
  if (t != nullptr && t->code.size() == 1) {
    out = static_cast<model::Gender>(t->code[0] - '0');
    return Status::ok();
  }
  if (unknown_code == nullptr) return Node(*res.find("gender"), &res, "gender").error("unknown gender code");
  *unknown_code = std::make_unique<model::CodingT>();
  (*unknown_code)->system = kFhirGender;
  (*unknown_code)->code = g;
  return Status::ok();
}

void writeGender(Out& o, model::Gender g) {
  if (g == model::Gender::Other) return o.field("gender", "other");
  const char digit[2] = {static_cast<char>('0' + (static_cast<int>(g) % 10)), '\0'};
  const CodeTarget* t = builtinMap(Table::kGender).lookup(kGbt2261Gender, digit, kFhirGender);
  o.field("gender", t != nullptr ? std::string_view(t->code) : "unknown");
}

void writeAddresses(Out& o, const PtrList<model::AddressT>& list) {
  if (list.empty()) return;
  o.key("address");
  o.beginArray();
  for (const auto& a : list) {
    if (a) writeAddress(o, *a);
  }
  o.endArray();
}

Status decodeOrganizationType(const Node& res, model::OrganizationT& out) {
  return forEachObject(res, "type", [&](const Node& cc) -> Status {
    return withFirstObject(cc, "coding", [&](const Node& c) -> Status {
      auto coding = std::make_unique<model::CodingT>();
      RETURN_IF_ERROR(decodeCoding(c, *coding));
      if (coding->system != kGradeSystem) {
        if (out.type == nullptr) out.type = std::move(coding);
        return Status::ok();
      }
      if (coding->code.size() == 1 && coding->code[0] >= '1' && coding->code[0] <= '3') {
        out.grade = static_cast<model::HospitalGrade>(coding->code[0] - '0');
      }
      return Status::ok();
    });
  });
}

}  // namespace

Status decodePatient(const Node& res, model::PatientT& out) {
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(decodeIdentifiers(res, "identifier", out.identifiers));
  RETURN_IF_ERROR(decodeName(res, "name", out.name));
  RETURN_IF_ERROR(decodeGender(res, out.gender, &out.gender_code));
  RETURN_IF_ERROR(extCoding(res, "gender-code", out.gender_code));
  RETURN_IF_ERROR(getTime(res, "birthDate", out.birth_date));
  RETURN_IF_ERROR(decodeTelecom(res, "telecom", out.telecom));
  RETURN_IF_ERROR(forEachItem(res, "address", [&](const Node& a) -> Status {
    out.address.push_back(std::make_unique<model::AddressT>());
    return decodeAddress(a, *out.address.back());
  }));
  RETURN_IF_ERROR(decodeReference(res, "managingOrganization", out.managing_organization));
  RETURN_IF_ERROR(extString(res, "home-city", out.home_city));
  RETURN_IF_ERROR(decodeFirstCoding(res, "maritalStatus", out.marital_status));
  RETURN_IF_ERROR(extCoding(res, "ethnicity", out.ethnicity));
  RETURN_IF_ERROR(getBool(res, "deceasedBoolean", out.deceased));
  return withMember(res, "deceasedDateTime", [&](const Node&) -> Status {
    out.deceased = true;
    return Status::ok();
  });
}

void writePatient(Out& o, const model::PatientT& p, std::string_view id_override) {
  o.beginObject();
  o.field("resourceType", "Patient");
  o.field("id", id_override.empty() ? std::string_view(p.id) : id_override);
  {
    Extensions ext(o);
    ext.coding("gender-code", p.gender_code);
    ext.string("home-city", p.home_city);
    ext.coding("ethnicity", p.ethnicity);
  }
  writeIdentifiers(o, "identifier", p.identifiers);
  writeName(o, "name", p.name);
  writeTelecom(o, "telecom", p.telecom);
  writeGender(o, p.gender);
  o.field("birthDate", p.birth_date);
  if (p.deceased) {
    o.key("deceasedBoolean");
    o.boolean(true);
  }
  writeAddresses(o, p.address);
  writeCodingAsConcept(o, "maritalStatus", p.marital_status);
  writeReference(o, "managingOrganization", p.managing_organization);
  o.endObject();
}

Status decodeOrganization(const Node& res, model::OrganizationT& out) {
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(decodeIdentifiers(res, "identifier", out.identifiers));
  RETURN_IF_ERROR(getString(res, "name", out.name));
  RETURN_IF_ERROR(decodeOrganizationType(res, out));
  RETURN_IF_ERROR(extString(res, "grade-class", out.grade_class));
  RETURN_IF_ERROR(withFirstObject(res, "address", [&](const Node& a) -> Status {
    out.address = std::make_unique<model::AddressT>();
    return decodeAddress(a, *out.address);
  }));
  RETURN_IF_ERROR(decodeTelecom(res, "telecom", out.telecom));
  RETURN_IF_ERROR(decodeReference(res, "partOf", out.part_of));
  RETURN_IF_ERROR(extString(res, "city", out.city));
  if (out.city.empty() && out.address != nullptr) out.city = cityOfName(out.address->city);
  return Status::ok();
}

void writeOrganization(Out& o, const model::OrganizationT& org) {
  o.beginObject();
  o.field("resourceType", "Organization");
  o.field("id", org.id);
  {
    Extensions ext(o);
    ext.string("city", org.city);
    ext.string("grade-class", org.grade_class);
  }
  writeIdentifiers(o, "identifier", org.identifiers);
  if (org.type != nullptr || org.grade != model::HospitalGrade::Unknown) {
    o.key("type");
    o.beginArray();
    if (org.type != nullptr) {
      model::CodeableConceptT cc;
      cc.coding = std::make_unique<model::CodingT>(*org.type);
      writeConcept(o, cc);
    }
    if (org.grade != model::HospitalGrade::Unknown) {
      model::CodeableConceptT cc;
      cc.coding = std::make_unique<model::CodingT>();
      cc.coding->system = kGradeSystem;
      cc.coding->code = std::to_string(static_cast<int>(org.grade));
      writeConcept(o, cc);
    }
    o.endArray();
  }
  o.field("name", org.name);
  writeTelecom(o, "telecom", org.telecom);
  if (org.address != nullptr) {
    o.key("address");
    o.beginArray();
    writeAddress(o, *org.address);
    o.endArray();
  }
  writeReference(o, "partOf", org.part_of);
  o.endObject();
}

Status decodePractitioner(const Node& res, model::PractitionerT& out) {
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(decodeIdentifiers(res, "identifier", out.identifiers));
  RETURN_IF_ERROR(decodeName(res, "name", out.name));
  RETURN_IF_ERROR(decodeGender(res, out.gender, nullptr));
  RETURN_IF_ERROR(withFirstObject(res, "qualification",
                                  [&](const Node& q) { return decodeFirstCoding(q, "code", out.title); }));
  RETURN_IF_ERROR(extConcepts(res, "specialty", Mapping::kDepartments, out.specialty));
  RETURN_IF_ERROR(extReference(res, "organization", out.organization));
  return extReference(res, "department", out.department);
}

void writePractitioner(Out& o, const model::PractitionerT& p) {
  o.beginObject();
  o.field("resourceType", "Practitioner");
  o.field("id", p.id);
  {
    Extensions ext(o);
    for (const auto& s : p.specialty) {
      if (s) ext.codeableConcept("specialty", *s);
    }
    ext.reference("organization", p.organization);
    ext.reference("department", p.department);
  }
  writeIdentifiers(o, "identifier", p.identifiers);
  writeName(o, "name", p.name);
  writeGender(o, p.gender);
  if (p.title != nullptr) {
    o.key("qualification");
    o.beginArray();
    o.beginObject();
    writeCodingAsConcept(o, "code", p.title);
    o.endObject();
    o.endArray();
  }
  o.endObject();
}

Status decodeDepartment(const Node& res, model::DepartmentT& out) {
  RETURN_IF_ERROR(getString(res, "id", out.id));
  RETURN_IF_ERROR(withFirstObject(res, "type", [&](const Node& t) -> Status {
    out.code = std::make_unique<model::CodeableConceptT>();
    return decodeConcept(t, Mapping::kDepartments, *out.code);
  }));
  RETURN_IF_ERROR(getString(res, "name", out.name));
  return decodeReference(res, "providedBy", out.organization);
}

void writeDepartment(Out& o, const model::DepartmentT& d) {
  o.beginObject();
  o.field("resourceType", "HealthcareService");
  o.field("id", d.id);
  writeReference(o, "providedBy", d.organization);
  if (d.code != nullptr) {
    o.key("type");
    o.beginArray();
    writeConcept(o, *d.code);
    o.endArray();
  }
  o.field("name", d.name);
  o.endObject();
}

Status decodePatientReference(const Node& ref, const Resolver* resolver, Ptr<model::PatientT>& out) {
  RETURN_IF_ERROR(expectObject(ref));
  std::string target;
  RETURN_IF_ERROR(getString(ref, "reference", target));
  const Node* res = resolver != nullptr && !target.empty() ? resolver->resolve(target) : nullptr;
  out = std::make_unique<model::PatientT>();
  if (res != nullptr) {
    ASSIGN_OR_RETURN(std::string kind, resourceTypeOf(*res));
    if (kind != "Patient") return ref.error("expected a reference to a Patient");
    return decodePatient(*res, *out);
  }
  model::ReferenceT r;
  RETURN_IF_ERROR(decodeReference(ref, r));
  out->id = std::move(r.id);
  if (r.identifier != nullptr) out->identifiers.push_back(std::move(r.identifier));
  if (!r.display.empty()) {
    out->name = std::make_unique<model::HumanNameT>();
    out->name->text = std::move(r.display);
  }
  return Status::ok();
}

bool fitsInReference(const model::PatientT& p) {
  // "Patient/<id>" is split at the last '/': an id with a slash would come back cut.
  if (p.id.find('/') != std::string::npos) return false;
  model::PatientT rest;
  rest.id = p.id;
  if (p.identifiers.size() > 1) return false;
  if (!p.identifiers.empty())
    rest.identifiers.push_back(std::make_unique<model::IdentifierT>(*p.identifiers[0]));
  if (p.name != nullptr) {
    if (p.name->text.empty()) return false;
    rest.name = std::make_unique<model::HumanNameT>();
    rest.name->text = p.name->text;
  }
  return rest == p;
}

void writePatientReference(Out& o, std::string_view key, const model::PatientT& p, std::string_view target) {
  o.key(key);
  o.beginObject();
  if (!target.empty()) {
    o.field("reference", target);
  } else if (!p.id.empty()) {
    o.field("reference", "Patient/" + p.id);
  } else {
    o.field("type", "Patient");
  }
  if (target.empty() && !p.identifiers.empty() && p.identifiers[0] != nullptr) {
    o.key("identifier");
    writeIdentifier(o, *p.identifiers[0]);
  }
  if (p.name != nullptr) o.field("display", p.name->text);
  o.endObject();
}

}  // namespace metrogw::adapters::fhir
