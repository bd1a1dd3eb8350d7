#include "sim/runtime.h"

#include <csignal>
#include <cstdio>
#include <memory>

#include "common/event_loop.h"
#include "common/logging.h"
#include "sim/frontends.h"
#include "sim/world_dispatcher.h"

namespace metrogw::sim {
namespace {

struct Servers {
  std::unique_ptr<HttpServer> http;
  std::unique_ptr<MllpServer> mllp;
  uint16_t port = 0;
};

[[nodiscard]] StatusOr<Servers> startServers(const SimOptions& o, event_base* base, Dispatcher& dispatcher) {
  Servers s;
  if (o.dialect == "hl7v2") {
    ASSIGN_OR_RETURN(s.mllp, MllpServer::start(base, o.host, o.port, hl7v2Handler(dispatcher, o.city)));
    s.port = s.mllp->port();
  } else {
    HttpHandler handler =
        o.dialect == "fhir-r4" ? fhirHandler(dispatcher, o.city) : hl7v3Handler(dispatcher, o.city);
    ASSIGN_OR_RETURN(s.http, HttpServer::start(base, o.host, o.port, std::move(handler)));
    s.port = s.http->port();
  }
  return s;
}

void onSignal(evutil_socket_t, short, void* arg) { static_cast<metrogw::Dispatcher*>(arg)->exit(); }

void printReady(const SimOptions& o, uint16_t port) {
  std::printf("{\"event\":\"ready\",\"dialect\":\"%s\",\"city\":\"%s\",\"host\":\"%s\",\"port\":%u}\n",
              o.dialect.c_str(), o.city.c_str(), o.host.c_str(), static_cast<unsigned>(port));
  std::fflush(stdout);
}

}  // namespace

int runSimulator(const SimOptions& o) {
  std::signal(SIGPIPE, SIG_IGN);
  WorldOptions wo;
  wo.city = o.city;
  wo.seed = o.seed;
  wo.start = o.start;
  wo.days = o.days;
  wo.release_hospital = o.release_hospital;
  wo.release_slots = o.release_slots;
  auto world = buildWorld(wo);
  if (!world.isOk()) {
    log::error("sim", "world: " + world.status().message());
    return 1;
  }
  BookingBook book(world.value(), RealTimeSource::instance());
  auto dispatcher = makeWorldDispatcher(world.value(), book);
  metrogw::Dispatcher loop;
  auto servers = startServers(o, loop.base(), *dispatcher);
  if (!servers.isOk()) {
    log::error("sim", servers.status().message());
    return 1;
  }
  EventPtr sigterm(evsignal_new(loop.base(), SIGTERM, &onSignal, &loop));
  EventPtr sigint(evsignal_new(loop.base(), SIGINT, &onSignal, &loop));
  evsignal_add(sigterm.get(), nullptr);
  evsignal_add(sigint.get(), nullptr);
  log::info("sim", "world " + o.city + " seed " + std::to_string(o.seed) + " from " + formatDate(o.start) +
                       ": " + std::to_string(world->organizations.size()) + " hospitals, " +
                       std::to_string(world->practitioners.size()) + " doctors, " +
                       std::to_string(world->slots.size()) + " slots, " +
                       std::to_string(world->patients.size()) + " residents");
  printReady(o, servers->port);
  loop.run();
  log::info("sim", "stopped");
  return 0;
}

}  // namespace metrogw::sim
