#include "audit/internal/shipper.h"

#include <hiredis/hiredis.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>

#include "audit/audit.h"
#include "audit/internal/files.h"
#include "common/logging.h"
#include "redis/config.h"

namespace metrogw::audit::internal {
namespace {

constexpr size_t kBatch = 512;
constexpr size_t kReadChunk = 1 << 20;
constexpr std::string_view kSeqPrefix = R"({"seq":)";

uint64_t seqOfLine(std::string_view line) {
  if (line.substr(0, kSeqPrefix.size()) != kSeqPrefix) return 0;
  uint64_t seq = 0;
  const char* begin = line.data() + kSeqPrefix.size();
  std::from_chars(begin, line.data() + line.size(), seq);
  return seq;
}

timeval toTimeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

bool okReply(redisContext* ctx, const char* fmt, const std::string& arg) {
  auto* reply = static_cast<redisReply*>(redisCommand(ctx, fmt, arg.c_str()));
  const bool ok = reply != nullptr && reply->type != REDIS_REPLY_ERROR;
  if (reply != nullptr) freeReplyObject(reply);
  return ok;
}

}  // namespace

StatusOr<std::unique_ptr<Shipper>> Shipper::start(const config::Audit& audit, const config::Redis& redis,
                                                  std::string node, Metrics* metrics, LastSeq last_seq) {
  std::unique_ptr<Shipper> s(new Shipper());
  s->audit_ = audit;
  s->redis_ = redis;
  s->node_ = std::move(node);
  s->key_ = redis.key_prefix + "audit:events";
  s->metrics_ = metrics;
  s->last_seq_ = std::move(last_seq);
  if (!redis.password_file.empty()) {
    std::ifstream in(redis.password_file);
    if (!in || !std::getline(in, s->password_)) return Status::ioError("cannot read " + redis.password_file);
  }
  if (auto text = readFile(audit.directory + "/ship.checkpoint"); text.isOk()) {
    std::from_chars(text->data(), text->data() + text->size(), s->checkpoint_);
  }
  s->thread_ = std::thread([raw = s.get()] { raw->run(); });
  return s;
}

Shipper::~Shipper() {
  {
    const std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (ctx_ != nullptr) redisFree(ctx_);
}

bool Shipper::connect() {
  if (ctx_ != nullptr) return true;
  const timeval tv = toTimeval(redis_.connect_timeout);
  const auto primary = redis::currentPrimary(redis_);  // asked again at every reconnect (Sentinel)
  if (!primary.isOk()) return false;
  ctx_ = redisConnectWithTimeout(primary->host.c_str(), primary->port, tv);
  bool ok = ctx_ != nullptr && ctx_->err == 0 &&
            redisSetTimeout(ctx_, toTimeval(redis_.command_timeout)) == REDIS_OK;
  if (ok && !password_.empty()) ok = okReply(ctx_, "AUTH %s", password_);
  if (ok && redis_.db != 0) ok = okReply(ctx_, "SELECT %s", std::to_string(redis_.db));
  if (!ok && ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  return ok;
}

std::vector<Shipper::Line> Shipper::readBatch(Cursor& next) {
  std::vector<Line> out;
  auto files = listFiles(audit_.directory);
  if (!files.isOk()) return out;
  if (next.path.empty()) {
    for (const auto& f : files.value()) {  // the newest file starting at or before checkpoint + 1
      if (next.path.empty() || firstSeqOf(f.substr(f.rfind('/') + 1)) <= checkpoint_ + 1) next = {f, 0};
    }
  }
  while (!next.path.empty() && out.size() < kBatch) {
    std::ifstream in(next.path, std::ios::binary);
    std::string chunk(kReadChunk, '\0');
    if (in) in.seekg(static_cast<std::streamoff>(next.offset));
    const auto n = in ? in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())).gcount() : 0;
    std::string_view data(chunk.data(), static_cast<size_t>(n));
    size_t pos = 0;
    for (size_t nl; out.size() < kBatch && (nl = data.find('\n', pos)) != std::string_view::npos;
         pos = nl + 1) {
      const auto line = data.substr(pos, nl - pos);
      if (const uint64_t seq = seqOfLine(line); seq > checkpoint_) out.push_back({seq, std::string(line)});
    }
    next.offset += pos;
    if (!out.empty()) break;  // ship these first
    if (pos != 0) continue;   // only lines shipped before: read on
    // Nothing new here: move to the following file, if any.
    std::string following;
    for (const auto& f : files.value()) {
      if (f > next.path) {
        following = f;
        break;
      }
    }
    if (following.empty()) break;
    next = {following, 0};
  }
  return out;
}

bool Shipper::ship(const std::vector<Line>& lines) {
  const std::string maxlen = std::to_string(audit_.stream_maxlen);
  for (const auto& l : lines) {
    const std::string seq = std::to_string(l.seq);
    const char* argv[] = {"XADD", key_.c_str(),  "MAXLEN", "~",         maxlen.c_str(), "*",
                          "node", node_.c_str(), "seq",    seq.c_str(), "record",       l.text.c_str()};
    const size_t lens[] = {4, key_.size(),  6, 1, maxlen.size(), 1, 4, node_.size(), 3, seq.size(),
                           6, l.text.size()};
    redisAppendCommandArgv(ctx_, 12, argv, lens);
  }
  bool ok = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    void* reply = nullptr;
    if (redisGetReply(ctx_, &reply) != REDIS_OK) return false;  // connection is unusable
    ok = ok && static_cast<redisReply*>(reply)->type != REDIS_REPLY_ERROR;
    freeReplyObject(reply);
  }
  return ok;
}

void Shipper::saveCheckpoint() const {
  const std::string path = audit_.directory + "/ship.checkpoint";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << checkpoint_ << '\n';
    if (!out.flush()) return;
  }
  std::rename(tmp.c_str(), path.c_str());
}

void Shipper::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    bool more = false;
    if (connect()) {
      Cursor next = cursor_;
      const auto lines = readBatch(next);
      if (!lines.empty() && ship(lines)) {
        checkpoint_ = lines.back().seq;
        cursor_ = next;
        saveCheckpoint();
        if (metrics_) metrics_->shipped.inc(lines.size());
        more = true;
      } else if (lines.empty()) {
        cursor_ = next;
      } else {
        if (metrics_) metrics_->ship_errors.inc();
        redisFree(ctx_);
        ctx_ = nullptr;
      }
    } else if (metrics_) {
      metrics_->ship_errors.inc();
    }
    const uint64_t last = last_seq_();
    if (metrics_)
      metrics_->shipping_lag.set(static_cast<int64_t>(last > checkpoint_ ? last - checkpoint_ : 0));
    lock.lock();
    if (!more) cv_.wait_for(lock, audit_.ship_interval, [this] { return stop_; });
  }
}

}  // namespace metrogw::audit::internal
