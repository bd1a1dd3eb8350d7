#include "common/logging.h"
#include "sim/frontends.h"

namespace metrogw::sim {
namespace {

[[nodiscard]] std::string requestKind(const model::EnvelopeT* request) {
  if (request == nullptr) return "undecodable";
  if (const auto* q = request->body.AsQuery())
    return std::string("query:") + model::EnumNameQueryKind(q->kind);
  if (const auto* c = request->body.AsCommand())
    return std::string("command:") + model::EnumNameCommandAction(c->action);
  return std::string(model::bodyKind(request->body.type));
}

// The platform's own appointment id and the slots it took: what a test needs to find a booking the
// gateway delivered at the simulated hospital. Neither identifies the patient.
[[nodiscard]] std::string appointmentFacts(const model::AppointmentT& appointment) {
  std::string facts = " appointment=" + appointment.id;
  for (const auto& slot : appointment.slots)
    if (slot) facts += " slot=" + slot->id;
  return facts;
}

}  // namespace

void logExchange(std::string_view dialect, const model::EnvelopeT* request, const model::EnvelopeT& answer,
                 int status) {
  std::string msg(dialect);
  msg += " ";
  msg += requestKind(request);
  msg += " -> ";
  msg += model::bodyKind(answer.body.type);
  msg += " ";
  msg += std::to_string(status);
  if (const auto* p = answer.body.AsProblem()) msg += " " + p->type;
  if (const auto* a = answer.body.AsAppointment()) msg += appointmentFacts(*a);
  log::info("sim", msg);
}

}  // namespace metrogw::sim
