#pragma once
// Helpers for the interactions this codec defines in the national v3 style (schedule, appointment,
// directory): query parameters and the metro-local id convention.
//   <parameterList><NAME><value .../><semanticsText value=".."/></NAME>...</parameterList>
//   <id><item root="urn:metrogw:id" extension="{local id}"/><item root=".." extension=".."/>...</id>
// The item rooted urn:metrogw:id carries the owning platform's id, the others its identifiers.

#include <memory>
#include <string>
#include <vector>

#include "adapters/hl7v3/internal/xml.h"
#include "model/model.h"

namespace metrogw::adapters::hl7v3 {

inline constexpr std::string_view kMetroIdRoot = "urn:metrogw:id";

void readMetroIds(pugi::xml_node id, std::string& local_id,
                  std::vector<std::unique_ptr<model::IdentifierT>>* identifiers);
void writeMetroIds(XmlWriter& w, std::string_view local_id,
                   const std::vector<std::unique_ptr<model::IdentifierT>>* identifiers);

// <NAME><value {attr}="{v}"/><semanticsText/></NAME>, nothing for an empty value.
void writeParam(XmlWriter& w, std::string_view name, std::string_view attr_name, std::string_view v,
                std::string_view semantics);
// value/@attr_name of parameter NAME ("" when absent).
[[nodiscard]] std::string_view paramValue(pugi::xml_node params, std::string_view name,
                                          std::string_view attr_name);
// initialQuantity/@value -> limit (errors located).
[[nodiscard]] Status readLimit(pugi::xml_node query, uint16_t& limit);
[[nodiscard]] StatusOr<uint16_t> readCount(pugi::xml_node node);
// <NAME value="{n}"/>.
void writeCount(XmlWriter& w, std::string_view name, uint32_t n);
// Opens controlActProcess/queryByParameter and writes queryId, statusCode, initialQuantity, then
// opens parameterList (caller writes parameters; finish() closes).
void openQuery(XmlWriter& w, const model::EnvelopeT& env, uint16_t limit);

}  // namespace metrogw::adapters::hl7v3
