// Names for status codes, used in logs and error bodies.
#include "common/status.h"

namespace metrogw {

const char* statusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalidArgument";
    case StatusCode::kMalformedMessage: return "malformedMessage";
    case StatusCode::kNotFound: return "notFound";
    case StatusCode::kResourceExhausted: return "resourceExhausted";
    case StatusCode::kUpstreamTimeout: return "upstreamTimeout";
    case StatusCode::kUpstreamUnavailable: return "upstreamUnavailable";
    case StatusCode::kConsentDenied: return "consentDenied";
    case StatusCode::kIoError: return "ioError";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::toString() const {
  if (isOk()) return "ok";
  return std::string(statusCodeName(code_)) + ": " + message_;
}

}  // namespace metrogw
