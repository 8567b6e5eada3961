// Puts a stun::Server on sockets: one UDP socket per local address the server
// has (1, or 4 with an RFC 5780 alternate address) and, optionally, a TCP
// listener on the primary address (RFC 8489 §6.2.2 framing).
// Thread: the io_context's thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <memory>

#include "stun/server.hpp"
#include "util/result.hpp"

namespace gw::net {

struct StunServerHostConfig {
  stun::ServerConfig server;
  bool tcp = true;
  std::size_t max_tcp_connections = 1024;
  Duration tcp_idle_timeout = seconds(30);
};

struct StunTcpCounters {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;      // over max_tcp_connections
  std::uint64_t idle_closed = 0;
  std::uint64_t bad_stream = 0;   // bytes that are not a STUN stream
  std::uint64_t open = 0;
};

class StunServerHost {
 public:
  static Result<std::unique_ptr<StunServerHost>> open(boost::asio::io_context& io,
                                                      StunServerHostConfig config);
  ~StunServerHost();
  StunServerHost(const StunServerHost&) = delete;
  StunServerHost& operator=(const StunServerHost&) = delete;

  void close();
  [[nodiscard]] const stun::Server& server() const;
  [[nodiscard]] const StunTcpCounters& tcp_counters() const;
  [[nodiscard]] boost::json::object stats_json() const;
  // The bound addresses (with real ports when 0 was asked for).
  [[nodiscard]] SocketAddress primary() const;

 private:
  struct Impl;
  explicit StunServerHost(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::net
