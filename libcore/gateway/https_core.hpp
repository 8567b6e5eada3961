// Internal to https_server / http_connection / websocket_connection: the
// state the connections share with the server, without Beast types.
// Thread: the server's io_context thread only.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "gateway/https_server.hpp"
#include "stun/rate_limiter.hpp"

namespace gw::gateway::detail {

// One live TCP connection (HTTP, or WebSocket after the upgrade).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void begin_shutdown() = 0;  // polite: WebSocket close 1001; HTTP: close when idle
  virtual void abort() = 0;           // cut the socket now
  virtual bool send_text(std::string /*text*/) { return false; }
  virtual void close_ws(std::uint16_t /*code*/, std::string /*reason*/) {}
};

struct ServerCore {
  ServerCore(boost::asio::io_context& io, HttpsServerConfig config, ApiHandler& handler);

  boost::asio::io_context& io;
  HttpsServerConfig config;
  ApiHandler* handler;  // nullptr once the HttpsServer is gone: no more calls
  HttpsServerCounters counters;
  std::shared_ptr<boost::asio::ssl::context> tls;  // for new connections
  std::string fingerprint;
  boost::asio::ip::tcp::acceptor acceptor;
  SocketAddress bound;
  boost::asio::steady_timer retry_timer;  // accept retry after EMFILE and friends
  boost::asio::steady_timer grace_timer;  // shutdown(grace)
  stun::RateLimiter rate;
  bool accepting = false;
  bool shutting_down = false;
  std::uint64_t next_id = 1;  // connection keys and WebSocket ids, never reused
  std::size_t refusing = 0;   // connections on their way to a 429
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;  // every TCP connection
  std::unordered_map<ConnectionId, std::weak_ptr<Connection>> websockets;    // open WebSockets
};

// Keeps one TCP connection counted and listed in the core while it lives;
// moves from the HTTP connection to the WebSocket on upgrade.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(std::shared_ptr<ServerCore> core, bool refusing);
  ConnectionSlot(ConnectionSlot&& other) noexcept;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot();

  void bind(std::weak_ptr<Connection> owner);  // the object that now owns the socket

 private:
  void release();
  std::shared_ptr<ServerCore> core_;
  std::uint64_t key_ = 0;
  bool refusing_ = false;
};

// Takes an accepted socket through TLS and HTTP (http_connection.cpp).
void start_http_connection(const std::shared_ptr<ServerCore>& core, boost::asio::ip::tcp::socket socket,
                           const IpAddress& client, bool rate_limited);

}  // namespace gw::gateway::detail
