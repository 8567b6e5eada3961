// The gateway's public HTTPS + WSS server (docs/API.md): one TLS port that
// serves the WebSocket API (GET /api/v1/ws), the one-call HTTP endpoint
// (/api/v1/calls...), /healthz and the static web client. Per-IP connection
// rate limit (HTTP 429 before the upgrade), connection cap, slowloris and
// idle timeouts, WebSocket pings, bounded per-socket send queues.
//
// Thread: everything, HttpsServer's methods and every ApiHandler call, runs on
// the thread running the given io_context (the gateway's signaling loop).
// Beast and OpenSSL types stay out of this header.
//
// Usage:
//   auto server = HttpsServer::create(io, config, handler);   // binds, loads or makes the cert
//   if (!server) fail(server.error());
//   (*server)->start();
//   ... handler.on_ws_message(id, text) -> (*server)->send(id, response);
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/api_http.hpp"
#include "gateway/api_message.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"
#include "util/socket_address.hpp"

namespace gw::gateway {

using ConnectionId = std::uint64_t;  // unique per WebSocket, never reused

// POST /api/v1/calls or DELETE /api/v1/calls/{id}.
struct HttpApiRequest {
  HttpRoute route;   // from route_http(): create_call or delete_call
  std::string body;  // the request body (at most limits.max_frame_bytes)
  IpAddress client;  // peer IP
};

struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Location", "/api/v1/calls/c-1"}
};

// Implemented by the gateway app; every call on the server's io_context thread.
// Exceptions thrown from these are caught, logged and end the request or socket.
class ApiHandler {
 public:
  virtual ~ApiHandler() = default;
  virtual void on_ws_open(ConnectionId id, const IpAddress& client) = 0;
  virtual void on_ws_message(ConnectionId id, std::string_view text) = 0;  // one text frame
  virtual void on_ws_close(ConnectionId id) = 0;                           // once, whatever the cause
  // `reply` may be called later (e.g. when the far end answers), at most
  // once, on the server thread; if the connection is gone by then (or
  // api_reply_timeout passed: 504) the reply is dropped silently.
  virtual void on_http_api(HttpApiRequest request, std::function<void(HttpReply)> reply) = 0;
};

struct HttpsServerConfig {
  SocketAddress listen;                            // e.g. 0.0.0.0:8443 ([::]:8443 also takes IPv4)
  std::optional<std::string> cert_file, key_file;  // PEM; both or neither
  // Where the self-signed tls-cert.pem / tls-key.pem are made and reused;
  // empty (and no cert_file): an in-memory certificate for this run only.
  std::string state_dir;
  std::vector<std::string> cert_names;  // extra SANs (IPs or DNS names) for the self-signed cert
  std::string web_root;                 // static files; empty = none
  Limits limits;                        // max_frame_bytes: WebSocket frame and HTTP body
  double connections_per_ip_per_s = 20, connection_burst = 40;  // docs/API.md §7; 0 = no limit
  std::size_t max_connections = 10000;       // open TCP connections; over it: accepted and closed at once
  Duration header_timeout = seconds(10);     // TLS handshake, then request line + headers (+ body)
  Duration http_idle_timeout = seconds(30);  // keep-alive idle; also the response write limit
  Duration ws_idle_timeout = seconds(60);    // no frame and no pong for this long -> closed
  Duration ws_ping_interval = seconds(20);
  Duration api_reply_timeout = seconds(120);     // on_http_api without reply -> 504
  std::size_t max_ws_queue_bytes = 1024 * 1024;  // per socket; over it the socket is closed
  std::size_t max_refusing_connections = 64;     // 429 answers in flight; more are just closed
};

struct HttpsServerCounters {
  std::uint64_t connections_accepted = 0;       // TCP connections taken into service
  std::uint64_t connections_refused_rate = 0;   // over the per-IP rate (429, or closed if too many)
  std::uint64_t connections_refused_limit = 0;  // over max_connections (closed at once)
  std::uint64_t accept_errors = 0;              // accept() failed (e.g. EMFILE)
  std::uint64_t tls_handshake_failures = 0;     // includes plain HTTP on the TLS port
  std::uint64_t http_requests = 0;
  std::uint64_t http_4xx = 0;
  std::uint64_t http_5xx = 0;
  std::uint64_t http_timeouts = 0;  // handshake, header, body or idle-read deadline passed
  std::uint64_t ws_opened = 0;
  std::uint64_t ws_closed = 0;
  std::uint64_t ws_frames_in = 0;
  std::uint64_t ws_frames_out = 0;
  std::uint64_t ws_oversized = 0;       // closed 1009
  std::uint64_t ws_binary_refused = 0;  // closed 1003
  std::uint64_t ws_slow_consumers = 0;  // send queue over max_ws_queue_bytes: closed
  std::uint64_t ws_idle_closed = 0;     // no frame or pong for ws_idle_timeout
  std::uint64_t connections_open = 0;   // gauge: TCP connections now
  std::uint64_t ws_open = 0;            // gauge: WebSockets now
};

namespace detail {
struct ServerCore;
}

class HttpsServer {
 public:
  // Loads or makes the certificate and binds the listening socket (not yet accepting).
  static Result<std::unique_ptr<HttpsServer>> create(boost::asio::io_context& io, HttpsServerConfig config,
                                                     ApiHandler& handler);
  // Aborts every connection without calling the handler again.
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  void start();  // begin accepting
  // Queues one text frame; false if the socket is gone or closing, or its
  // queue is over max_ws_queue_bytes (the socket is then closed: slow consumer).
  bool send(ConnectionId id, std::string text);
  // WebSocket close (1000, 1001, 1008, 1009...) after the queued frames.
  void close(ConnectionId id, std::uint16_t code, std::string reason);
  void stop_accepting();  // graceful shutdown step 1
  // Closes every WebSocket with 1001 "server shutdown" and idle HTTP
  // connections now, the rest after their reply; after `grace` every socket
  // still open is cut. The io_context then runs out of work from this server.
  void shutdown(Duration grace);
  // SIGHUP: re-reads cert/key (or the state-dir pair) into a new TLS context
  // for new connections; on error the old one stays in use.
  Status reload_certificates();

  [[nodiscard]] SocketAddress local_address() const;  // the real port after bind
  [[nodiscard]] const HttpsServerCounters& counters() const;
  [[nodiscard]] std::string certificate_fingerprint() const;  // "sha-256 AB:..." of the served cert

 private:
  explicit HttpsServer(std::shared_ptr<detail::ServerCore> core);
  std::shared_ptr<detail::ServerCore> core_;
};

}  // namespace gw::gateway
