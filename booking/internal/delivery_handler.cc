// registerDelivery() (booking/delivery.h): the Delivery of a node, owned by the "booking.delivery"
// handler of worker 0.
#include <fstream>
#include <memory>
#include <string>

#include "booking/delivery.h"
#include "common/logging.h"
#include "federation/node_context.h"
#include "redis/config.h"

namespace metrogw::booking {
namespace {

class DeliveryHandler final : public gateway::LocalHandler {
 public:
  explicit DeliveryHandler(gateway::WorkerContext& worker) : node_(worker) {
    const config::ConfigPtr config = worker.config();
    if (worker.worker_index != 0 || !config || !config->booking || !config->redis || !config->federation)
      return;
    auto options = redis::optionsFromConfig(*config->redis);
    if (!options.isOk()) {
      log::warn("booking.delivery", "not started: " + options.status().message());
      return;
    }
    DeliveryOptions d;
    static_cast<config::BookingDelivery&>(d) = config->booking->delivery;
    d.key_prefix = config->redis->key_prefix;
    d.consumer = worker.node_name.empty() ? "node" : worker.node_name;
    // No metrics for this connection: metrogw_redis_connected is one cell per worker, owned by the
    // pool's and identity's clients.
    redis_ = std::make_unique<redis::Client>(worker.dispatcher, std::move(options.value()));
    const std::string city = config->federation->city;
    delivery_ = std::make_unique<Delivery>(
        worker.dispatcher, *redis_,
        [this, city](const model::CommandT& command, federation::EnvelopeCallback done) {
          node_.askPlatform(model::envelopeOf(command, city), std::move(done));
        },
        std::move(d), &worker.client, worker.metrics, worker.worker_index);
    // Constructed on the main thread before the worker's loop runs: start there.
    worker.dispatcher.post([this] {
      redis_->start();
      delivery_->start();
    });
  }
  ~DeliveryHandler() override {
    delivery_.reset();  // before the client it uses
    redis_.reset();
  }

  void handle(const gateway::LocalRequest& /*request*/, gateway::Respond respond) override {
    std::string body = "{\"running\":";
    body += delivery_ ? "true" : "false";
    if (delivery_) {
      body += ",\"in_flight\":" + std::to_string(delivery_->inFlight());
      body += ",\"retrying\":" + std::to_string(delivery_->retrying());
    }
    body += '}';
    respond(gateway::LocalResponse::json(200, std::move(body)));
  }

 private:
  federation::NodeContext node_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<Delivery> delivery_;
};

}  // namespace

void registerDelivery(gateway::HandlerRegistry& registry) {
  registry.add("booking-delivery",
               [](gateway::WorkerContext& worker) -> std::unique_ptr<gateway::LocalHandler> {
                 return std::make_unique<DeliveryHandler>(worker);
               });
}

}  // namespace metrogw::booking
