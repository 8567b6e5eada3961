// webrtc-gw's command line (and the same keys in --config FILE, CLI11's
// INI/TOML reader). See man/webrtc-gw.8.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "gateway/https_server.hpp"
#include "gateway/media_engine.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/sip_side.hpp"
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
  // The private side (SIP and plain RTP; issue 7). SIP mode is on when a
  // registrar or a proxy is given.
  std::string private_bind = "0.0.0.0", private_advertise;
  std::uint16_t sip_port = 5060;
  std::string sip_transport = "udp";
  std::string sip_registrar, sip_proxy, sip_domain, sip_credentials, sip_user, sip_password, sip_from;
  unsigned sip_register_expires = 300;
  std::string rtp_ports = "20000-29999";
  std::string media_port_range;  // browser media: a port per leg instead of --media-port
  std::string ice_mode = "lite";  // or "full" (libnice per leg)
  bool skip_plan_check = false;
};

void add_options(CLI::App& app, Options& o);

// The defaults that depend on the machine: state dir, web root, threads.
std::string default_state_dir();
std::string default_web_root();

// Builds the pieces' configurations; errors are usage errors (exit 2).
gw::Result<gw::gateway::HttpsServerConfig> server_config(const Options& o);
gw::Result<gw::gateway::MediaEngineConfig> media_config(const Options& o);
gw::Result<gw::gateway::HubConfig> hub_config(const Options& o);
// nullopt: standalone (no --sip-registrar/--sip-proxy).
gw::Result<std::optional<gw::gateway::SipSideConfig>> sip_config(const Options& o);

// --sip-credentials: "DN PASSWORD" or "DN USER PASSWORD" per line, and
// "* USER PASSWORD" for DNs not listed; '#' comments and blank lines ignored.
struct SipCredentialsFile {
  std::map<std::string, gw::sip::Credentials> per_dn;
  std::optional<gw::sip::Credentials> any_dn;
};
gw::Result<SipCredentialsFile> load_sip_credentials(const std::string& path);
// The private address SDP and SIP Contact carry: --private-advertise, else
// a specific --private-bind, else the source address towards the SIP server.
gw::Result<std::string> private_media_address(const Options& o, const gw::gateway::SipSideConfig& c);

// "DN SECRET" per line; '#' comments and blank lines ignored.
gw::Result<std::map<std::string, std::string>> load_agents(const std::string& path);

}  // namespace webrtc_gw
