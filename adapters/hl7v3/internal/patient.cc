// Patient <-> HL7 v3 (message and CDA spellings), see patient.h.
#include "adapters/hl7v3/internal/patient.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "adapters/mapping.h"

namespace metrogw::adapters::hl7v3 {
namespace {

using IdList = std::vector<std::unique_ptr<model::IdentifierT>>;

bool isGbtGender(std::string_view code) { return code == "0" || code == "1" || code == "2" || code == "9"; }

model::Gender genderOf(std::string_view gbt) {
  if (gbt == "1") return model::Gender::Male;
  if (gbt == "2") return model::Gender::Female;
  if (gbt == "9") return model::Gender::Unspecified;
  return model::Gender::Unknown;
}

std::string gbtCode(model::Gender g) {
  switch (g) {
    case model::Gender::Male: return "1";
    case model::Gender::Female: return "2";
    case model::Gender::Unspecified:
    case model::Gender::Other: return "9";
    default: return "0";
  }
}

void writeIdItems(XmlWriter& w, const IdList& ids, int group) {
  bool opened = false;
  for (const auto& id : ids) {
    if (!id || identifierGroup(id->system) != group) continue;
    if (!opened) w.open("id");
    opened = true;
    writeIi(w, "item", *id);
  }
  if (opened) w.close();
}

void readTelecoms(pugi::xml_node telecom, model::PatientT& p) {
  std::vector<pugi::xml_node> items = children(telecom, "item");
  if (items.empty()) items.push_back(telecom);
  for (pugi::xml_node item : items) {
    model::ContactPointT c = readTelecom(item);
    if (!c.value.empty()) p.telecom.push_back(std::make_unique<model::ContactPointT>(std::move(c)));
  }
}

void readAddresses(pugi::xml_node addr, model::PatientT& p) {
  std::vector<pugi::xml_node> items = children(addr, "item");
  if (items.empty()) {
    p.address.push_back(std::make_unique<model::AddressT>(readAddress(addr)));
    return;
  }
  for (pugi::xml_node item : items) p.address.push_back(std::make_unique<model::AddressT>(readAddress(item)));
}

Status readPersonCommon(pugi::xml_node person, model::PatientT& p) {
  const std::string name = readName(child(person, "name"));
  if (!name.empty()) {
    p.name = std::make_unique<model::HumanNameT>();
    p.name->text = name;
  }
  for (pugi::xml_node t : children(person, "telecom")) readTelecoms(t, p);
  readGender(child(person, "administrativeGenderCode"), p);
  if (pugi::xml_node b = child(person, "birthTime")) {
    ASSIGN_OR_RETURN(p.birth_date, readTs(b));
  }
  p.deceased = attr(child(person, "deceasedInd"), "value") == "true";
  for (pugi::xml_node a : children(person, "addr")) readAddresses(a, p);
  p.marital_status = codingOrNull(readCd(child(person, "maritalStatusCode")));
  pugi::xml_node ethnic = child(person, "ethnicGroupCode");
  if (pugi::xml_node item = child(ethnic, "item")) ethnic = item;
  p.ethnicity = codingOrNull(readCd(ethnic));
  return Status::ok();
}

void writePersonCommon(XmlWriter& w, const model::PatientT& p, Style style) {
  if (p.name) writeName(w, "name", p.name->text, style);
  if (style == Style::kMessage && !p.telecom.empty()) {
    w.open("telecom");
    w.attr("xsi:type", "DSET_TEL");
    for (const auto& t : p.telecom) {
      w.open("item");
      w.attr("value", telecomUrl(*t));
      w.optAttr("use", v3TelecomUse(t->use));
      w.close();
    }
    w.close();
  }
  writeGender(w, p, style);
  writeTs(w, "birthTime", p.birth_date);
  if (p.deceased) w.leaf("deceasedInd", "value", "true");
  if (style == Style::kMessage) {
    for (const auto& a : p.address) writeAddress(w, *a, style);
  }
  if (!isEmpty(p.marital_status.get())) writeCd(w, "maritalStatusCode", *p.marital_status, style);
  if (!isEmpty(p.ethnicity.get())) {
    if (style == Style::kMessage) {
      w.open("ethnicGroupCode");
      writeCd(w, "item", *p.ethnicity, style);
      w.close();
    } else {
      writeCd(w, "ethnicGroupCode", *p.ethnicity, style);
    }
  }
}

}  // namespace

int identifierGroup(std::string_view system) {
  if (system == model::kResidentIdOid) return 1;
  constexpr std::string_view kNationalIdArc = "2.16.156.10011.1.";
  if (system.substr(0, kNationalIdArc.size()) == kNationalIdArc) return 2;
  return 0;
}

void normaliseIdentifiers(model::PatientT& p) {
  std::stable_sort(p.identifiers.begin(), p.identifiers.end(), [](const auto& a, const auto& b) {
    return identifierGroup(a->system) < identifierGroup(b->system);
  });
  p.id.clear();
  if (!p.identifiers.empty() && identifierGroup(p.identifiers[0]->system) == 0)
    p.id = p.identifiers[0]->value;
}

void readGender(pugi::xml_node code, model::PatientT& p) {
  if (!code) return;
  // A later gender (a repeated query parameter) replaces both fields: a GB/T value left beside an
  // earlier gender_code would be lost, as writeGender writes the code alone.
  p.gender = model::Gender::Unknown;
  p.gender_code.reset();
  model::CodingT c = readCd(code);
  if ((c.system.empty() || c.system == kGbt2261Gender) && isGbtGender(c.code)) {
    p.gender = genderOf(c.code);
    return;
  }
  for (std::string_view target : {kFhirGender, kHl7v2Gender, std::string_view("2.16.840.1.113883.5.1")}) {
    if (target != c.system) continue;
    if (const CodeTarget* t = builtinMap(Table::kGender).reverse(target, c.code, kGbt2261Gender)) {
      p.gender = genderOf(t->code);
    }
  }
  p.gender_code = codingOrNull(std::move(c));
}

void writeGender(XmlWriter& w, const model::PatientT& p, Style style, std::string_view element) {
  if (!isEmpty(p.gender_code.get())) {
    writeCd(w, element, *p.gender_code, style);
    return;
  }
  if (p.gender == model::Gender::Unknown) return;
  model::CodingT c;
  c.system = kGbt2261Gender;
  c.code = gbtCode(p.gender);
  const auto& targets = builtinMap(Table::kGender).lookup(c.system, c.code);
  if (!targets.empty()) c.display = targets.front().display;
  writeCd(w, element, c, style);
}

std::unique_ptr<model::ReferenceT> readEntityRef(pugi::xml_node entity, std::string_view kind) {
  if (!entity) return nullptr;
  IdList ids;
  readIds(child(entity, "id"), ids);
  auto ref = std::make_unique<model::ReferenceT>();
  ref->kind = kind;
  if (!ids.empty()) ref->identifier = std::move(ids.front());
  ref->display = readName(child(entity, "name"));
  if (!ref->identifier && ref->display.empty()) return nullptr;
  return ref;
}

void writeEntityRef(XmlWriter& w, std::string_view tag, const model::ReferenceT* ref, Style style) {
  if (ref == nullptr || (!ref->identifier && ref->display.empty())) return;
  w.open(tag);
  if (ref->identifier) {
    if (style == Style::kMessage) {
      w.open("id");
      writeIi(w, "item", *ref->identifier);
      w.close();
    } else {
      writeIi(w, "id", *ref->identifier);
    }
  }
  writeName(w, "name", ref->display, style);
  w.close();
}

StatusOr<model::PatientT> readMessagePatient(pugi::xml_node patient) {
  model::PatientT p;
  readIds(child(patient, "id"), p.identifiers);
  pugi::xml_node person = child(patient, "patientPerson");
  if (!person) return xmlError(patient, "/patientPerson", "missing");
  readIds(child(person, "id"), p.identifiers);
  for (pugi::xml_node other : children(person, "asOtherIDs")) readIds(child(other, "id"), p.identifiers);
  RETURN_IF_ERROR(readPersonCommon(person, p));
  p.managing_organization = readEntityRef(child(patient, "providerOrganization"), "Organization");
  normaliseIdentifiers(p);
  return p;
}

void writeMessagePatient(XmlWriter& w, const model::PatientT& p) {
  w.open("patient");
  w.attr("classCode", "PAT");
  const bool has_local = std::any_of(p.identifiers.begin(), p.identifiers.end(),
                                     [](const auto& id) { return id && identifierGroup(id->system) == 0; });
  if (has_local) {
    writeIdItems(w, p.identifiers, 0);
  } else if (!p.id.empty()) {
    w.open("id");
    model::IdentifierT local;
    local.system = kLocalPatientIdRoot;
    local.value = p.id;
    writeIi(w, "item", local);
    w.close();
  }
  w.leaf("statusCode", "code", "active");
  w.open("patientPerson");
  w.attr("classCode", "PSN");
  w.attr("determinerCode", "INSTANCE");
  writeIdItems(w, p.identifiers, 1);
  writePersonCommon(w, p, Style::kMessage);
  for (const auto& id : p.identifiers) {
    if (!id || identifierGroup(id->system) != 2) continue;
    w.open("asOtherIDs");
    w.attr("classCode", "PAT");
    w.open("id");
    writeIi(w, "item", *id);
    w.close();
    w.close();
  }
  w.close();
  writeEntityRef(w, "providerOrganization", p.managing_organization.get(), Style::kMessage);
  w.close();
}

StatusOr<model::PatientT> readCdaPatient(pugi::xml_node role) {
  model::PatientT p;
  for (pugi::xml_node id : children(role, "id")) readIds(id, p.identifiers);
  for (pugi::xml_node a : children(role, "addr")) readAddresses(a, p);
  for (pugi::xml_node t : children(role, "telecom")) readTelecoms(t, p);
  pugi::xml_node person = child(role, "patient");
  if (!person) return xmlError(role, "/patient", "missing");
  for (pugi::xml_node id : children(person, "id")) readIds(id, p.identifiers);
  std::vector<std::unique_ptr<model::AddressT>> role_addresses = std::move(p.address);
  p.address.clear();
  RETURN_IF_ERROR(readPersonCommon(person, p));
  for (auto& a : p.address) role_addresses.push_back(std::move(a));
  p.address = std::move(role_addresses);
  p.managing_organization = readEntityRef(child(role, "providerOrganization"), "Organization");
  normaliseIdentifiers(p);
  return p;
}

void writeCdaRecordTarget(XmlWriter& w, const model::PatientT& p, const IdList& extra_role_ids) {
  w.open("recordTarget");
  w.attr("typeCode", "RCT");
  w.attr("contextControlCode", "OP");
  w.open("patientRole");
  w.attr("classCode", "PAT");
  for (int group : {0, 2}) {
    for (const auto& id : p.identifiers) {
      if (id && identifierGroup(id->system) == group) writeIi(w, "id", *id);
    }
  }
  for (const auto& id : extra_role_ids) writeIi(w, "id", *id);
  for (const auto& a : p.address) writeAddress(w, *a, Style::kCda);
  for (const auto& t : p.telecom) {
    w.open("telecom");
    w.optAttr("use", v3TelecomUse(t->use));
    w.attr("value", telecomUrl(*t));
    w.close();
  }
  w.open("patient");
  w.attr("classCode", "PSN");
  w.attr("determinerCode", "INSTANCE");
  for (const auto& id : p.identifiers) {
    if (id && identifierGroup(id->system) == 1) writeIi(w, "id", *id);
  }
  writePersonCommon(w, p, Style::kCda);
  w.close();
  writeEntityRef(w, "providerOrganization", p.managing_organization.get(), Style::kCda);
  w.close();
  w.close();
}

}  // namespace metrogw::adapters::hl7v3
