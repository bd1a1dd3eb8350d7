// WS/T 500 CDA header pieces, see cda_common.h.
#include "adapters/hl7v3/internal/cda_common.h"

#include <memory>
#include <utility>

#include "adapters/hl7v3/internal/patient.h"
#include "adapters/hl7v3/internal/wrapper.h"

namespace metrogw::adapters::hl7v3 {

void writeCdaHeader(XmlWriter& w, const CdaHeader& h) {
  w.open("ClinicalDocument");
  w.attr("xmlns", kV3Namespace);
  w.attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
  w.leaf("realmCode", "code", "CN");
  w.open("typeId");
  w.attr("root", "2.16.840.1.113883.1.3");
  w.attr("extension", "POCD_MT000040");
  w.close();
  w.leaf("templateId", "root", h.template_root);
  w.open("id");
  w.attr("root", kDocumentIdRoot);
  w.attr("extension", h.id);
  w.close();
  w.open("code");
  w.attr("code", h.code);
  w.attr("codeSystem", "2.16.156.10011.2.4");
  w.attr("codeSystemName", "卫生信息共享文档规范编码体系");
  w.close();
  w.open("title");
  w.text(h.title);
  w.close();
  writeTs(w, "effectiveTime", h.effective);
  w.open("confidentialityCode");
  w.attr("code", "N");
  w.attr("codeSystem", "2.16.840.1.113883.5.25");
  w.close();
  w.leaf("languageCode", "code", "zh-CN");
}

Status readAuthor(pugi::xml_node doc, std::string& time, std::unique_ptr<model::ReferenceT>& author,
                  std::unique_ptr<model::ReferenceT>* organization) {
  pugi::xml_node a = child(doc, "author");
  if (!a) return Status::ok();
  if (pugi::xml_node t = child(a, "time")) {
    ASSIGN_OR_RETURN(time, readTs(t));
  }
  pugi::xml_node assigned = child(a, "assignedAuthor");
  author = readEntityRef(assigned, "Practitioner");
  const std::string name = readName(descend(assigned, "assignedPerson/name"));
  if (!name.empty()) {
    if (!author) author = std::make_unique<model::ReferenceT>();
    author->kind = "Practitioner";
    author->display = name;
  }
  if (organization != nullptr)
    *organization = readEntityRef(child(assigned, "representedOrganization"), "Organization");
  return Status::ok();
}

void writeAuthor(XmlWriter& w, std::string_view time, const model::ReferenceT* author,
                 const model::ReferenceT* organization) {
  if (time.empty() && author == nullptr && organization == nullptr) return;
  w.open("author");
  w.attr("typeCode", "AUT");
  w.attr("contextControlCode", "OP");
  writeTs(w, "time", time);
  w.open("assignedAuthor");
  w.attr("classCode", "ASSIGNED");
  if (author != nullptr && author->identifier) writeIi(w, "id", *author->identifier);
  if (author != nullptr && !author->display.empty()) {
    w.open("assignedPerson");
    writeName(w, "name", author->display, Style::kCda);
    w.close();
  }
  writeEntityRef(w, "representedOrganization", organization, Style::kCda);
  w.close();
  w.close();
}

std::unique_ptr<model::ReferenceT> readCustodian(pugi::xml_node doc) {
  return readEntityRef(descend(doc, "custodian/assignedCustodian/representedCustodianOrganization"),
                       "Organization");
}

void writeCustodian(XmlWriter& w, const model::ReferenceT* custodian) {
  if (custodian == nullptr) return;
  w.open("custodian");
  w.attr("typeCode", "CST");
  w.open("assignedCustodian");
  w.attr("classCode", "ASSIGNED");
  writeEntityRef(w, "representedCustodianOrganization", custodian, Style::kCda);
  w.close();
  w.close();
}

std::vector<pugi::xml_node> sections(pugi::xml_node doc) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c : children(descend(doc, "component/structuredBody"), "component")) {
    if (pugi::xml_node s = child(c, "section")) out.push_back(s);
  }
  return out;
}

std::string_view elementCode(pugi::xml_node observation) { return attr(child(observation, "code"), "code"); }

void openElementObservation(XmlWriter& w, std::string_view de, std::string_view display) {
  w.open("entry");
  w.open("observation");
  w.attr("classCode", "OBS");
  w.attr("moodCode", "EVN");
  w.open("code");
  w.attr("code", de);
  w.attr("codeSystem", kDataElementSystem);
  w.attr("codeSystemName", "卫生信息数据元目录");
  w.optAttr("displayName", display);
  w.close();
}

void openRelatedObservation(XmlWriter& w, std::string_view de, std::string_view display) {
  w.open("entryRelationship");
  w.attr("typeCode", "COMP");
  w.open("observation");
  w.attr("classCode", "OBS");
  w.attr("moodCode", "EVN");
  w.open("code");
  w.attr("code", de);
  w.attr("codeSystem", kDataElementSystem);
  w.attr("displayName", display);
  w.close();
}

void writeRelatedSt(XmlWriter& w, std::string_view de, std::string_view display, std::string_view value) {
  if (value.empty()) return;
  openRelatedObservation(w, de, display);
  w.open("value");
  w.attr("xsi:type", "ST");
  w.text(value);
  w.close();
  w.close();
  w.close();
}

void writeStObservation(XmlWriter& w, std::string_view de, std::string_view display, std::string_view value) {
  if (value.empty()) return;
  openElementObservation(w, de, display);
  w.open("value");
  w.attr("xsi:type", "ST");
  w.text(value);
  w.close();
  w.close();
  w.close();
}

void writeCdValue(XmlWriter& w, const model::CodingT& coding) {
  w.open("value");
  w.attr("xsi:type", "CD");
  writeCdAttrs(w, coding, Style::kCda);
  w.close();
}

void readConceptValue(pugi::xml_node value, model::CodeableConceptT& concept_out) {
  if (!value) return;
  const std::string_view type = xsiType(value);
  if (type == "ST" || (type.empty() && attr(value, "code").empty())) {
    concept_out.text = text(value);
    return;
  }
  concept_out.coding = codingOrNull(readCd(value));
}

std::unique_ptr<model::CodeableConceptT> conceptOrNull(pugi::xml_node value) {
  auto c = std::make_unique<model::CodeableConceptT>();
  readConceptValue(value, *c);
  if (!c->coding && c->text.empty()) return nullptr;
  return c;
}

Status readObservationValue(pugi::xml_node value, model::ObservationT& o) {
  if (!value) return Status::ok();
  o.value_coding.reset();
  const std::string_view type = xsiType(value);
  if (type == "ST" || type == "ED") {
    o.value_type = model::ValueType::Text;
    o.value = text(value);
  } else if (type == "CD" || type == "CE" || type == "CV" || type == "CO") {
    o.value_type = model::ValueType::Coded;
    o.value_coding = codingOrNull(readCd(value));
    o.value = attr(value, "code");
  } else if (type == "TS") {
    o.value_type = model::ValueType::DateTime;
    ASSIGN_OR_RETURN(o.value, readTs(value));
  } else {
    o.value_type = model::ValueType::Quantity;
    o.value = attr(value, "value");
    o.unit = attr(value, type == "MO" ? "currency" : "unit");
  }
  return Status::ok();
}

void writeObservationValue(XmlWriter& w, const model::ObservationT& o, bool with_unit) {
  switch (o.value_type) {
    case model::ValueType::Quantity:
      w.open("value");
      w.attr("xsi:type", with_unit ? "PQ" : "REAL");
      w.attr("value", o.value);
      if (with_unit) w.optAttr("unit", o.unit);
      w.close();
      break;
    case model::ValueType::Text:
      w.open("value");
      w.attr("xsi:type", "ST");
      w.text(o.value);
      w.close();
      break;
    case model::ValueType::Coded: {
      model::CodingT c = o.value_coding ? *o.value_coding : model::CodingT{};
      if (!o.value_coding) c.code = o.value;
      writeCdValue(w, c);
      break;
    }
    case model::ValueType::DateTime:
      w.open("value");
      w.attr("xsi:type", "TS");
      w.attr("value", isoToTs(o.value));
      w.close();
      break;
    default: break;
  }
}

}  // namespace metrogw::adapters::hl7v3
