#include "util/socket_address.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "util/endpoint.hpp"

namespace gw {

IpAddress IpAddress::v4(std::uint32_t host_order) {
  return v4(std::array<std::uint8_t, 4>{static_cast<std::uint8_t>(host_order >> 24),
                                        static_cast<std::uint8_t>(host_order >> 16),
                                        static_cast<std::uint8_t>(host_order >> 8),
                                        static_cast<std::uint8_t>(host_order)});
}

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> b) {
  IpAddress a;
  a.family = Family::v4;
  std::memcpy(a.bytes.data(), b.data(), 4);
  return a;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& b) {
  IpAddress a;
  a.family = Family::v6;
  a.bytes = b;
  return a;
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
  std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.family = Family::v4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.family = Family::v6;
    return a;
  }
  return make_error("address.invalid", "not an IP address: '" + s + "'");
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes[0] == 127;
  static constexpr std::array<std::uint8_t, 16> kLoop{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return bytes == kLoop;
}

bool IpAddress::is_unspecified() const {
  for (std::size_t i = 0; i < size(); ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

Result<SocketAddress> SocketAddress::parse(std::string_view text) {
  auto hp = parse_host_port(text);
  if (!hp) return hp.error();
  if (!hp->port) return make_error("address.no-port", "no port in '" + std::string(text) + "'");
  auto ip = IpAddress::parse(hp->host);
  if (!ip) return ip.error();
  return SocketAddress{*ip, *hp->port};
}

std::string SocketAddress::to_string() const { return format_host_port(ip.to_string(), port); }

std::size_t SocketAddressHash::operator()(const SocketAddress& a) const noexcept {
  std::size_t h = 1469598103934665603ULL;
  for (std::size_t i = 0; i < a.ip.size(); ++i) h = (h ^ a.ip.bytes[i]) * 1099511628211ULL;
  h = (h ^ a.port) * 1099511628211ULL;
  return h ^ static_cast<std::size_t>(a.ip.family);
}

}  // namespace gw
