// Conversions between gw::IpAddress/SocketAddress and Asio addresses.
// IPv4-mapped IPv6 addresses come back as IPv4. Thread: any (pure functions).
#pragma once

#include <algorithm>
#include <boost/asio/ip/address.hpp>

#include "util/socket_address.hpp"

namespace gw::net {

inline boost::asio::ip::address to_asio(const IpAddress& ip) {
  namespace aip = boost::asio::ip;
  if (ip.is_v4()) {
    aip::address_v4::bytes_type b{};
    std::copy_n(ip.bytes.begin(), 4, b.begin());
    return aip::address_v4(b);
  }
  aip::address_v6::bytes_type b{};
  std::copy_n(ip.bytes.begin(), 16, b.begin());
  return aip::address_v6(b);
}

inline IpAddress from_asio(const boost::asio::ip::address& a) {
  namespace aip = boost::asio::ip;
  if (a.is_v4()) return IpAddress::v4(a.to_v4().to_bytes());
  auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return IpAddress::v4(aip::make_address_v4(aip::v4_mapped, v6).to_bytes());
  return IpAddress::v6(v6.to_bytes());
}

// For udp::endpoint and tcp::endpoint alike.
template <class AsioEndpoint>
SocketAddress from_asio_endpoint(const AsioEndpoint& ep) {
  return SocketAddress{from_asio(ep.address()), ep.port()};
}

}  // namespace gw::net
