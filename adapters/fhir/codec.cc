// The fhir-r4 codec: FHIR R4 JSON <-> canonical envelope. See resources.h for the mappings.
#include "adapters/fhir/codec.h"

#include "adapters/fhir/legacy_patient.h"
#include "adapters/fhir/resources.h"

namespace metrogw::adapters {
namespace {

using fhir::Node;
using fhir::Out;

template <class T, class F>
[[nodiscard]] Status decodeAs(const Node& res, model::EnvelopeT& env, F&& f) {
  T body;
  RETURN_IF_ERROR(f(res, body));
  env.body.Set(std::move(body));
  return Status::ok();
}

[[nodiscard]] Status decodeResource(const Node& res, model::EnvelopeT& env) {
  if (fhir::isLegacyPatient(res)) return decodeAs<model::PatientT>(res, env, fhir::decodeLegacyPatient);
  ASSIGN_OR_RETURN(std::string kind, fhir::resourceTypeOf(res));
  if (kind == "Patient") return decodeAs<model::PatientT>(res, env, fhir::decodePatient);
  if (kind == "Organization") return decodeAs<model::OrganizationT>(res, env, fhir::decodeOrganization);
  if (kind == "Practitioner") return decodeAs<model::PractitionerT>(res, env, fhir::decodePractitioner);
  if (kind == "HealthcareService") return decodeAs<model::DepartmentT>(res, env, fhir::decodeDepartment);
  if (kind == "Schedule") return decodeAs<model::ScheduleT>(res, env, fhir::decodeSchedule);
  if (kind == "Slot") return decodeAs<model::SlotT>(res, env, fhir::decodeSlot);
  if (kind == "Appointment") return decodeAs<model::AppointmentT>(res, env, fhir::decodeAppointment);
  if (kind == "OperationOutcome") return decodeAs<model::ProblemT>(res, env, fhir::decodeOperationOutcome);
  if (kind == "Bundle") return fhir::decodeBundle(res, env);
  if (kind == "DiagnosticReport") {
    return decodeAs<model::LabReportT>(res, env, [](const Node& n, model::LabReportT& r) {
      return fhir::decodeDiagnosticReport(n, nullptr, r);
    });
  }
  if (kind == "Observation") {
    fhir::Resolver contained;
    RETURN_IF_ERROR(contained.addContained(res));
    return decodeAs<model::LabReportT>(res, env, [&](const Node& n, model::LabReportT& r) {
      return fhir::decodeObservationsAsReport({&n}, &contained, r);
    });
  }
  return Node(*res.find("resourceType"), &res, "resourceType").error("unsupported resource type");
}

// Writes the body; false when the body kind has no FHIR resource here.
[[nodiscard]] bool writeBody(Out& o, const model::Body& type, const model::EnvelopeT& env) {
  switch (type) {
    case model::Body::Patient: fhir::writePatient(o, *env.body.AsPatient()); return true;
    case model::Body::Organization: fhir::writeOrganization(o, *env.body.AsOrganization()); return true;
    case model::Body::Department: fhir::writeDepartment(o, *env.body.AsDepartment()); return true;
    case model::Body::Practitioner: fhir::writePractitioner(o, *env.body.AsPractitioner()); return true;
    case model::Body::Schedule: fhir::writeSchedule(o, *env.body.AsSchedule()); return true;
    case model::Body::Slot: fhir::writeSlot(o, *env.body.AsSlot()); return true;
    case model::Body::Appointment: fhir::writeAppointment(o, *env.body.AsAppointment()); return true;
    case model::Body::LabReport: fhir::writeLabReportBundle(o, *env.body.AsLabReport()); return true;
    case model::Body::RecordSummary: fhir::writeRecordSummary(o, *env.body.AsRecordSummary()); return true;
    case model::Body::SearchResult: fhir::writeSearchResult(o, *env.body.AsSearchResult()); return true;
    case model::Body::Problem: fhir::writeOperationOutcome(o, *env.body.AsProblem()); return true;
    default: return false;
  }
}

class FhirR4Codec final : public Codec {
 public:
  std::string_view dialect() const override { return "fhir-r4"; }

  StatusOr<model::EnvelopeT> decode(std::string_view message) const override {
    rapidjson::Document doc;
    RETURN_IF_ERROR(fhir::parseJson(message, doc));
    const Node root(doc);
    model::EnvelopeT env;
    env.schema_version = model::kSchemaVersion;
    RETURN_IF_ERROR(decodeResource(root, env));
    return env;
  }

  StatusOr<std::string> encode(const model::EnvelopeT& envelope) const override {
    if (envelope.body.value == nullptr) return Status::invalidArgument("/: the envelope has no body");
    Out o;
    if (!writeBody(o, envelope.body.type, envelope)) {
      return Status::invalidArgument("/: a " + std::string(model::bodyKind(envelope.body.type)) +
                                     " body has no FHIR R4 resource in this codec (queries and commands: see "
                                     "adapters/fhir/rest.h)");
    }
    if (!o.ok()) return Status::invalidArgument("/: a string in the envelope is not valid UTF-8");
    return o.take();
  }
};

}  // namespace

const Codec& fhirR4Codec() {
  static const FhirR4Codec codec;
  return codec;
}

}  // namespace metrogw::adapters
