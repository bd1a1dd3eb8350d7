// A real redis-server for tests: a free port on 127.0.0.1, a temp dir, no persistence. Stopped by
// stop() or the destructor, and killed by the kernel if the test process dies (PR_SET_PDEATHSIG).
//
//   RedisServer server;
//   if (!RedisServer::available()) GTEST_SKIP();
//   ASSERT_TRUE(server.start());            // or start(port, "password")
//   ... server.port() ... server.pause() / resume() (SIGSTOP / SIGCONT) ... server.restart() ...
//
// Not thread-safe; use from the test's main thread (the death signal follows the forking thread).
#pragma once

#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace metrogw::redis::test {

class RedisServer {
 public:
  RedisServer() = default;
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  ~RedisServer() {
    stop();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // True when a redis-server binary is on PATH.
  static bool available() { return std::system("command -v redis-server >/dev/null 2>&1") == 0; }

  // A port nothing listens on right now (bound to 0, read back, closed).
  static uint16_t freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    uint16_t port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    if (fd >= 0) ::close(fd);
    return port;
  }

  // Starts redis-server on `port` (0: a free one) requiring `password` (empty: none) and waits until
  // it answers PING, 5 s at most. Stops a server this object already runs.
  bool start(uint16_t port = 0, std::string password = "") {
    stop();
    if (dir_.empty() && !makeDir()) return false;
    port_ = port != 0 ? port : freePort();
    password_ = std::move(password);
    pid_ = spawn();
    return pid_ > 0 && waitReady(std::chrono::seconds(5));
  }

  // SIGTERM (SIGCONT first, in case it is paused), SIGKILL after 2 s; always reaped.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
  }

  // Same port and password.
  bool restart() { return start(port_, password_); }

  // SIGSTOP: the kernel still accepts connections and buffers requests, but nothing is answered.
  void pause() {
    if (pid_ > 0) ::kill(pid_, SIGSTOP);
  }
  void resume() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
  }

  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] const std::string& password() const { return password_; }
  [[nodiscard]] bool running() const { return pid_ > 0; }

 private:
  bool makeDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "metrogw-redis-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) return false;
    dir_ = tmpl;
    return true;
  }

  pid_t spawn() {
    std::vector<std::string> args = {
        "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "", "--appendonly",
        "no", "--dir", dir_, "--logfile", dir_ + "/redis.log", "--daemonize", "no",
        // A replica's first sync starts at once (Redis 7 waits 5 s for more replicas by default).
        "--repl-diskless-sync-delay", "0"};
    if (!password_.empty()) {
      args.emplace_back("--requirepass");
      args.push_back(password_);
    }
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(1);  // the parent died before prctl took effect
      ::execvp("redis-server", argv.data());
      ::_exit(127);
    }
    return pid;
  }

  // Connects with the synchronous API and PINGs (after AUTH when a password is set).
  bool answersPing() const {
    const timeval tv{0, 200000};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
    bool ok = false;
    if (c != nullptr && c->err == 0) {
      bool authed = true;
      if (!password_.empty()) {
        auto* r = static_cast<redisReply*>(redisCommand(c, "AUTH %b", password_.data(), password_.size()));
        authed = r != nullptr && r->type == REDIS_REPLY_STATUS;
        if (r != nullptr) freeReplyObject(r);
      }
      if (authed) {
        auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
        ok = r != nullptr && r->type == REDIS_REPLY_STATUS && std::strcmp(r->str, "PONG") == 0;
        if (r != nullptr) freeReplyObject(r);
      }
    }
    if (c != nullptr) redisFree(c);
    return ok;
  }

  bool waitReady(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {  // exited: bad arguments or port taken
        pid_ = -1;
        return false;
      }
      if (answersPing()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string password_;
  std::string dir_;
};

}  // namespace metrogw::redis::test
