// OperationOutcome <-> model::ProblemT, and the "incomplete" outcome entry of a searchset.
//
// A Problem is one error issue: details.coding[0] (system kProblemSystem) = Problem.type,
// details.text = title, diagnostics = detail; extensions kExtBase + "http-status"
// (valueUnsignedInt, always written) and "city". An OperationOutcome without the http-status
// extension (from elsewhere) gets type "urn:metrogw:problem:<issue code>" and a status derived
// from the issue code. Each Incomplete is a warning issue (code "incomplete", details.coding
// system kIncompleteSystem = reason, diagnostics = detail, extension "city").
#include "adapters/fhir/codes.h"
#include "adapters/fhir/resources.h"

namespace metrogw::adapters::fhir {
namespace {

constexpr std::string_view kProblemSystem = "urn:metrogw:problem";
constexpr std::string_view kProblemPrefix = "urn:metrogw:problem:";
constexpr std::string_view kIncompleteSystem = "urn:metrogw:incomplete";
constexpr uint64_t kNoStatus = UINT64_MAX;

constexpr CodeTable<uint16_t, 12> kIssueStatus = {{
    {"conflict", 409},
    {"not-found", 404},
    {"invalid", 400},
    {"structure", 400},
    {"required", 400},
    {"value", 400},
    {"security", 403},
    {"forbidden", 403},
    {"login", 401},
    {"throttled", 429},
    {"timeout", 504},
    {"processing", 422},
}};

std::string_view issueCodeFor(uint16_t status) {
  if (status >= 500 && status != 504) return "exception";
  return codeOf(kIssueStatus, status, "processing");
}

Status decodeIssue(const Node& issue, bool metrogw, model::ProblemT& out) {
  std::string code;
  RETURN_IF_ERROR(getString(issue, "code", code));
  RETURN_IF_ERROR(getString(issue, "diagnostics", out.detail));
  RETURN_IF_ERROR(withObject(issue, "details", [&](const Node& d) -> Status {
    RETURN_IF_ERROR(getString(d, "text", out.title));
    return withFirstObject(d, "coding", [&](const Node& c) -> Status {
      model::CodingT coding;
      RETURN_IF_ERROR(decodeCoding(c, coding));
      if (coding.system == kProblemSystem) out.type = coding.code;
      return Status::ok();
    });
  }));
  if (!metrogw) {
    if (out.type.empty() && !code.empty()) out.type = std::string(kProblemPrefix) + code;
    out.status = enumOf(kIssueStatus, code).value_or(code == "exception" ? 500 : 0);
  }
  return Status::ok();
}

}  // namespace

Status decodeOperationOutcome(const Node& res, model::ProblemT& out) {
  uint64_t status = kNoStatus;
  RETURN_IF_ERROR(extUint(res, "http-status", 999, status));
  RETURN_IF_ERROR(extString(res, "city", out.city));
  const bool metrogw = status != kNoStatus;
  if (metrogw) out.status = static_cast<uint16_t>(status);
  // The first error issue, else the first issue.
  int64_t chosen = -1;
  int64_t index = 0;
  RETURN_IF_ERROR(forEachObject(res, "issue", [&](const Node& issue) -> Status {
    std::string severity;
    RETURN_IF_ERROR(getString(issue, "severity", severity));
    if (chosen < 0 && (severity == "error" || severity == "fatal")) chosen = index;
    ++index;
    return Status::ok();
  }));
  if (chosen < 0) chosen = 0;
  index = 0;
  return forEachObject(res, "issue", [&](const Node& issue) {
    return index++ == chosen ? decodeIssue(issue, metrogw, out) : Status::ok();
  });
}

void writeOperationOutcome(Out& o, const model::ProblemT& p) {
  o.beginObject();
  o.field("resourceType", "OperationOutcome");
  {
    Extensions ext(o);
    ext.uint("http-status", p.status, kNoStatus);
    ext.string("city", p.city);
  }
  o.key("issue");
  o.beginArray();
  o.beginObject();
  o.field("severity", "error");
  o.field("code", issueCodeFor(p.status));
  if (!p.type.empty() || !p.title.empty()) {
    o.key("details");
    o.beginObject();
    if (!p.type.empty()) {
      o.key("coding");
      o.beginArray();
      o.beginObject();
      o.field("system", kProblemSystem);
      o.field("code", p.type);
      o.endObject();
      o.endArray();
    }
    o.field("text", p.title);
    o.endObject();
  }
  o.field("diagnostics", p.detail);
  o.endObject();
  o.endArray();
  o.endObject();
}

Status decodeIncomplete(const Node& res, std::vector<std::unique_ptr<model::IncompleteT>>& out) {
  return forEachObject(res, "issue", [&](const Node& issue) -> Status {
    auto inc = std::make_unique<model::IncompleteT>();
    RETURN_IF_ERROR(extString(issue, "city", inc->city));
    RETURN_IF_ERROR(getString(issue, "diagnostics", inc->detail));
    RETURN_IF_ERROR(withObject(issue, "details", [&](const Node& d) {
      return withFirstObject(d, "coding", [&](const Node& c) { return getString(c, "code", inc->reason); });
    }));
    out.push_back(std::move(inc));
    return Status::ok();
  });
}

void writeIncomplete(Out& o, const model::IncompleteT& i) {
  o.beginObject();
  {
    Extensions ext(o);
    ext.string("city", i.city);
  }
  o.field("severity", "warning");
  o.field("code", "incomplete");
  if (!i.reason.empty()) {
    o.key("details");
    o.beginObject();
    o.key("coding");
    o.beginArray();
    o.beginObject();
    o.field("system", kIncompleteSystem);
    o.field("code", i.reason);
    o.endObject();
    o.endArray();
    o.endObject();
  }
  o.field("diagnostics", i.detail);
  o.endObject();
}

}  // namespace metrogw::adapters::fhir
