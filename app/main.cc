// metrogw entry point: parse flags, load the configuration, run the node.
#include <cstdio>
#include <cstring>
#include <string>

#include "app/node.h"
#include "app/translate.h"
#include "audit/audit.h"
#include "booking/report.h"
#include "config/config.h"

namespace {

void usage(FILE* out) {
  std::fputs(
      "usage: metrogw [--config FILE] [--check]\n"
      "       metrogw translate --dialect D FILE   (one message -> canonical JSON; see translate --help)\n"
      "       metrogw audit verify|query ...        (audit trail; see audit/README.md)\n"
      "       metrogw report bookings --month YYYY-MM [--redis HOST:PORT] [--db N] [--prefix P] [--config "
      "FILE]\n"
      "       metrogw --print-default-config | --version | --help\n"
      "  --config FILE   YAML configuration (default: the embedded default config)\n"
      "  --check         validate the configuration and exit (0 valid, 1 errors on stderr)\n"
      "signals: SIGHUP reloads the config file, SIGTERM/SIGINT drain and exit 0\n",
      out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "translate") == 0)
    return metrogw::app::runTranslate(argc - 1, argv + 1);
  if (argc > 1 && std::strcmp(argv[1], "audit") == 0) return metrogw::audit::runCli(argc - 1, argv + 1);
  if (argc > 1 && std::strcmp(argv[1], "report") == 0) {
    metrogw::gateway::HandlerRegistry known;  // so that --config accepts the node's own config file
    metrogw::app::registerBuiltinHandlers(known);
    return metrogw::booking::runReportCli(argc - 1, argv + 1, metrogw::app::loadOptions(known));
  }
  std::string config_path;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--check") {
      check = true;
    } else if (arg == "--print-default-config") {
      std::fputs(metrogw::app::defaultConfigYaml(), stdout);
      return 0;
    } else if (arg == "--version") {
      std::puts("metrogw " METROGW_VERSION);
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "metrogw: unknown argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  metrogw::gateway::HandlerRegistry handlers;
  metrogw::app::registerBuiltinHandlers(handlers);
  const auto options = metrogw::app::loadOptions(handlers);
  auto cfg = config_path.empty()
                 ? metrogw::config::loadString(metrogw::app::defaultConfigYaml(), "<default>", options)
                 : metrogw::config::loadFile(config_path, options);
  if (!cfg.isOk()) {
    std::fprintf(stderr, "%s\n", cfg.status().message().c_str());
    return 1;
  }
  if (check) {
    std::printf("%s: configuration valid\n", config_path.empty() ? "<default>" : config_path.c_str());
    return 0;
  }
  return metrogw::app::runNode(*cfg, config_path, handlers);
}
