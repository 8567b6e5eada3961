// Command-line conventions every tool shares (design brief §5):
//   --json  -v/--verbose  -q/--quiet  --log-level  --version  --help
// plus a hidden --completion bash|zsh|fish that prints a completion script
// generated from the same CLI11 option tree, so completions never drift.
// Thread: main thread, before any loop starts.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace gw::cli {

// Exit codes shared by every tool; each tool's man page lists them and its own
// codes from 10 upwards.
enum ExitCode : int {
  kOk = 0,
  kFailure = 1,            // runtime error (bind failed, bad certificate, ...)
  kUsage = 2,              // bad command line or configuration
  kTimeout = 3,            // the peer or server never answered
  kNegotiationFailed = 4,  // handshake/ICE/SDP negotiation failed
  kPeerGone = 5,           // the peer went away (consent lost, BYE, close_notify)
  kInterrupted = 130,      // SIGINT/SIGTERM before the work was done
};

struct CommonOptions {
  bool json = false;
  int verbose = 0;
  bool quiet = false;
  std::string log_level;
  std::string completion;
};

// Adds the shared options (and the version flag) to `app`.
void add_common_options(CLI::App& app, CommonOptions& opts);

// Parses argv. Returns an exit code when the program should stop now: --help
// and --version (0), --completion (0), usage errors (2, message on stderr).
std::optional<int> parse(CLI::App& app, CommonOptions& opts, int argc, char** argv);

// Sets the log level from -v/-q/--log-level and names the program in log lines.
void apply_logging(const CommonOptions& opts, std::string_view program);

// The completion script for `shell` ("bash", "zsh" or "fish").
std::string completion_script(CLI::App& app, std::string_view shell);

}  // namespace gw::cli
