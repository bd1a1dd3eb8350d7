#include "identity/index/metrics.h"

namespace metrogw::identity::index {
namespace {

using observability::FamilyId;
using observability::Registry;

FamilyId cacheFamily(Registry& r) {
  return r.addCounter("metrogw_identity_cache_total",
                      "Identity cross-reference lookups by cache layer and result.", {"layer", "result"});
}
FamilyId discoveryFamily(Registry& r) {
  return r.addCounter("metrogw_identity_discoveries_total",
                      "Patient discoveries across cities by outcome (linked, unknown, conflict, partial).",
                      {"outcome"});
}
FamilyId joinFamily(Registry& r) {
  return r.addCounter("metrogw_identity_singleflight_joins_total",
                      "Resolves that waited for a discovery already running (worker or node-wide lock).",
                      {"scope"});
}
FamilyId invalidationFamily(Registry& r) {
  return r.addCounter("metrogw_identity_invalidations_total",
                      "Cross-reference invalidations by trigger (api, platform message).", {"trigger"});
}

}  // namespace

Metrics::Metrics(Registry& r, uint32_t shard)
    : memory_hit(r.counter(cacheFamily(r), shard, {"memory", "hit"})),
      memory_miss(r.counter(cacheFamily(r), shard, {"memory", "miss"})),
      redis_hit(r.counter(cacheFamily(r), shard, {"redis", "hit"})),
      redis_miss(r.counter(cacheFamily(r), shard, {"redis", "miss"})),
      redis_error(r.counter(cacheFamily(r), shard, {"redis", "error"})),
      linked(r.counter(discoveryFamily(r), shard, {"linked"})),
      unknown(r.counter(discoveryFamily(r), shard, {"unknown"})),
      conflict(r.counter(discoveryFamily(r), shard, {"conflict"})),
      partial(r.counter(discoveryFamily(r), shard, {"partial"})),
      discovery_seconds(r.histogram(
          r.addHistogram("metrogw_identity_discovery_seconds", "Time from cache miss to discovery answer.",
                         {}, observability::latencyBuckets()),
          shard, {})),
      conflicts(
          r.counter(r.addCounter("metrogw_identity_conflicts_total",
                                 "Platform records with the same identifier but other demographics.", {}),
                    shard, {})),
      joined_worker(r.counter(joinFamily(r), shard, {"worker"})),
      joined_node(r.counter(joinFamily(r), shard, {"node"})),
      invalidated_api(r.counter(invalidationFamily(r), shard, {"api"})),
      invalidated_platform(r.counter(invalidationFamily(r), shard, {"platform"})) {}

}  // namespace metrogw::identity::index
