#include "options.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway/api_validate.hpp"

namespace webrtc_gw {

namespace fs = std::filesystem;
using gw::Error;
using gw::Result;

void add_options(CLI::App& app, Options& o) {
  app.set_config("--config", "", "Read options from an INI/TOML file (same names as the flags)");
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is an error, not a silent default
  auto* pub = "Public side";
  app.add_option("--public-bind", o.public_bind, "IP to bind HTTPS and browser media on")
      ->capture_default_str()->group(pub);
  app.add_option("--public-advertise", o.public_advertise,
                 "IP announced in ICE candidates (repeatable; default: the bind IP, or every interface)")
      ->group(pub);
  app.add_option("--https-port", o.https_port, "TCP port for HTTPS/WSS (API and web pages)")
      ->capture_default_str()->group(pub);
  app.add_option("--media-port", o.media_port,
                 "UDP port for all browser media; media thread i uses PORT+i (0: any free port)")
      ->capture_default_str()->group(pub);
  app.add_option("--media-threads", o.media_threads, "Media threads (0: one per core)")
      ->capture_default_str()->group(pub);
  app.add_option("--cert", o.cert, "PEM certificate for HTTPS (default: self-signed, kept in --state-dir)")
      ->group(pub);
  app.add_option("--key", o.key, "PEM private key for --cert")->group(pub);
  app.add_option("--cert-name", o.cert_names, "Extra name or IP for the self-signed certificate (repeatable)")
      ->group(pub);
  app.add_option("--state-dir", o.state_dir, "Directory for the self-signed certificate")->group(pub);
  app.add_option("--web-root", o.web_root, "Directory of the web client and demo pages")->group(pub);
  auto* ice = "ICE servers handed to browsers";
  app.add_option("--stun", o.stun, "STUN URL, e.g. stun:stun.example.net:3478 (repeatable)")->group(ice);
  app.add_option("--turn", o.turn, "TURN URL, e.g. turn:turn.example.net:3478?transport=udp (repeatable)")
      ->group(ice);
  app.add_option("--turn-secret", o.turn_secret, "coturn static-auth-secret for TURN REST credentials")->group(ice);
  app.add_option("--turn-secret-file", o.turn_secret_file, "File holding the TURN secret (first line)")
      ->check(CLI::ExistingFile)->group(ice);
  app.add_option("--turn-ttl", o.turn_ttl, "Lifetime of TURN credentials in seconds")
      ->capture_default_str()->group(ice);
  app.add_option("--connections-per-ip", o.connections_per_ip,
                 "New TLS connections a second per client IP, beyond the burst (0: no limit; over it: HTTP 429)")
      ->capture_default_str()->group(pub);
  app.add_option("--connection-burst", o.connection_burst, "Burst of new connections per client IP")
      ->capture_default_str()->group(pub);
  auto* calls = "Calls and agents";
  app.add_option("--agents-file", o.agents_file,
                 "Agents allowed to sign in: 'DN SECRET' per line (default: any DN, no secret)")
      ->check(CLI::ExistingFile)->group(calls);
  app.add_option("--max-calls", o.max_calls, "Concurrent calls before new ones are refused")
      ->capture_default_str()->group(calls);
  app.add_option("--calls-per-session", o.calls_per_session, "Concurrent calls per browser session")
      ->capture_default_str()->group(calls);
  app.add_option("--ring-timeout", o.ring_timeout, "Seconds an agent may ring before the call ends")
      ->capture_default_str()->group(calls);
  app.add_option("--shutdown-grace", o.shutdown_grace, "Seconds SIGTERM waits for sockets to close")
      ->capture_default_str()->group(calls);
  app.add_option("--stats-interval", o.stats_interval, "Seconds between gateway stats events (0: off)")
      ->capture_default_str()->group(calls);
}

std::string default_state_dir() {
  if (const char* s = std::getenv("STATE_DIRECTORY"); s != nullptr && *s != '\0') return s;  // systemd StateDirectory=
  if (geteuid() == 0) return "/var/lib/webrtc-gw";
  if (const char* x = std::getenv("XDG_STATE_HOME"); x != nullptr && *x != '\0') return std::string(x) + "/webrtc-gw";
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return std::string(h) + "/.local/state/webrtc-gw";
  return ".webrtc-gw";
}

std::string default_web_root() {
  for (const char* dir : {GW_WEB_ROOT_INSTALLED, GW_WEB_ROOT_SOURCE}) {
    if (fs::exists(fs::path(dir) / "index.html")) return dir;
  }
  return GW_WEB_ROOT_INSTALLED;
}

Result<gw::gateway::HttpsServerConfig> server_config(const Options& o) {
  gw::gateway::HttpsServerConfig c;
  auto ip = gw::IpAddress::parse(o.public_bind);
  if (!ip) return Error{"usage", "--public-bind: '" + o.public_bind + "' is not an IP address"};
  c.listen = {*ip, o.https_port};
  if (o.cert.empty() != o.key.empty()) return Error{"usage", "--cert and --key go together"};
  if (!o.cert.empty()) {
    c.cert_file = o.cert;
    c.key_file = o.key;
  }
  c.state_dir = o.state_dir.empty() ? default_state_dir() : o.state_dir;
  c.cert_names = o.cert_names;
  for (const auto& a : o.public_advertise) c.cert_names.push_back(a);
  c.connections_per_ip_per_s = o.connections_per_ip;
  c.connection_burst = o.connection_burst;
  c.web_root = o.web_root.empty() ? default_web_root() : o.web_root;
  if (!fs::is_directory(c.web_root)) return Error{"usage", "--web-root: '" + c.web_root + "' is not a directory"};
  return c;
}

Result<gw::gateway::MediaEngineConfig> media_config(const Options& o) {
  gw::gateway::MediaEngineConfig c;
  auto ip = gw::IpAddress::parse(o.public_bind);
  if (!ip) return Error{"usage", "--public-bind: '" + o.public_bind + "' is not an IP address"};
  c.bind = *ip;
  c.base_port = o.media_port;
  c.shards = o.media_threads != 0 ? o.media_threads : std::max(1U, std::thread::hardware_concurrency());
  if (o.media_port != 0 && o.media_port + c.shards - 1 > 65535) {
    return Error{"usage", "--media-port + --media-threads goes past port 65535"};
  }
  for (const auto& a : o.public_advertise) {
    auto adv = gw::IpAddress::parse(a);
    if (!adv) return Error{"usage", "--public-advertise: '" + a + "' is not an IP address"};
    c.advertise.push_back(*adv);
  }
  return c;
}

Result<gw::gateway::HubConfig> hub_config(const Options& o) {
  gw::gateway::HubConfig c;
  c.stun_urls = o.stun;
  c.turn_urls = o.turn;
  c.turn_secret = o.turn_secret;
  if (!o.turn_secret_file.empty()) {
    std::ifstream in(o.turn_secret_file);
    std::getline(in, c.turn_secret);
  }
  if (!c.turn_urls.empty() && c.turn_secret.empty()) {
    return Error{"usage", "--turn needs --turn-secret or --turn-secret-file (coturn use-auth-secret)"};
  }
  for (const auto& u : o.stun) {
    if (u.rfind("stun:", 0) != 0 && u.rfind("stuns:", 0) != 0) return Error{"usage", "--stun: '" + u + "' is not a stun: URL"};
  }
  for (const auto& u : o.turn) {
    if (u.rfind("turn:", 0) != 0 && u.rfind("turns:", 0) != 0) return Error{"usage", "--turn: '" + u + "' is not a turn: URL"};
  }
  c.turn_ttl_s = o.turn_ttl;
  c.max_calls = o.max_calls;
  c.calls_per_session = o.calls_per_session;
  c.ring_timeout = std::chrono::duration_cast<gw::Duration>(std::chrono::duration<double>(o.ring_timeout));
  if (!o.agents_file.empty()) {
    auto agents = load_agents(o.agents_file);
    if (!agents) return agents.error();
    c.agents = std::move(*agents);
  }
  return c;
}

Result<std::map<std::string, std::string>> load_agents(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"usage", "--agents-file: cannot read " + path};
  std::map<std::string, std::string> agents;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::istringstream words(line);
    std::string dn, secret, extra;
    if (!(words >> dn) || dn[0] == '#') continue;
    if (!(words >> secret) || (words >> extra)) {
      return Error{"usage", path + ":" + std::to_string(n) + ": expected 'DN SECRET'"};
    }
    if (auto st = gw::gateway::check_dn(dn); !st) {
      return Error{"usage", path + ":" + std::to_string(n) + ": " + st.error().message};
    }
    agents[dn] = secret;
  }
  if (agents.empty()) return Error{"usage", "--agents-file " + path + " lists no agent"};
  return agents;
}

}  // namespace webrtc_gw
