#include "targets.hpp"

#include <algorithm>

#include "net/datagram_port.hpp"
#include "stun/constants.hpp"
#include "stun/uri.hpp"

namespace stun_probe {

namespace {
std::uint16_t default_port(gw::Transport t) { return t == gw::Transport::tls ? 5349 : 3478; }
}  // namespace

gw::Result<std::vector<Target>> resolve_targets(const ClientOptions& options) {
  std::vector<Target> out;
  std::optional<gw::IpAddress::Family> family;
  if (options.ipv4_only) family = gw::IpAddress::Family::v4;
  if (options.ipv6_only) family = gw::IpAddress::Family::v6;
  for (const auto& text : options.servers) {
    auto uri = gw::stun::parse_stun_uri(text);
    if (!uri) return gw::make_error(uri.error().code, text + ": " + uri.error().message);
    auto ip = gw::net::resolve_host(uri->host, family);
    if (!ip) return gw::make_error(ip.error().code, text + ": " + ip.error().message);
    if (family && ip->family != *family) {
      return gw::make_error("usage", text + ": not an IPv" + std::string(options.ipv4_only ? "4" : "6") + " address");
    }
    std::vector<gw::Transport> transports{uri->transport};
    for (const auto& name : options.transports) {
      auto t = name == "udp" ? gw::Transport::udp : name == "tcp" ? gw::Transport::tcp : gw::Transport::tls;
      if (std::find(transports.begin(), transports.end(), t) == transports.end()) transports.push_back(t);
    }
    for (auto t : transports) {
      // A port left at its scheme's default follows the transport (3478 / 5349).
      bool default_used = uri->port == default_port(uri->transport);
      std::uint16_t port = default_used ? default_port(t) : uri->port;
      out.push_back(Target{text, t, gw::SocketAddress{*ip, port}, uri->host});
    }
  }
  return out;
}

gw::stun::RequestSpec make_request(const ClientOptions& options) {
  gw::stun::RequestSpec spec;
  spec.fingerprint = true;
  if (!options.software.empty()) {
    auto text = gw::as_bytes(options.software);
    spec.attributes.push_back({gw::stun::attr::software, gw::Bytes(text.begin(), text.end()), 0});
  }
  if (!options.user.empty()) {
    gw::stun::Credentials c;
    c.kind = options.long_term ? gw::stun::Credentials::Kind::long_term : gw::stun::Credentials::Kind::short_term;
    c.username = options.user;
    c.password = options.password;
    c.short_term_sha256 = options.sha256;
    spec.credentials = c;
  }
  return spec;
}

gw::stun::TransactionConfig make_config(const ClientOptions& options, double mode_default_s) {
  gw::stun::TransactionConfig c;
  c.rto = std::chrono::milliseconds(options.rto_ms);
  c.max_requests = options.retries;
  auto timeout = std::chrono::duration_cast<gw::Duration>(std::chrono::duration<double>(options.timeout_s > 0 ? options.timeout_s : mode_default_s));
  c.overall_timeout = timeout;
  c.reliable_timeout = std::min<gw::Duration>(c.reliable_timeout, timeout);
  return c;
}

gw::net::ChannelOptions make_channel(const ClientOptions& options, const Target& target) {
  gw::net::ChannelOptions c;
  c.transport = target.transport;
  c.remote = target.address;
  c.tls_server_name = target.host;
  c.tls_verify = !options.insecure;
  c.tls_ca_file = options.ca_file;
  return c;
}

gw::Result<std::optional<gw::SocketAddress>> bind_address(const ClientOptions& options) {
  if (options.bind.empty()) return std::optional<gw::SocketAddress>{};
  auto hp = gw::parse_host_port(options.bind);
  if (!hp) return gw::make_error("usage", "--bind: " + hp.error().message);
  auto ip = gw::IpAddress::parse(hp->host);
  if (!ip) return gw::make_error("usage", "--bind: " + ip.error().message);
  return std::optional<gw::SocketAddress>{gw::SocketAddress{*ip, hp->port.value_or(0)}};
}

}  // namespace stun_probe
