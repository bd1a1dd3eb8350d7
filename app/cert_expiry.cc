#include "app/cert_expiry.h"

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <memory>

namespace metrogw::app {

std::optional<int64_t> certificateNotAfter(const std::string& pem_file) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(pem_file.c_str(), "r"), &std::fclose);
  if (!f) return std::nullopt;
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return std::nullopt;
  struct tm t {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &t) != 1) return std::nullopt;
  return static_cast<int64_t>(timegm(&t));
}

CertificateExpiry::CertificateExpiry(prometheus::Registry& registry)
    : family_(&prometheus::BuildGauge()
                   .Name("metrogw_tls_certificate_expiry_timestamp_seconds")
                   .Help("When a certificate this node presents expires (X509 notAfter, unix seconds), by "
                         "listener or cluster.")
                   .Register(registry)) {}

void CertificateExpiry::update(const config::Config& config) {
  for (prometheus::Gauge* g : series_) family_->Remove(g);
  series_.clear();
  auto add = [this](const char* kind, const std::string& name, const std::string& file) {
    if (file.empty()) return;
    if (auto not_after = certificateNotAfter(file)) {
      prometheus::Gauge& g = family_->Add({{"kind", kind}, {"name", name}, {"file", file}});
      g.Set(static_cast<double>(*not_after));
      series_.push_back(&g);
    }
  };
  for (const auto& l : config.listeners) {
    if (l.tls) add("listener", l.name, l.tls->cert_file);
  }
  for (const auto& c : config.clusters) {
    if (c.tls) add("cluster", c.name, c.tls->cert_file);
  }
}

}  // namespace metrogw::app
