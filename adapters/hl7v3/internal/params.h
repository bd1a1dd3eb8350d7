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
// The query's paging control: initialQuantity/@value -> limit (errors located); a continuation
// (statusCode "waitContinuedQueryResponse") carries the previous answer's queryAck/queryId as its
// queryId -> page_token.
[[nodiscard]] Status readQueryControl(pugi::xml_node query, uint16_t& limit, std::string& page_token);
[[nodiscard]] StatusOr<uint16_t> readCount(pugi::xml_node node);
// An IVL_TS: low/@value and high/@value (either may be absent) as ISO 8601.
[[nodiscard]] Status readPeriod(pugi::xml_node ivl, std::string& low, std::string& high);
// <NAME><low value=".."/><high value=".."/></NAME>, nothing when both are empty.
void writePeriod(XmlWriter& w, std::string_view name, std::string_view low, std::string_view high);
// <NAME value="{n}"/>.
void writeCount(XmlWriter& w, std::string_view name, uint32_t n);
// Opens controlActProcess/queryByParameter and writes queryId, statusCode, initialQuantity, then
// opens parameterList (caller writes parameters; finish() closes). A non-empty page_token makes it
// a continuation: queryId = the token, statusCode "waitContinuedQueryResponse".
void openQuery(XmlWriter& w, const model::EnvelopeT& env, uint16_t limit, std::string_view page_token);

}  // namespace metrogw::adapters::hl7v3
