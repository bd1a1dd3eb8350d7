// The node's configuration: the typed model every other folder reads, and the strict YAML loader.
//
// A Config is immutable once loaded; reloads build a new one and swap a shared_ptr<const Config>.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/booking.h"
#include "config/sharing.h"

namespace metrogw::config {

using Millis = std::chrono::milliseconds;

// Server side TLS for a listener. A non-empty client_ca turns on mutual TLS: clients without a
// certificate chaining to it are refused during the handshake.
struct ServerTls {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // empty: no client certificate requested
  bool session_tickets = true;
  std::string min_version = "1.2";  // "1.2" or "1.3"
};

struct Listener {
  std::string name;
  std::string address = "0.0.0.0";
  uint16_t port = 0;  // 0: pick a free port (tests); the bound port is logged
  std::optional<ServerTls> tls;
  // Scopes granted to callers that present no client certificate on this listener (e.g. a
  // loopback listener for a partner platform on the same host). Empty: such callers have none.
  std::vector<std::string> anonymous_scopes;
};

struct Limits {
  uint32_t max_header_bytes = 16 * 1024;        // -> 431
  uint64_t max_body_bytes = 8UL * 1024 * 1024;  // -> 413
  Millis header_timeout{10'000};                // first byte to end of headers -> 408
  Millis body_timeout{30'000};                  // between body reads -> 408
  Millis idle_timeout{60'000};                  // keep-alive idle -> close
  uint32_t max_connections_per_worker = 10'000;
  uint32_t buffer_high_watermark = 256 * 1024;  // bytes queued before reads are paused
  Millis drain_timeout{15'000};                 // SIGTERM: finish in-flight requests up to this
};

struct Admin {
  std::string address = "127.0.0.1";
  uint16_t port = 9901;  // 0: pick a free port; the bound port is logged
};

// Upstream TLS: verify the server against ca_file; server_name is sent as SNI and checked.
struct UpstreamTls {
  std::string ca_file;
  std::string server_name;
  std::string cert_file;  // optional client certificate (mTLS to peers)
  std::string key_file;
  // When set, the upstream's certificate subject (RFC 2253, e.g. "CN=nanjing.metrogw,O=Nanjing")
  // must equal this exactly, or the handshake is refused (peer city nodes).
  std::string expected_subject;
};

struct HostAddress {
  std::string host;
  uint16_t port = 0;
};

struct RetryPolicy {
  uint32_t max_retries = 1;            // per request, idempotent methods only
  double budget_percent = 20.0;        // retries may be at most this % of active requests...
  uint32_t min_retry_concurrency = 3;  // ...but this many concurrent retries are always allowed
  bool retry_on_5xx = true;            // 502/503/504 from upstream count as retryable
};

struct CircuitBreaker {
  uint32_t max_pending = 1024;  // requests waiting for a connection
  uint32_t max_active = 1024;   // requests in flight to the cluster
};

struct OutlierDetection {
  uint32_t consecutive_5xx = 5;  // 0 disables
  Millis base_ejection{30'000};
};

struct Cluster {
  std::string name;
  std::vector<HostAddress> hosts;
  Millis connect_timeout{1'000};
  Millis request_timeout{15'000};   // from request sent to last response byte
  uint32_t max_idle_per_host = 64;  // keep-alive connections kept per worker per host
  RetryPolicy retry;
  CircuitBreaker circuit_breaker;
  OutlierDetection outlier;
  std::optional<UpstreamTls> tls;
};

enum class PathMatch { kExact, kPrefix, kTemplate };

struct Route {
  std::string name;                  // metrics label; defaults to the path
  std::vector<std::string> methods;  // empty: any method
  PathMatch match = PathMatch::kPrefix;
  std::string path;     // "/v1/", "/healthz", "/v1/hospitals/{id}"
  std::string cluster;  // exactly one of cluster / handler
  std::string handler;
  std::vector<std::string> listeners;  // empty: every listener
  std::optional<Millis> timeout;       // overrides the cluster's request_timeout
  std::string prefix_rewrite;          // optional: replaces the matched prefix when proxying
  // When non-empty, the caller must hold one of these scopes (partners: / anonymous_scopes),
  // otherwise 403 caller-not-allowed before the handler or upstream sees the request.
  std::vector<std::string> scopes;
};

// A partner platform calling the north API (`partners:`), known by its mTLS client subject.
struct Partner {
  std::string name;
  std::string subject;  // RFC 2253, e.g. "CN=wuhu-his.partner,O=Wuhu"
  std::vector<std::string> scopes;
};

// The node's Redis (`redis:`): identity cache now, slot pools and streams later.
struct Redis {
  HostAddress address{"127.0.0.1", 6379};
  // Optional Redis Sentinel: the primary of `sentinel_master` is asked of these sentinels (in turn)
  // before every connect, so the node follows a failover without a restart; `address` is unused.
  std::vector<HostAddress> sentinels;
  std::string sentinel_master;
  // Bookings, holds, cancellations and consent records are confirmed only once this many replicas
  // hold them (WAIT, up to wait_timeout, which must be shorter than command_timeout; unset: four
  // fifths of it); 0: the primary's own fsync (appendfsync always) is the durability.
  uint32_t wait_replicas = 0;
  Millis wait_timeout{200};
  std::string password_file;  // optional; AUTH with its first line
  uint32_t db = 0;
  Millis connect_timeout{1'000};
  Millis command_timeout{250};
  std::string key_prefix = "mgw:";
};

// Cross-city patient identity (`identity:`).
struct Identity {
  std::string key_file;                      // person-token keys (identity/token.h); required
  bool reject_bad_check = true;              // check_digit: reject | flag
  Millis cache_ttl{24 * 3'600'000};          // a confirmed cross-reference stays cached this long
  Millis negative_ttl{60'000};               // "known nowhere" and partial answers: this long
  Millis local_cache_ttl{0};                 // in-process cache in front of Redis; 0: off
  uint32_t local_cache_entries = 10'000;     // per worker
  std::optional<Millis> discovery_deadline;  // default: federation.deadline_ms
};

// This node's place in the federation (`federation:`): its city, its platform and its peers.
struct Platform {
  std::string dialect;    // "fhir-r4", "hl7v2", "hl7v3-cda" (LoadOptions::known_dialects)
  std::string cluster;    // HTTP dialects: the cluster fronting the platform
  HostAddress address;    // hl7v2: the platform's MLLP endpoint
  std::string base_path;  // HTTP dialects: "/fhir" (fhir-r4), "/hip" (hl7v3-cda) by default
  Millis timeout{5'000};  // one platform exchange
};

struct Peer {
  std::string city;     // GB/T 2260 prefix, e.g. "3201"
  std::string cluster;  // mTLS cluster to that city's node; its tls.expected_subject is also the
                        // subject the peer must present when it calls this node
};

struct Federation {
  std::string city;       // this node's city (GB/T 2260 prefix, 4 digits)
  std::string city_name;  // display name, e.g. "南京"
  Platform platform;
  std::vector<Peer> peers;
  Millis deadline{3'000};  // a fan-out answers by then, listing late peers as incomplete
  std::string listener;    // the mTLS listener peers call (routes /federation/v1/... on it)
  [[nodiscard]] const Peer* findPeer(std::string_view city) const;
};

struct Config {
  std::string source;    // file path it was loaded from, for messages
  uint32_t workers = 0;  // 0: one per core
  std::string log_level = "info";
  bool access_log = true;
  std::string access_log_path = "-";  // "-": stdout
  std::string node_name = "metrogw";  // shown in logs, /v1/node and the Server header
  std::optional<Federation> federation;
  std::optional<Redis> redis;
  std::optional<Identity> identity;
  std::optional<Booking> booking;
  std::optional<Consent> consent;
  std::optional<Audit> audit;
  std::vector<Partner> partners;
  Admin admin;
  Limits limits;
  std::vector<Listener> listeners;
  std::vector<Cluster> clusters;
  std::vector<Route> routes;

  [[nodiscard]] const Cluster* findCluster(const std::string& name) const;
  // True when `route` needs no scope, or the caller holds one of its scopes: as a partner (by
  // its verified client subject) or, without a certificate, through the listener's anonymous ones.
  [[nodiscard]] bool callerMayUse(const Route& route, std::string_view caller,
                                  const Listener& listener) const;
};

using ConfigPtr = std::shared_ptr<const Config>;

// Strict loading: unknown keys, wrong types, out-of-range values, missing required keys, dangling
// references (route -> cluster/listener) and unreadable TLS files are all errors. Every error names
// the file and line ("f.yaml:12: routes[0].cluster: unknown cluster 'x'"); all errors are collected,
// joined by newlines, in the returned status's message.
struct LoadOptions {
  std::vector<std::string> known_handlers;  // names accepted in `handler:` (the gateway's registry)
  bool check_files = true;                  // verify TLS files exist and are readable
  std::vector<std::string> known_dialects;  // accepted in federation.platform.dialect
};
[[nodiscard]] StatusOr<ConfigPtr> loadFile(const std::string& path, const LoadOptions& options);
[[nodiscard]] StatusOr<ConfigPtr> loadString(const std::string& yaml, const std::string& source_name,
                                             const LoadOptions& options);

}  // namespace metrogw::config
