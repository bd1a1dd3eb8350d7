// Organisation directory (卫生机构) interactions in the national v3 style (PRPM = personnel
// management, as the 互联互通 卫生机构查询 service names them).
//
// PRPM_IN406010UV01 卫生机构查询 -> Query{kind Organizations}:
//   <controlActProcess><queryByParameter><queryId/><statusCode code="new"/><initialQuantity value="{limit}"/>
//     <parameterList>
//       <organizationId><value extension="{organization_id}"/></organizationId>
//       <organizationName><value value="{text}"/></organizationName>
//       <cityCode><value code="{city}"/></cityCode>...
// PRPM_IN406110UV01 卫生机构查询应答 -> SearchResult{organizations}; per organisation:
//   <subject typeCode="SUBJ"><organization classCode="ORG" determinerCode="INSTANCE">
//     <id><item root="urn:metrogw:id" extension="{id}"/><item root="2.16.156.10011.1.5" extension=".."/></id>
//     <code code=".." codeSystem=".."><displayName value=".."/></code>          type
//     <name xsi:type="LIST_EN"><item><part value="{name}"/></item></name>
//     <telecom xsi:type="DSET_TEL"><item value=".."/></telecom>
//     <addr xsi:type="LIST_AD">..</addr>
//     <territoryCode code="{city}" codeSystem="GB/T 2260"/>
//     <gradeCode code="{1|2|3}" codeSystem="urn:metrogw:hospital-grade"><displayName
//     value="{甲|乙|丙}"/></gradeCode>
//     <asOrganizationPartOf><wholeOrganization><id><item/></id><name/></wholeOrganization></asOrganizationPartOf>
//   </organization></subject> ... <queryAck/>
#include <memory>
#include <utility>

#include "adapters/hl7v3/internal/datatypes.h"
#include "adapters/hl7v3/internal/messages.h"
#include "adapters/hl7v3/internal/params.h"
#include "adapters/hl7v3/internal/patient.h"
#include "adapters/hl7v3/internal/wrapper.h"

namespace metrogw::adapters::hl7v3 {
namespace {

constexpr std::string_view kGradeSystem = "urn:metrogw:hospital-grade";

StatusOr<model::OrganizationT> readOrganization(pugi::xml_node org) {
  model::OrganizationT o;
  readMetroIds(child(org, "id"), o.id, &o.identifiers);
  o.type = codingOrNull(readCd(child(org, "code")));
  o.name = readName(child(org, "name"));
  for (pugi::xml_node t : children(org, "telecom")) {
    std::vector<pugi::xml_node> items = children(t, "item");
    if (items.empty()) items.push_back(t);
    for (pugi::xml_node item : items) {
      model::ContactPointT c = readTelecom(item);
      if (!c.value.empty()) o.telecom.push_back(std::make_unique<model::ContactPointT>(std::move(c)));
    }
  }
  if (pugi::xml_node addr = child(org, "addr")) {
    pugi::xml_node item = child(addr, "item");
    o.address = std::make_unique<model::AddressT>(readAddress(item ? item : addr));
  }
  o.city = attr(child(org, "territoryCode"), "code");
  pugi::xml_node grade = child(org, "gradeCode");
  if (grade) {
    const std::string_view g = attr(grade, "code");
    if (g != "0" && g != "1" && g != "2" && g != "3")
      return xmlError(grade, "/@code", "not a hospital grade");
    o.grade = static_cast<model::HospitalGrade>(g[0] - '0');
    o.grade_class = readCd(grade).display;
  }
  o.part_of = readEntityRef(descend(org, "asOrganizationPartOf/wholeOrganization"), "Organization");
  return o;
}

void writeOrganization(XmlWriter& w, const model::OrganizationT& o) {
  w.open("subject");
  w.attr("typeCode", "SUBJ");
  w.open("organization");
  w.attr("classCode", "ORG");
  w.attr("determinerCode", "INSTANCE");
  writeMetroIds(w, o.id, &o.identifiers);
  if (!isEmpty(o.type.get())) writeCd(w, "code", *o.type, Style::kMessage);
  writeName(w, "name", o.name, Style::kMessage);
  if (!o.telecom.empty()) {
    w.open("telecom");
    w.attr("xsi:type", "DSET_TEL");
    for (const auto& t : o.telecom) {
      w.open("item");
      w.attr("value", telecomUrl(*t));
      w.optAttr("use", v3TelecomUse(t->use));
      w.close();
    }
    w.close();
  }
  if (o.address) writeAddress(w, *o.address, Style::kMessage);
  if (!o.city.empty()) {
    w.open("territoryCode");
    w.attr("code", o.city);
    w.attr("codeSystem", "GB/T 2260");
    w.close();
  }
  if (o.grade != model::HospitalGrade::Unknown || !o.grade_class.empty()) {
    model::CodingT c;
    c.code = std::to_string(static_cast<int>(o.grade));
    c.system = kGradeSystem;
    c.display = o.grade_class;
    writeCd(w, "gradeCode", c, Style::kMessage);
  }
  if (o.part_of) {
    w.open("asOrganizationPartOf");
    writeEntityRef(w, "wholeOrganization", o.part_of.get(), Style::kMessage);
    w.close();
  }
  w.close();
  w.close();
}

}  // namespace

Status decodeOrganizationQuery(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node query, require(root, "controlActProcess/queryByParameter"));
  model::QueryT q;
  q.kind = model::QueryKind::Organizations;
  RETURN_IF_ERROR(readQueryControl(query, q.limit, q.page_token));
  pugi::xml_node params = child(query, "parameterList");
  q.organization_id = paramValue(params, "organizationId", "extension");
  q.text = paramValue(params, "organizationName", "value");
  for (pugi::xml_node city : children(params, "cityCode")) {
    const std::string_view code = attr(child(city, "value"), "code");
    if (!code.empty()) q.cities.emplace_back(code);
  }
  env.body.Set(std::move(q));
  return Status::ok();
}

std::string encodeOrganizationQuery(const model::EnvelopeT& env, const model::QueryT& q) {
  XmlWriter w;
  writeWrapper(w, kOrgQueryRoot, env);
  writeReplyAck(w, env);
  openQuery(w, env, q.limit, q.page_token);
  writeParam(w, "organizationId", "extension", q.organization_id, "医疗机构");
  writeParam(w, "organizationName", "value", q.text, "机构名称");
  for (const std::string& city : q.cities) writeParam(w, "cityCode", "code", city, "城市");
  return w.finish();
}

Status decodeOrganizationResponse(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node act, require(root, "controlActProcess"));
  model::SearchResultT r;
  for (pugi::xml_node subject : children(act, "subject")) {
    ASSIGN_OR_RETURN(pugi::xml_node org, require(subject, "organization"));
    ASSIGN_OR_RETURN(model::OrganizationT o, readOrganization(org));
    r.organizations.push_back(std::make_unique<model::OrganizationT>(std::move(o)));
  }
  readQueryAck(act, r);
  env.body.Set(std::move(r));
  return Status::ok();
}

std::string encodeOrganizationResponse(const model::EnvelopeT& env, const model::SearchResultT& r) {
  XmlWriter w;
  writeWrapper(w, kOrgResponseRoot, env);
  writeReplyAck(w, env);
  openControlAct(w);
  for (const auto& o : r.organizations) writeOrganization(w, *o);
  writeQueryAck(w, r, r.organizations.size());
  return w.finish();
}

}  // namespace metrogw::adapters::hl7v3
