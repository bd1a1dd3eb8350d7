// Shipper: copies audit records from the files to the Redis Stream "<key_prefix>audit:events" for
// central collection. Private to audit/.
//
// A dedicated thread with a synchronous hiredis connection (connect and command timeouts from the
// redis section) tails the audit files from a checkpoint ("<directory>/ship.checkpoint": the last
// shipped seq, replaced atomically after each acknowledged batch). The files are the source of
// truth, so a Redis outage loses nothing: the shipper reconnects and catches up; the lag is the
// metrogw_audit_shipping_lag_records gauge. Delivery is at least once (a crash between XADD and
// the checkpoint resends a batch): consumers deduplicate on the (node, seq) fields.
// Each entry: XADD key MAXLEN ~ stream_maxlen * node <node> seq <seq> record <the JSON line>.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/metrics.h"
#include "common/status.h"
#include "config/config.h"

struct redisContext;

namespace metrogw::audit::internal {

class Shipper {
 public:
  using LastSeq = std::function<uint64_t()>;
  // Starts the thread; does not wait for Redis. Errors: ioError (unreadable password file).
  [[nodiscard]] static StatusOr<std::unique_ptr<Shipper>> start(const config::Audit& audit,
                                                                const config::Redis& redis, std::string node,
                                                                Metrics* metrics, LastSeq last_seq);
  ~Shipper();  // stops and joins the thread
  Shipper(const Shipper&) = delete;
  Shipper& operator=(const Shipper&) = delete;

 private:
  struct Line {
    uint64_t seq;
    std::string text;
  };
  struct Cursor {
    std::string path;
    uint64_t offset = 0;
  };

  Shipper() = default;
  void run();
  [[nodiscard]] bool connect();
  [[nodiscard]] bool ship(const std::vector<Line>& lines);
  // Up to kBatch records after checkpoint_ from cursor_; `next` is the cursor after them.
  [[nodiscard]] std::vector<Line> readBatch(Cursor& next);
  void saveCheckpoint() const;

  config::Audit audit_;
  config::Redis redis_;
  std::string password_;
  std::string node_;
  std::string key_;
  Metrics* metrics_ = nullptr;
  LastSeq last_seq_;
  uint64_t checkpoint_ = 0;
  Cursor cursor_;
  redisContext* ctx_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace metrogw::audit::internal
