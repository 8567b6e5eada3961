#include "net/sockaddr.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace gw::net {

socklen_t to_sockaddr(const SocketAddress& addr, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (addr.ip.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);  // NOLINT
    sin->sin_family = AF_INET;
    sin->sin_port = htons(addr.port);
    std::memcpy(&sin->sin_addr, addr.ip.bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);  // NOLINT
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(addr.port);
  std::memcpy(&sin6->sin6_addr, addr.ip.bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

SocketAddress from_sockaddr(const sockaddr_storage& in) {
  SocketAddress a;
  if (in.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&in);  // NOLINT
    a.ip.family = IpAddress::Family::v4;
    std::memcpy(a.ip.bytes.data(), &sin->sin_addr, 4);
    a.port = ntohs(sin->sin_port);
  } else if (in.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&in);  // NOLINT
    a.ip.family = IpAddress::Family::v6;
    std::memcpy(a.ip.bytes.data(), &sin6->sin6_addr, 16);
    a.port = ntohs(sin6->sin6_port);
  }
  return a;
}

}  // namespace gw::net
