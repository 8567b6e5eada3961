#include "options.hpp"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway/address_plan.hpp"
#include "gateway/api_validate.hpp"
#include "gateway/turn_credentials.hpp"
#include "net/datagram_port.hpp"

namespace webrtc_gw {

namespace fs = std::filesystem;
using gw::Error;
using gw::Result;

namespace {

void add_sip_options(CLI::App& app, Options& o) {
  const std::string g = "Private side (SIP and RTP)";
  app.add_option("--private-bind", o.private_bind, "IP to bind SIP and RTP on (the enterprise side)")
      ->capture_default_str()->group(g);
  app.add_option("--private-advertise", o.private_advertise,
                 "IP put in SIP Contact/Via and SDP c= (default: --private-bind, or the interface towards the SIP server)")
      ->group(g);
  app.add_option("--sip-port", o.sip_port, "SIP port")->capture_default_str()->group(g);
  app.add_option("--sip-transport", o.sip_transport, "SIP transport")
      ->check(CLI::IsMember({"udp", "tcp"}))->capture_default_str()->group(g);
  app.add_option("--sip-registrar", o.sip_registrar,
                 "SIP registrar URI, e.g. sip:10.0.0.5; signed-in DNs are registered here (turns SIP mode on)")
      ->group(g);
  app.add_option("--sip-proxy", o.sip_proxy, "Outbound proxy URI for every SIP request (default: the registrar)")
      ->group(g);
  app.add_option("--sip-domain", o.sip_domain, "Domain of DN addresses: DN 2001 is sip:2001@DOMAIN (default: registrar host)")
      ->group(g);
  app.add_option("--sip-credentials", o.sip_credentials,
                 "File of digest credentials: 'DN PASSWORD' or 'DN USER PASSWORD' per line, '* USER PASSWORD' for any DN")
      ->check(CLI::ExistingFile)->group(g);
  app.add_option("--sip-user", o.sip_user, "The gateway's own SIP account (From of customer calls, INVITE auth)")->group(g);
  app.add_option("--sip-password", o.sip_password, "Password of --sip-user")->group(g);
  app.add_option("--sip-from", o.sip_from, "From URI of customer calls (default: sip:USER@DOMAIN)")->group(g);
  app.add_option("--sip-register-expires", o.sip_register_expires, "Registration lifetime asked for, in seconds")
      ->capture_default_str()->check(CLI::Range(30U, 86400U))->group(g);
  app.add_option("--rtp-ports", o.rtp_ports, "Private RTP port range MIN-MAX (a pair per call)")
      ->capture_default_str()->group(g);
  app.add_flag("--skip-plan-check", o.skip_plan_check,
               "Do not check the address plan (STUN for the public address) at start")->group(g);
}

// "sip:host[:port][;params]" -> "host".
std::string uri_host(const std::string& uri) {
  auto colon = uri.find(':');
  if (colon == std::string::npos) return {};
  std::string rest = uri.substr(colon + 1);
  if (auto at = rest.find('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest[0] == '[') return rest.substr(0, rest.find(']') + 1);
  return rest.substr(0, rest.find_first_of(":;>"));
}

Result<std::pair<std::uint16_t, std::uint16_t>> parse_port_range(const std::string& text,
                                                                  const std::string& option = "--rtp-ports") {
  auto dash = text.find('-');
  try {
    if (dash == std::string::npos) throw std::invalid_argument("no dash");
    unsigned long lo = std::stoul(text.substr(0, dash)), hi = std::stoul(text.substr(dash + 1));
    if (lo < 1024 || hi > 65535 || hi < lo + 1) throw std::out_of_range("range");
    return std::pair{static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)};
  } catch (const std::exception&) {
    return Error{"usage", option + ": '" + text + "' is not MIN-MAX with 1024 <= MIN < MAX <= 65535"};
  }
}

}  // namespace

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
  app.add_option("--media-port-range", o.media_port_range,
                 "Browser media on a port per call leg from MIN-MAX instead of the one --media-port per thread")
      ->group(pub);
  app.add_option("--ice-mode", o.ice_mode,
                 "lite: answer browsers' checks on the media port (a public address); full: a libnice agent per "
                 "leg, with reflexive/relayed candidates from the first --stun/--turn (behind NAT)")
      ->check(CLI::IsMember({"lite", "full"}))->capture_default_str()->group(pub);
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
  add_sip_options(app, o);
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

namespace {

// Full-ICE mode: the gateway's own reflexive and relayed candidates come from
// the first --stun and the first UDP --turn server (libnice wants literals).
gw::Status full_ice_servers(const Options& o, gw::gateway::MediaEngineConfig& c) {
  using gw::gateway::MediaEngineConfig;
  c.ice_mode = MediaEngineConfig::IceMode::full;
  auto resolve = [&](const std::pair<std::string, std::uint16_t>& hp, const std::string& url) -> Result<gw::SocketAddress> {
    auto ip = gw::net::resolve_host(hp.first, c.bind.is_unspecified() ? std::nullopt : std::optional(c.bind.family));
    if (!ip) return Error{"usage", "--ice-mode full: cannot resolve " + url + ": " + ip.error().message};
    return gw::SocketAddress{*ip, hp.second};
  };
  for (const auto& url : o.stun) {
    auto hp = gw::gateway::parse_stun_url(url);
    if (!hp) continue;
    auto addr = resolve(*hp, url);
    if (!addr) return addr.error();
    c.ice_stun = *addr;
    break;
  }
  for (const auto& url : o.turn) {
    auto hp = gw::gateway::parse_turn_udp_url(url);
    if (!hp) continue;
    auto addr = resolve(*hp, url);
    if (!addr) return addr.error();
    std::string secret = o.turn_secret;
    if (!o.turn_secret_file.empty()) {
      std::ifstream in(o.turn_secret_file);
      std::getline(in, secret);
    }
    auto creds = gw::gateway::turn_credentials(secret, "webrtc-gw", std::time(nullptr), o.turn_ttl);
    c.ice_turn = gw::ice::RelayServer{*addr, creds.username, creds.credential, gw::ice::RelayServer::Transport::udp};
    break;
  }
  return {};
}

}  // namespace

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
  auto range = parse_port_range(o.rtp_ports);
  if (!range) return range.error();
  if (!o.media_port_range.empty()) {
    auto legs = parse_port_range(o.media_port_range, "--media-port-range");
    if (!legs) return legs.error();
    c.leg_ports = *legs;
  }
  c.rtp_port_min = range->first;
  c.rtp_port_max = range->second;
  if (o.ice_mode == "full") {
    if (auto st = full_ice_servers(o, c); !st) return st.error();
  }
  auto rtp_bind = gw::IpAddress::parse(o.private_bind);
  if (!rtp_bind) return Error{"usage", "--private-bind: '" + o.private_bind + "' is not an IP address"};
  c.rtp_bind = *rtp_bind;
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

Result<SipCredentialsFile> load_sip_credentials(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"usage", "--sip-credentials: cannot read " + path};
  SipCredentialsFile out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (w.empty() || w[0][0] == '#') continue;
    auto where = path + ":" + std::to_string(n) + ": ";
    if (w.size() < 2 || w.size() > 3) return Error{"usage", where + "expected 'DN PASSWORD' or 'DN USER PASSWORD'"};
    gw::sip::Credentials c;
    c.user = w.size() == 3 ? w[1] : (w[0] == "*" ? "" : w[0]);
    c.password = w.back();
    if (w[0] == "*") {
      if (w.size() != 3) return Error{"usage", where + "'*' needs 'USER PASSWORD' (USER may be '-' for the DN)"};
      if (c.user == "-") c.user.clear();  // the DN itself is the user
      out.any_dn = c;
      continue;
    }
    if (auto st = gw::gateway::check_dn(w[0]); !st) return Error{"usage", where + st.error().message};
    out.per_dn[w[0]] = c;
  }
  return out;
}

Result<std::optional<gw::gateway::SipSideConfig>> sip_config(const Options& o) {
  if (o.sip_registrar.empty() && o.sip_proxy.empty()) {
    if (!o.sip_credentials.empty() || !o.sip_user.empty()) {
      return Error{"usage", "--sip-credentials/--sip-user need --sip-registrar or --sip-proxy"};
    }
    return std::optional<gw::gateway::SipSideConfig>{};
  }
  for (const auto* u : {&o.sip_registrar, &o.sip_proxy}) {
    if (!u->empty() && u->rfind("sip:", 0) != 0 && u->rfind("sips:", 0) != 0) {
      return Error{"usage", "'" + *u + "' is not a sip: URI"};
    }
  }
  gw::gateway::SipSideConfig c;
  auto bind = gw::IpAddress::parse(o.private_bind);
  if (!bind) return Error{"usage", "--private-bind: '" + o.private_bind + "' is not an IP address"};
  if (!o.private_advertise.empty() && !gw::IpAddress::parse(o.private_advertise)) {
    return Error{"usage", "--private-advertise: '" + o.private_advertise + "' is not an IP address"};
  }
  c.ua.bind_host = o.private_bind;
  c.ua.bind_port = o.sip_port;
  c.ua.transport = o.sip_transport;
  c.ua.advertise = o.private_advertise;
  c.ua.outbound_proxy = o.sip_proxy.empty() ? o.sip_registrar : o.sip_proxy;
  c.ua.user_agent = "webrtc-gw";
  c.registrar = o.sip_registrar;
  c.domain = !o.sip_domain.empty() ? o.sip_domain : uri_host(o.sip_registrar.empty() ? o.sip_proxy : o.sip_registrar);
  if (c.domain.empty()) return Error{"usage", "--sip-domain: cannot tell the domain from the registrar URI; give it"};
  std::string user = o.sip_user.empty() ? "webrtc-gw" : o.sip_user;
  c.ua.from = o.sip_from.empty() ? "sip:" + user + "@" + c.domain : o.sip_from;
  c.ua.credentials.user = o.sip_user;
  c.ua.credentials.password = o.sip_password;
  c.register_expires = o.sip_register_expires;
  if (!o.sip_credentials.empty()) {
    auto creds = load_sip_credentials(o.sip_credentials);
    if (!creds) return creds.error();
    c.dn_credentials = std::move(creds->per_dn);
    c.any_dn_credentials = std::move(creds->any_dn);
  }
  return std::optional<gw::gateway::SipSideConfig>{std::move(c)};
}

Result<std::string> private_media_address(const Options& o, const gw::gateway::SipSideConfig& c) {
  if (!o.private_advertise.empty()) return o.private_advertise;
  auto bind = gw::IpAddress::parse(o.private_bind);
  if (bind && !bind->is_unspecified()) return o.private_bind;
  // Bound to every interface: the one the kernel would use towards the SIP server.
  std::string host = uri_host(c.ua.outbound_proxy);
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  auto ip = gw::net::resolve_host(host);
  if (!ip) return Error{"usage", "cannot resolve the SIP server '" + host + "': give --private-advertise"};
  auto local = gw::net::local_address_towards(gw::SocketAddress{*ip, 5060}, false);
  if (!local) return Error{"usage", "no route to the SIP server " + host + ": give --private-advertise"};
  return local->ip.to_string();
}

}  // namespace webrtc_gw
