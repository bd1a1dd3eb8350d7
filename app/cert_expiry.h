#pragma once
// metrogw_tls_certificate_expiry_timestamp_seconds{kind="listener|cluster",name,file}: when each
// certificate this node presents expires (X509 notAfter, unix seconds), so that an alert can page
// an operator days before a listener or a peer link stops working. Set at start and after every
// accepted reload; a certificate that cannot be read is left out (the config check names it).

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace metrogw::app {

class CertificateExpiry {
 public:
  explicit CertificateExpiry(prometheus::Registry& registry);

  // Replaces every series with those of `config`'s listener and cluster certificates.
  void update(const config::Config& config);

 private:
  prometheus::Family<prometheus::Gauge>* family_;
  std::vector<prometheus::Gauge*> series_;
};

// notAfter of the first certificate in a PEM file, unix seconds; nullopt when unreadable.
[[nodiscard]] std::optional<int64_t> certificateNotAfter(const std::string& pem_file);

}  // namespace metrogw::app
