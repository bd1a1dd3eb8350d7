// loadFile / loadString: parse YAML (the only place yaml-cpp exceptions are caught) and read the
// top-level keys, admin and limits; the list sections live in config/internal/.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "config/config.h"
#include "config/internal/reader.h"
#include "config/internal/sections.h"
#include "config/internal/validate.h"

namespace metrogw::config {
namespace {

using internal::LoadContext;
using internal::MapReader;
using internal::Where;

constexpr size_t kMaxConfigBytes = size_t{16} * 1024 * 1024;
constexpr int64_t kMaxWorkers = 256;
constexpr std::string_view kTrailingDocument =
    "content after the end of the document (only one YAML document is allowed)";

void readGeneral(const MapReader& root, Config& c) {
  internal::Reader& reader = root.reader();
  if (root.readString("node_name", c.node_name) && !internal::isNodeName(c.node_name)) {
    reader.error(root.at("node_name"), "must match [A-Za-z0-9_.-]+, got '" + c.node_name + "'");
  }
  root.readInt("workers", c.workers, 0, kMaxWorkers);
  if (root.readString("log_level", c.log_level) && !internal::isLogLevel(c.log_level)) {
    reader.error(root.at("log_level"), "must be debug, info, warn or error, got '" + c.log_level + "'");
  }
  root.readBool("access_log", c.access_log);
  root.readNonEmptyString("access_log_path", c.access_log_path);
}

void readAdmin(const MapReader& root, Admin& out) {
  const auto m = root.map("admin", {"address", "port"});
  if (!m) return;
  if (m->readNonEmptyString("address", out.address) && !internal::isIpLiteral(out.address)) {
    m->reader().error(m->at("address"), "must be an IPv4 or IPv6 address, got '" + out.address + "'");
  }
  m->readInt("port", out.port, 0, 65535);
}

void readLimits(const MapReader& root, Limits& out) {
  const auto m = root.map("limits", {"max_header_bytes", "max_body_bytes", "header_timeout_ms",
                                     "body_timeout_ms", "idle_timeout_ms", "max_connections_per_worker",
                                     "buffer_high_watermark", "drain_timeout_ms"});
  if (!m) return;
  m->readInt("max_header_bytes", out.max_header_bytes, 1024, UINT32_MAX);
  m->readInt("max_body_bytes", out.max_body_bytes, 0, INT64_MAX);
  m->readMillis("header_timeout_ms", out.header_timeout);
  m->readMillis("body_timeout_ms", out.body_timeout);
  m->readMillis("idle_timeout_ms", out.idle_timeout);
  m->readInt("max_connections_per_worker", out.max_connections_per_worker, 1, UINT32_MAX);
  m->readInt("buffer_high_watermark", out.buffer_high_watermark, 1, UINT32_MAX);
  m->readMillis("drain_timeout_ms", out.drain_timeout);
}

// Sees document boundaries only. Used instead of YAML::LoadAll, which on some malformed input
// (found by config_fuzz) reports a new document at the same position forever and exhausts memory.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++count_ == 2) second_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}

  // Parses at most two documents of `yaml`; throws YAML::ParserException like YAML::Load.
  void count(const std::string& yaml) {
    std::istringstream in(yaml);
    YAML::Parser parser(in);
    if (parser.HandleNextDocument(*this)) (void)parser.HandleNextDocument(*this);
  }
  [[nodiscard]] int documents() const { return count_; }
  [[nodiscard]] const YAML::Mark& secondStart() const { return second_; }

 private:
  int count_ = 0;
  YAML::Mark second_;
};

// Parses the text and reads its single document. yaml-cpp reports syntax errors (and, defensively,
// any conversion error) by throwing; this is the boundary where that becomes a located error.
void parseAndRead(const std::string& yaml, LoadContext& ctx) {
  try {
    const YAML::Node root = YAML::Load(yaml);  // the first document only
    DocumentCounter counter;
    counter.count(yaml);
    if (counter.documents() == 0) {
      ctx.reader.error(YAML::Mark(), "", "config is empty");
      return;
    }
    if (counter.documents() > 1) {
      ctx.reader.error(counter.secondStart(), "", kTrailingDocument);
    }
    internal::readDocument(root, ctx);
  } catch (const YAML::ParserException& e) {
    ctx.reader.error(e.mark, "", "syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    ctx.reader.error(e.mark, "", "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    ctx.reader.error(YAML::Mark(), "", std::string("cannot load config: ") + e.what());
  }
}

StatusOr<std::string> readWholeFile(const std::string& path) {
  const std::string prefix = path + ": cannot read config file: ";
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Status::ioError(prefix + "is a directory");
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (f == nullptr) return Status::ioError(prefix + std::strerror(errno));
  std::string text;
  char buf[64 * 1024];
  while (text.size() <= kMaxConfigBytes) {
    const size_t n = std::fread(buf, 1, sizeof(buf), f.get());
    text.append(buf, n);
    if (n < sizeof(buf)) break;
  }
  if (std::ferror(f.get()) != 0) return Status::ioError(prefix + std::strerror(errno));
  return text;
}

}  // namespace

namespace internal {

void readDocument(const YAML::Node& root, LoadContext& ctx) {
  if (!root.IsMap()) {
    ctx.reader.error(root.Mark(), "", "top level must be a mapping, got " + describe(root));
    return;
  }
  const MapReader m(
      ctx.reader, root, Where{root.Mark(), ""},
      {"node_name", "workers", "log_level", "access_log", "access_log_path", "admin", "limits", "listeners",
       "clusters", "routes", "federation", "partners", "redis", "identity", "booking", "consent", "audit"});
  m.require({"listeners"});
  readGeneral(m, ctx.config);
  readAdmin(m, ctx.config.admin);
  readLimits(m, ctx.config.limits);
  readListeners(m, ctx);
  readClusters(m, ctx);
  readRoutes(m, ctx);
  readFederation(m, ctx);
  readPartners(m, ctx);
  readRedis(m, ctx);
  readIdentity(m, ctx);
  readBooking(m, ctx);
  readConsent(m, ctx);
  readAudit(m, ctx);
}

bool readFileKey(const MapReader& map, std::string_view key, std::string& out, const LoadContext& ctx) {
  if (!map.readNonEmptyString(key, out)) return false;
  if (!ctx.options.check_files) return true;
  if (Status s = checkReadable(out); !s.isOk()) ctx.reader.error(map.at(key), s.message());
  return true;
}

}  // namespace internal

StatusOr<ConfigPtr> loadString(const std::string& yaml, const std::string& source_name,
                               const LoadOptions& options) {
  if (yaml.size() > kMaxConfigBytes) {
    return Status::invalidArgument(source_name + ": config is larger than " +
                                   std::to_string(kMaxConfigBytes) + " bytes");
  }
  internal::Reader reader(source_name);
  auto config = std::make_shared<Config>();
  config->source = source_name;
  LoadContext ctx{reader, options, *config};
  parseAndRead(yaml, ctx);
  if (reader.hasErrors()) return reader.toStatus();
  return ConfigPtr(std::move(config));
}

StatusOr<ConfigPtr> loadFile(const std::string& path, const LoadOptions& options) {
  auto text = readWholeFile(path);
  if (!text.isOk()) return text.status();
  return loadString(*text, path, options);
}

}  // namespace metrogw::config
