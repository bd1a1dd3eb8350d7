// This city's platform, reached in its own dialect: the one place a node translates.
//
// A PlatformClient turns a canonical Query or Command into the dialect's request, sends it over the
// dialect's transport (HTTP through a gateway cluster for fhir-r4 and hl7v3-cda, MLLP over TCP for
// hl7v2) and decodes the answer back into a canonical envelope (SearchResult, Appointment,
// LabReport, RecordSummary, or Problem when the platform refused).
#pragma once

#include <functional>
#include <memory>

#include "common/status.h"
#include "config/config.h"
#include "gateway/handler.h"
#include "model/model.h"

namespace metrogw::federation {

using EnvelopeCallback = std::function<void(StatusOr<model::EnvelopeT>)>;

class PlatformClient {
 public:
  virtual ~PlatformClient() = default;
  // `done` runs exactly once, later, on the worker's loop.
  virtual void query(const model::QueryT& query, EnvelopeCallback done) = 0;
  virtual void command(const model::CommandT& command, EnvelopeCallback done) = 0;
};

// The client for `platform` on this worker; errors when the dialect has no codec.
[[nodiscard]] StatusOr<std::unique_ptr<PlatformClient>> makePlatformClient(const config::Platform& platform,
                                                                           gateway::WorkerContext& worker);

}  // namespace metrogw::federation
