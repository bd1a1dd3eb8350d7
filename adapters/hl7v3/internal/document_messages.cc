// Shared-document retrieval (电子病历共享文档检索), the query that pairs with RCMR_IN000032UV01.
//
// RCMR_IN000031UV01 -> Query{kind LabReports | LabReport | RecordSummary}:
//   <controlActProcess><queryByParameter><queryId/><statusCode code="new"/><initialQuantity value="{limit}"/>
//     <parameterList>
//       <documentType><value code="C0007|C0001" codeSystem="2.16.156.10011.2.4"/></documentType>
//       <patientId><value extension="{patient.id}"/></patientId>      the platform's own patient id
//       <documentId><value extension="{id}"/></documentId>            one document
//       <effectiveTime><value><low value="{from}"/><high value="{to}"/></value></effectiveTime>
//       <purposeCode><value code="{purpose}"/></purposeCode>
// C0007 with a documentId reads one lab report, C0007 without one searches the patient's lab
// reports, C0001 reads the patient's record summary. The answer to a search is RCMR_IN000032UV01
// (cda_lab.cc); the answer to a single read is the CDA document itself.
#include <memory>

#include "adapters/hl7v3/internal/messages.h"
#include "adapters/hl7v3/internal/params.h"
#include "adapters/hl7v3/internal/wrapper.h"

namespace metrogw::adapters::hl7v3 {
namespace {

constexpr std::string_view kDocumentCodeSystem = "2.16.156.10011.2.4";
constexpr std::string_view kLabDocument = "C0007";
constexpr std::string_view kSummaryDocument = "C0001";

[[nodiscard]] StatusOr<model::QueryKind> kindOf(pugi::xml_node params, bool single) {
  pugi::xml_node type = descend(params, "documentType/value");
  const std::string_view code = attr(type, "code");
  if (code == kLabDocument) return single ? model::QueryKind::LabReport : model::QueryKind::LabReports;
  if (code == kSummaryDocument) return model::QueryKind::RecordSummary;
  if (!type) return xmlError(params, "/documentType", "missing (expected C0007 or C0001)");
  return xmlError(type, "/@code", "unsupported document type (expected C0007 or C0001)");
}

}  // namespace

Status decodeDocumentQuery(pugi::xml_node root, model::EnvelopeT& env) {
  ASSIGN_OR_RETURN(pugi::xml_node query, require(root, "controlActProcess/queryByParameter"));
  model::QueryT q;
  RETURN_IF_ERROR(readQueryControl(query, q.limit, q.page_token));
  pugi::xml_node params = child(query, "parameterList");
  q.id = paramValue(params, "documentId", "extension");
  ASSIGN_OR_RETURN(q.kind, kindOf(params, !q.id.empty()));
  const std::string_view patient_id = paramValue(params, "patientId", "extension");
  if (!patient_id.empty()) {
    q.patient = std::make_unique<model::PatientT>();
    q.patient->id = patient_id;
  }
  q.purpose = paramValue(params, "purposeCode", "code");
  RETURN_IF_ERROR(readPeriod(descend(params, "effectiveTime/value"), q.from, q.to));
  env.body.Set(std::move(q));
  return Status::ok();
}

std::string encodeDocumentQuery(const model::EnvelopeT& env, const model::QueryT& q) {
  XmlWriter w;
  writeWrapper(w, kDocumentQueryRoot, env);
  writeReplyAck(w, env);
  openQuery(w, env, q.limit, q.page_token);
  w.open("documentType");
  w.open("value");
  w.attr("code", q.kind == model::QueryKind::RecordSummary ? kSummaryDocument : kLabDocument);
  w.attr("codeSystem", kDocumentCodeSystem);
  w.close();
  w.leaf("semanticsText", "value", "文档类型");
  w.close();
  if (q.patient) writeParam(w, "patientId", "extension", q.patient->id, "患者标识");
  if (q.kind != model::QueryKind::LabReports) writeParam(w, "documentId", "extension", q.id, "文档标识");
  if (!q.from.empty() || !q.to.empty()) {
    w.open("effectiveTime");
    writePeriod(w, "value", q.from, q.to);
    w.leaf("semanticsText", "value", "文档时间");
    w.close();
  }
  writeParam(w, "purposeCode", "code", q.purpose, "用途");
  return w.finish();
}

}  // namespace metrogw::adapters::hl7v3
