// The hl7v3-cda codec: HL7 v3 XML interactions and WS/T 500 CDA documents <-> canonical model.
//
// decode() identifies a message by its root element (the interaction id) and a CDA document by
// its templateId / document type code; encode() picks the interaction from the body kind:
//   Patient                 PRPA_IN201311UV02  patient register (also read: 201314 update,
//                                              201301/201302 record added/revised)
//   Query{Patients}         PRPA_IN201305UV02  patient query
//   Query{Slots}            PRSC_IN010201UV01  schedule / slot (号源) query
//   Query{Organizations}    PRPM_IN406010UV01  organisation directory query
//   Query{LabReports|LabReport|RecordSummary}
//                           RCMR_IN000031UV01  shared-document query (C0007 / C0001)
//   SearchResult            PRPA_IN201306UV02 (patients, or nothing), PRSC_IN010202UV01 (slots),
//                           PRPM_IN406110UV01 (organisations), RCMR_IN000032UV01 (lab reports)
//   Command{Book|Cancel}    PRPA_IN410001UV / PRPA_IN410003UV  outpatient appointment
//   Appointment             PRPA_IN410002UV    booking confirmation
//   Problem                 MCCI_IN000002UV01  acknowledgement (AA / AR / AE)
//   LabReport               ClinicalDocument C0007 (检验报告)
//   RecordSummary           ClinicalDocument C0001 (病历概要)
#include "adapters/hl7v3/codec.h"

#include <string>

#include "adapters/hl7v3/internal/messages.h"
#include "adapters/hl7v3/internal/wrapper.h"
#include "adapters/hl7v3/internal/xml.h"

namespace metrogw::adapters {
namespace {

using hl7v3::localName;

constexpr std::string_view kLabTemplate = "2.16.156.10011.2.1.1.27";
constexpr std::string_view kSummaryTemplate = "2.16.156.10011.2.1.1.21";

Status decodeDocument(pugi::xml_node doc, model::EnvelopeT& env) {
  env.message_id = hl7v3::attr(hl7v3::child(doc, "id"), "extension");
  const std::string_view code = hl7v3::attr(hl7v3::child(doc, "code"), "code");
  bool lab = code == "C0007";
  bool summary = code == "C0001";
  for (pugi::xml_node t : hl7v3::children(doc, "templateId")) {
    lab = lab || hl7v3::attr(t, "root") == kLabTemplate;
    summary = summary || hl7v3::attr(t, "root") == kSummaryTemplate;
  }
  if (lab) {
    ASSIGN_OR_RETURN(model::LabReportT r, hl7v3::readLabReport(doc));
    env.body.Set(std::move(r));
    return Status::ok();
  }
  if (summary) {
    ASSIGN_OR_RETURN(model::RecordSummaryT s, hl7v3::readRecordSummary(doc));
    env.body.Set(std::move(s));
    return Status::ok();
  }
  return hl7v3::xmlError(doc, "/code", "unsupported document type (expected C0007 or C0001)");
}

Status decodeMessage(pugi::xml_node root, model::EnvelopeT& env) {
  const std::string_view name = localName(root.name());
  if (name == "ClinicalDocument") return decodeDocument(root, env);
  using Decoder = Status (*)(pugi::xml_node, model::EnvelopeT&);
  static constexpr std::pair<std::string_view, Decoder> kDecoders[] = {
      {"PRPA_IN201311UV02", hl7v3::decodePatientRegister},
      {"PRPA_IN201314UV02", hl7v3::decodePatientRegister},
      {"PRPA_IN201301UV02", hl7v3::decodePatientRegister},
      {"PRPA_IN201302UV02", hl7v3::decodePatientRegister},
      {"PRPA_IN201305UV02", hl7v3::decodePatientQuery},
      {"PRPA_IN201306UV02", hl7v3::decodePatientQueryResponse},
      {"MCCI_IN000002UV01", hl7v3::decodeAcknowledgement},
      {hl7v3::kSlotQueryRoot, hl7v3::decodeSlotQuery},
      {hl7v3::kSlotResponseRoot, hl7v3::decodeSlotResponse},
      {hl7v3::kBookRoot, hl7v3::decodeBooking},
      {hl7v3::kCancelRoot, hl7v3::decodeBooking},
      {hl7v3::kBookedRoot, hl7v3::decodeBooked},
      {hl7v3::kOrgQueryRoot, hl7v3::decodeOrganizationQuery},
      {hl7v3::kOrgResponseRoot, hl7v3::decodeOrganizationResponse},
      {hl7v3::kDocumentRetrieveRoot, hl7v3::decodeDocumentRetrieve},
      {hl7v3::kDocumentQueryRoot, hl7v3::decodeDocumentQuery},
  };
  for (const auto& [root_name, decoder] : kDecoders) {
    if (name != root_name) continue;
    RETURN_IF_ERROR(hl7v3::readWrapper(root, env));
    return decoder(root, env);
  }
  return hl7v3::xmlError(root, "", "unsupported message type");
}

StatusOr<std::string> encodeQuery(const model::EnvelopeT& env, const model::QueryT& q) {
  switch (q.kind) {
    case model::QueryKind::Patients: return hl7v3::encodePatientQuery(env, q);
    case model::QueryKind::Slots: return hl7v3::encodeSlotQuery(env, q);
    case model::QueryKind::Organizations: return hl7v3::encodeOrganizationQuery(env, q);
    case model::QueryKind::LabReports:
    case model::QueryKind::LabReport:
    case model::QueryKind::RecordSummary: return hl7v3::encodeDocumentQuery(env, q);
    default:
      return Status::invalidArgument(std::string("hl7v3-cda: no interaction for query kind ") +
                                     model::EnumNameQueryKind(q.kind));
  }
}

StatusOr<std::string> encodeSearchResult(const model::EnvelopeT& env, const model::SearchResultT& r) {
  const int kinds = static_cast<int>(!r.patients.empty()) + static_cast<int>(!r.slots.empty()) +
                    static_cast<int>(!r.organizations.empty()) + static_cast<int>(!r.lab_reports.empty());
  if (kinds > 1) return Status::invalidArgument("hl7v3-cda: one kind of result per response message");
  if (!r.slots.empty()) return hl7v3::encodeSlotResponse(env, r);
  if (!r.organizations.empty()) return hl7v3::encodeOrganizationResponse(env, r);
  if (!r.lab_reports.empty()) return hl7v3::encodeDocumentRetrieve(env, r);
  if (!r.departments.empty() || !r.practitioners.empty() || !r.schedules.empty() || !r.appointments.empty()) {
    return Status::invalidArgument("hl7v3-cda: no response interaction for these results");
  }
  return hl7v3::encodePatientQueryResponse(env, r);
}

StatusOr<std::string> encodeCommand(const model::EnvelopeT& env, const model::CommandT& c) {
  if (c.action == model::CommandAction::Hold) {
    return Status::invalidArgument("hl7v3-cda: no interaction for a slot hold");
  }
  return hl7v3::encodeBooking(env, c);
}

std::string encodeDocument(const model::EnvelopeT& env) {
  hl7v3::XmlWriter w;
  if (const auto* r = env.body.AsLabReport()) {
    hl7v3::writeLabReport(w, *r);
  } else {
    hl7v3::writeRecordSummary(w, *env.body.AsRecordSummary());
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + w.finish();
}

class Hl7v3CdaCodec final : public Codec {
 public:
  std::string_view dialect() const override { return "hl7v3-cda"; }

  StatusOr<model::EnvelopeT> decode(std::string_view message) const override {
    pugi::xml_document doc;
    RETURN_IF_ERROR(hl7v3::parseXml(message, doc));
    model::EnvelopeT env;
    env.schema_version = model::kSchemaVersion;
    RETURN_IF_ERROR(decodeMessage(doc.document_element(), env));
    return env;
  }

  StatusOr<std::string> encode(const model::EnvelopeT& env) const override {
    switch (env.body.type) {
      case model::Body::Patient: return hl7v3::encodePatientRegister(env, *env.body.AsPatient());
      case model::Body::Query: return encodeQuery(env, *env.body.AsQuery());
      case model::Body::SearchResult: return encodeSearchResult(env, *env.body.AsSearchResult());
      case model::Body::Problem: return hl7v3::encodeAcknowledgement(env, *env.body.AsProblem());
      case model::Body::Command: return encodeCommand(env, *env.body.AsCommand());
      case model::Body::Appointment: return hl7v3::encodeBooked(env, *env.body.AsAppointment());
      case model::Body::LabReport:
      case model::Body::RecordSummary: return encodeDocument(env);
      default:
        return Status::invalidArgument(std::string("hl7v3-cda: cannot encode a ") +
                                       std::string(model::bodyKind(env.body.type)));
    }
  }
};

}  // namespace

const Codec& hl7v3CdaCodec() {
  static const Hl7v3CdaCodec codec;
  return codec;
}

}  // namespace metrogw::adapters
