#include "redis/durability.h"

#include <algorithm>
#include <string>
#include <utility>

namespace metrogw::redis {

void waitForReplicas(Client& client, const Durability& d, std::function<void(const Status&)> done) {
  client.command(
      {"WAIT", std::to_string(d.replicas), std::to_string(d.timeout.count())},
      [replicas = d.replicas, done = std::move(done)](StatusOr<Reply> w) {
        const long long acked = w.isOk() && w->type == Reply::Type::kInteger ? w->integer : -1;
        if (acked >= static_cast<long long>(replicas)) return done(Status::ok());
        done(Status::upstreamUnavailable("not yet on " + std::to_string(replicas) + " replica(s) (" +
                                         std::to_string(std::max(acked, 0LL)) + " acknowledged)"));
      });
}

}  // namespace metrogw::redis
