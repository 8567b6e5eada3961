// A plain IP address + port, for sans-IO protocol code (no Asio, no sockaddr).
// net/ converts to and from Asio endpoints. Thread: any (value type).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace gw {

struct IpAddress {
  enum class Family : std::uint8_t { v4, v6 };
  Family family = Family::v4;
  std::array<std::uint8_t, 16> bytes{};  // v4 uses the first 4

  static IpAddress v4(std::uint32_t host_order);
  static IpAddress v4(std::array<std::uint8_t, 4> b);
  static IpAddress v6(const std::array<std::uint8_t, 16>& b);
  static Result<IpAddress> parse(std::string_view text);  // "192.0.2.1", "2001:db8::1"

  [[nodiscard]] bool is_v4() const { return family == Family::v4; }
  [[nodiscard]] std::size_t size() const { return is_v4() ? 4 : 16; }
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] bool is_loopback() const;
  [[nodiscard]] bool is_unspecified() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

struct SocketAddress {
  IpAddress ip;
  std::uint16_t port = 0;

  static Result<SocketAddress> parse(std::string_view text);  // "1.2.3.4:5", "[::1]:5"
  [[nodiscard]] std::string to_string() const;                // "[::1]:5" for v6
  friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
  friend auto operator<=>(const SocketAddress&, const SocketAddress&) = default;
};

struct SocketAddressHash {
  std::size_t operator()(const SocketAddress& a) const noexcept;
};

}  // namespace gw
