#pragma once
// WS/T 500 CDA header pieces shared by the document codecs (C0007, C0001): the fixed header,
// author, custodian, and the data-element observation entries the national templates use
// (<observation><code code="DE.." codeSystem="2.16.156.10011.2.2.1"/><value xsi:type=".."/>).

#include <string_view>

#include "adapters/hl7v3/internal/datatypes.h"
#include "adapters/hl7v3/internal/xml.h"
#include "model/model.h"

namespace metrogw::adapters::hl7v3 {

// 卫生信息数据元目录 (WS 363): the code system of DE.. data element codes.
inline constexpr std::string_view kDataElementSystem = "2.16.156.10011.2.2.1";
inline constexpr std::string_view kDocumentIdRoot = "2.16.156.10011.1.1";
inline constexpr std::string_view kLoincOid = "2.16.840.1.113883.6.1";

struct CdaHeader {
  std::string_view template_root;
  std::string_view code;   // C0007, C0001
  std::string_view title;  // 检验报告, 病历概要
  std::string_view id;
  std::string_view effective;
};
// Opens <ClinicalDocument> and writes realmCode .. languageCode. The caller closes it.
void writeCdaHeader(XmlWriter& w, const CdaHeader& h);

// author/time and author/assignedAuthor (a Practitioner reference) and its representedOrganization.
[[nodiscard]] Status readAuthor(pugi::xml_node doc, std::string& time,
                                std::unique_ptr<model::ReferenceT>& author,
                                std::unique_ptr<model::ReferenceT>* organization);
void writeAuthor(XmlWriter& w, std::string_view time, const model::ReferenceT* author,
                 const model::ReferenceT* organization);
[[nodiscard]] std::unique_ptr<model::ReferenceT> readCustodian(pugi::xml_node doc);
void writeCustodian(XmlWriter& w, const model::ReferenceT* custodian);

// Every section under component/structuredBody.
[[nodiscard]] std::vector<pugi::xml_node> sections(pugi::xml_node doc);
// observation/code/@code.
[[nodiscard]] std::string_view elementCode(pugi::xml_node observation);
// Opens <entry><observation classCode="OBS" moodCode="EVN"><code code=de .../> (caller closes 2).
void openElementObservation(XmlWriter& w, std::string_view de, std::string_view display);
// Opens <entryRelationship typeCode="COMP"><observation classCode="OBS" moodCode="EVN"><code code=de
// codeSystem=data elements displayName=display/> (caller closes 2).
void openRelatedObservation(XmlWriter& w, std::string_view de, std::string_view display);
// A whole related observation with an ST value (nothing when value is empty).
void writeRelatedSt(XmlWriter& w, std::string_view de, std::string_view display, std::string_view value);
// A whole data-element observation with an ST value (nothing when value is empty).
void writeStObservation(XmlWriter& w, std::string_view de, std::string_view display, std::string_view value);
// <value xsi:type="CD" .../> with CDA attributes.
void writeCdValue(XmlWriter& w, const model::CodingT& coding);
// A CodeableConcept from a value: CD -> coding (mapped through `table` when given), ST -> text.
void readConceptValue(pugi::xml_node value, model::CodeableConceptT& concept_out);
// readConceptValue into a new concept; nullptr when the value carries nothing.
[[nodiscard]] std::unique_ptr<model::CodeableConceptT> conceptOrNull(pugi::xml_node value);
// Observation value by xsi:type: PQ/REAL/INT/MO -> Quantity (value, unit or currency), ST -> Text,
// CD/CE/CV -> Coded (value = code), TS -> DateTime.
[[nodiscard]] Status readObservationValue(pugi::xml_node value, model::ObservationT& o);
// The inverse; Quantity as REAL (unit written elsewhere) or, with_unit, as PQ with @unit.
void writeObservationValue(XmlWriter& w, const model::ObservationT& o, bool with_unit);

}  // namespace metrogw::adapters::hl7v3
