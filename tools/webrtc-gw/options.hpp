// webrtc-gw's command line (and the same keys in --config FILE, CLI11's
// INI/TOML reader). See man/webrtc-gw.8.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "gateway/https_server.hpp"
#include "gateway/media_engine.hpp"
#include "gateway/signaling_hub.hpp"
#include "util/cli.hpp"

namespace webrtc_gw {

struct Options {
  gw::cli::CommonOptions common;
  std::string public_bind = "0.0.0.0";
  std::vector<std::string> public_advertise;
  std::uint16_t https_port = 8443;
  std::uint16_t media_port = 10000;
  unsigned media_threads = 0;  // 0: one per core
  std::string cert, key, state_dir, web_root;
  std::vector<std::string> cert_names;
  std::vector<std::string> stun, turn;
  std::string turn_secret, turn_secret_file;
  std::int64_t turn_ttl = 86400;
  std::string agents_file;
  std::size_t max_calls = 4000, calls_per_session = 4;
  double connections_per_ip = 20, connection_burst = 40;
  double ring_timeout = 60, shutdown_grace = 5, stats_interval = 0;
};

void add_options(CLI::App& app, Options& o);

// The defaults that depend on the machine: state dir, web root, threads.
std::string default_state_dir();
std::string default_web_root();

// Builds the pieces' configurations; errors are usage errors (exit 2).
gw::Result<gw::gateway::HttpsServerConfig> server_config(const Options& o);
gw::Result<gw::gateway::MediaEngineConfig> media_config(const Options& o);
gw::Result<gw::gateway::HubConfig> hub_config(const Options& o);

// "DN SECRET" per line; '#' comments and blank lines ignored.
gw::Result<std::map<std::string, std::string>> load_agents(const std::string& path);

}  // namespace webrtc_gw
