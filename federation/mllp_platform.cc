#include "federation/mllp_platform.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "adapters/hl7v2/mllp.h"

namespace metrogw::federation {
namespace {

// MSH-10 control ids must be unique per sender: node-wide counter.
std::atomic<uint64_t> g_control_id{1};

// One request/answer on its own connection; frees itself after calling `done`.
class MllpExchange {
 public:
  MllpExchange(Dispatcher& dispatcher, const adapters::Codec& codec, EnvelopeCallback done)
      : dispatcher_(dispatcher), codec_(codec), done_(std::move(done)), timer_(dispatcher.base(), [this] {
          finish(Status::upstreamTimeout("platform did not answer in time"));
        }) {}

  void start(const SocketAddress& address, std::chrono::milliseconds timeout, const std::string& frame) {
    timer_.enableOnce(timeout);
    bev_ = bufferevent_socket_new(dispatcher_.base(), -1, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(bev_, &MllpExchange::onRead, nullptr, &MllpExchange::onEvent, this);
    bufferevent_write(bev_, frame.data(), frame.size());
    bufferevent_enable(bev_, EV_READ | EV_WRITE);
    if (bufferevent_socket_connect(bev_, address.get(), static_cast<int>(address.len)) != 0) {
      finishLater(Status::upstreamUnavailable("cannot connect to platform"));
    }
  }

 private:
  static void onRead(bufferevent* bev, void* arg) {
    auto* self = static_cast<MllpExchange*>(arg);
    evbuffer* in = bufferevent_get_input(bev);
    std::vector<std::string> messages;
    while (evbuffer_get_length(in) > 0 && messages.empty()) {
      char buf[16 * 1024];
      const int n = evbuffer_remove(in, buf, sizeof(buf));
      if (n <= 0) break;
      if (Status s = self->decoder_.feed(std::string_view(buf, static_cast<size_t>(n)), messages);
          !s.isOk()) {
        self->finish(Status::malformedMessage("platform MLLP stream: " + s.message()));
        return;
      }
    }
    if (messages.empty()) return;
    auto answer = self->codec_.decode(messages.front());
    if (!answer.isOk()) {
      self->finish(Status::malformedMessage("platform answer: " + answer.status().message()));
      return;
    }
    self->finish(std::move(answer));
  }

  static void onEvent(bufferevent* /*bev*/, short events, void* arg) {
    auto* self = static_cast<MllpExchange*>(arg);
    if ((events & BEV_EVENT_CONNECTED) != 0) return;
    if ((events & BEV_EVENT_ERROR) != 0) {
      self->finish(Status::upstreamUnavailable("cannot reach platform (connection failed)"));
    } else if ((events & BEV_EVENT_EOF) != 0) {
      self->finish(Status::upstreamUnavailable("platform closed the connection without an answer"));
    }
  }

  // For failures inside start(): the callback must not run inside query()/command().
  void finishLater(Status status) {
    dispatcher_.post([this, status = std::move(status)]() mutable { finish(std::move(status)); });
  }

  void finish(StatusOr<model::EnvelopeT> result) {
    timer_.disable();
    if (bev_ != nullptr) {
      bufferevent_free(bev_);
      bev_ = nullptr;
    }
    EnvelopeCallback done = std::move(done_);
    delete this;
    done(std::move(result));
  }

  Dispatcher& dispatcher_;
  const adapters::Codec& codec_;
  EnvelopeCallback done_;
  Timer timer_;
  bufferevent* bev_ = nullptr;
  adapters::hl7v2::MllpDecoder decoder_;
};

}  // namespace

StatusOr<std::unique_ptr<PlatformClient>> MllpPlatformClient::create(const config::Platform& platform,
                                                                     Dispatcher& dispatcher,
                                                                     const adapters::Codec& codec) {
  auto address = resolveTcp(platform.address.host, platform.address.port);
  if (!address.isOk()) {
    return Status::upstreamUnavailable("cannot resolve platform host '" + platform.address.host +
                                       "': " + address.status().message());
  }
  return std::unique_ptr<PlatformClient>(
      std::make_unique<MllpPlatformClient>(platform, *address, dispatcher, codec));
}

MllpPlatformClient::MllpPlatformClient(const config::Platform& platform, SocketAddress address,
                                       Dispatcher& dispatcher, const adapters::Codec& codec)
    : address_(address), timeout_(platform.timeout), dispatcher_(dispatcher), codec_(codec) {}

void MllpPlatformClient::query(const model::QueryT& query, EnvelopeCallback done) {
  exchange(model::envelopeOf(query), std::move(done));
}

void MllpPlatformClient::command(const model::CommandT& command, EnvelopeCallback done) {
  exchange(model::envelopeOf(command), std::move(done));
}

void MllpPlatformClient::exchange(const model::EnvelopeT& request, EnvelopeCallback done) {
  model::EnvelopeT copy = request;
  copy.message_id = "MGW" + std::to_string(g_control_id.fetch_add(1, std::memory_order_relaxed));
  auto message = codec_.encode(copy);
  if (!message.isOk()) {
    dispatcher_.post(
        [done = std::move(done), status = message.status()]() mutable { done(std::move(status)); });
    return;
  }
  auto* ex = new MllpExchange(dispatcher_, codec_, std::move(done));
  ex->start(address_, timeout_, adapters::hl7v2::mllpFrame(*message));
}

}  // namespace metrogw::federation
