// LocalStream: collects the request body (bounded by the body limit) and calls a LocalHandler.
#pragma once

#include <memory>
#include <string>

#include "gateway/handler.h"
#include "gateway/server/stream.h"

namespace metrogw::gateway {

class ServerConnection;

class LocalStream final : public Stream {
 public:
  LocalStream(ServerConnection& connection, LocalHandler& handler);
  ~LocalStream() override;

  void start() override;
  void onRequestBody(std::string_view data) override { body_.append(data); }
  void onRequestComplete() override;
  [[nodiscard]] bool acceptingBody() const override { return true; }
  void onClientWritable() override {}
  void onClientGone() override { *alive_ = false; }

 private:
  ServerConnection& conn_;
  LocalHandler& handler_;
  std::string body_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool called_ = false;
};

}  // namespace metrogw::gateway
