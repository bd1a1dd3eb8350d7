#include "sharing/ledgers.h"

#include <algorithm>
#include <memory>

namespace metrogw::sharing {
namespace {

// One gather; kept alive by the callbacks of its reads.
class Gather : public std::enable_shared_from_this<Gather> {
 public:
  Gather(internal::Node& node, ConsentsCallback done) : node_(node), done_(std::move(done)) {}

  void start(const LedgerQuery& query, const std::vector<std::string>& cities,
             std::chrono::milliseconds timeout) {
    // Only configured peers are asked: the list partly comes from the asking node, so a city
    // without a peer is counted under one label (bounded metric cardinality) and otherwise ignored.
    const config::Federation* fed = node_.federation().federation();
    std::vector<const config::Peer*> peers;
    for (const std::string& city : cities) {
      if (city == node_.city()) continue;
      const config::Peer* peer = fed == nullptr ? nullptr : fed->findPeer(city);
      if (peer == nullptr) {
        node_.countLedgerRead("unconfigured", "no-peer");
      } else if (std::find(peers.begin(), peers.end(), peer) == peers.end()) {
        peers.push_back(peer);
      }
    }
    pending_ = 1 + peers.size();  // all counted before any read starts: none can finish early
    ledgers_.resize(1 + peers.size());
    node_.ledger().history(query.patient_token,
                           [self = shared_from_this()](StatusOr<std::vector<consent::Record>> own) {
                             if (own.isOk()) {
                               self->ledgers_[0] = std::move(own.value());
                             } else {
                               self->own_failure_ = own.status();
                             }
                             self->readDone();
                           });
    for (size_t i = 0; i < peers.size(); ++i) readPeer(i + 1, *peers[i], query, timeout);
  }

 private:
  void readPeer(size_t slot, const config::Peer& peer, const LedgerQuery& query,
                std::chrono::milliseconds timeout) {
    readPeerLedger(
        node_.worker().client, peer, query, timeout,
        [self = shared_from_this(), slot, city = peer.city](StatusOr<std::vector<consent::Record>> records) {
          self->node_.countLedgerRead(city, records.isOk() ? "ok" : ledgerFailureReason(records.status()));
          if (records.isOk()) {
            self->ledgers_[slot] = std::move(records.value());
          } else {
            self->unread_.push_back(city);
          }
          self->readDone();
        });
  }

  void readDone() {
    if (--pending_ > 0) return;
    auto done = std::move(done_);
    if (!own_failure_.isOk()) return done(Status::upstreamUnavailable("the consent ledger cannot be read"));
    std::sort(unread_.begin(), unread_.end());
    done(Consents{consent::mergeHistories(ledgers_), std::move(unread_)});
  }

  internal::Node& node_;
  ConsentsCallback done_;
  size_t pending_ = 0;
  std::vector<std::vector<consent::Record>> ledgers_;  // [0]: own ledger
  std::vector<std::string> unread_;
  Status own_failure_;
};

}  // namespace

void gatherConsents(internal::Node& node, const LedgerQuery& query, const std::vector<std::string>& cities,
                    std::chrono::milliseconds peer_timeout, ConsentsCallback done) {
  std::make_shared<Gather>(node, std::move(done))->start(query, cities, peer_timeout);
}

}  // namespace metrogw::sharing
