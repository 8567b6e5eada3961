#include "util/cli.hpp"

#include <iostream>

#include "util/log.hpp"

namespace gw::cli {

void add_common_options(CLI::App& app, CommonOptions& opts) {
  app.set_version_flag("--version", std::string(app.get_name()) + " " GW_VERSION);
  app.add_flag("--json", opts.json, "Machine-readable output: JSON (Lines for event streams) on stdout");
  app.add_flag("-v,--verbose", opts.verbose, "More log output on stderr (repeat for more)");
  app.add_flag("-q,--quiet", opts.quiet, "Only errors on stderr");
  app.add_option("--log-level", opts.log_level, "Log level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--completion", opts.completion, "Print a shell completion script")
      ->check(CLI::IsMember({"bash", "zsh", "fish"}))
      ->group("");  // hidden
  app.get_formatter()->column_width(34);
}

std::optional<int> parse(CLI::App& app, CommonOptions& opts, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // --completion must work even when required arguments are missing.
    if (!opts.completion.empty()) {
      std::cout << completion_script(app, opts.completion);
      return kOk;
    }
    std::cerr << app.get_name() << ": " << e.what() << "\n"
              << "Run '" << app.get_name() << " --help' for usage.\n";
    return kUsage;
  }
  if (!opts.completion.empty()) {
    std::cout << completion_script(app, opts.completion);
    return kOk;
  }
  return std::nullopt;
}

void apply_logging(const CommonOptions& opts, std::string_view program) {
  log::set_program_name(program);
  log::Level level = log::Level::warn;
  if (opts.quiet) level = log::Level::error;
  if (opts.verbose == 1) level = log::Level::info;
  if (opts.verbose == 2) level = log::Level::debug;
  if (opts.verbose >= 3) level = log::Level::trace;
  if (!opts.log_level.empty()) {
    if (auto parsed = log::parse_level(opts.log_level)) level = *parsed;
  }
  log::set_level(level);
}

}  // namespace gw::cli
