#include "gateway/https_server.hpp"

#include <algorithm>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/socket_base.hpp>
#include <vector>

#include "gateway/https_core.hpp"
#include "gateway/tls_identity.hpp"
#include "net/asio_address.hpp"
#include "util/log.hpp"

namespace gw::gateway {
namespace detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

ServerCore::ServerCore(asio::io_context& io_, HttpsServerConfig config_, ApiHandler& handler_)
    : io(io_),
      config(std::move(config_)),
      handler(&handler_),
      acceptor(io_),
      retry_timer(io_),
      grace_timer(io_),
      rate(stun::RateLimitConfig{config.connections_per_ip_per_s, config.connection_burst, 65536}) {}

ConnectionSlot::ConnectionSlot(std::shared_ptr<ServerCore> core, bool refusing)
    : core_(std::move(core)), key_(core_->next_id++), refusing_(refusing) {
  ++core_->counters.connections_open;
  if (refusing_) ++core_->refusing;
}

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : core_(std::move(other.core_)), key_(other.key_), refusing_(other.refusing_) {}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    core_ = std::move(other.core_);
    key_ = other.key_;
    refusing_ = other.refusing_;
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() {
  release();
}

void ConnectionSlot::bind(std::weak_ptr<Connection> owner) {
  if (core_) core_->connections[key_] = std::move(owner);
}

void ConnectionSlot::release() {
  if (!core_) return;
  --core_->counters.connections_open;
  if (refusing_) --core_->refusing;
  core_->connections.erase(key_);
  // The last connection gone during shutdown: nothing left to wait for.
  if (core_->shutting_down && core_->connections.empty()) core_->grace_timer.cancel();
  core_.reset();
}

namespace {

bool over_limit(ServerCore& core) {
  return core.counters.connections_open >= core.config.max_connections;
}

void do_accept(const std::shared_ptr<ServerCore>& core);

void on_accepted(const std::shared_ptr<ServerCore>& core, boost::system::error_code ec, tcp::socket socket) {
  if (!core->accepting || ec == asio::error::operation_aborted) return;
  if (ec) {
    // EMFILE/ENFILE/ENOBUFS: pause a little instead of spinning on the error.
    ++core->counters.accept_errors;
    GW_LOG(warn) << "https: accept failed: " << ec.message();
    core->retry_timer.expires_after(milliseconds(100));
    core->retry_timer.async_wait([core](boost::system::error_code tec) {
      if (!tec) do_accept(core);
    });
    return;
  }
  do_accept(core);
  if (over_limit(*core)) {
    ++core->counters.connections_refused_limit;
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  boost::system::error_code pec;
  auto peer = socket.remote_endpoint(pec);
  if (pec) return;  // already gone
  const IpAddress client = net::from_asio(peer.address());
  bool limited = !core->rate.allow(client, Clock::now());
  if (limited) {
    ++core->counters.connections_refused_rate;
    // A flood: answering each with TLS + 429 costs more than closing.
    if (core->refusing >= core->config.max_refusing_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);
      return;
    }
  }
  ++core->counters.connections_accepted;
  socket.set_option(tcp::no_delay(true), pec);
  start_http_connection(core, std::move(socket), client, limited);
}

void do_accept(const std::shared_ptr<ServerCore>& core) {
  if (!core->accepting) return;
  core->acceptor.async_accept([core](boost::system::error_code ec, tcp::socket socket) {
    try {
      on_accepted(core, ec, std::move(socket));
    } catch (const std::exception& e) {
      GW_LOG(error) << "https: accept handler: " << e.what();
    }
  });
}

Status open_acceptor(ServerCore& core) {
  boost::system::error_code ec;
  const tcp::endpoint ep(net::to_asio(core.config.listen.ip), core.config.listen.port);
  core.acceptor.open(ep.protocol(), ec);
  if (!ec) core.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && ep.address().is_v6() && ep.address().is_unspecified()) {
    core.acceptor.set_option(asio::ip::v6_only(false), ec);
  }
  if (!ec) core.acceptor.bind(ep, ec);
  if (!ec) core.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error("gateway.listen",
                      "cannot listen on " + core.config.listen.to_string() + ": " + ec.message());
  }
  auto local = core.acceptor.local_endpoint(ec);
  core.bound = ec ? core.config.listen : net::from_asio_endpoint(local);
  return {};
}

Result<TlsIdentity> load_identity(const HttpsServerConfig& c) {
  if (c.cert_file.has_value() != c.key_file.has_value()) {
    return make_error("gateway.tls-config", "give both a certificate and a key file, or neither");
  }
  if (c.cert_file) return load_tls_identity(*c.cert_file, *c.key_file);
  if (!c.state_dir.empty()) return load_or_create_self_signed(c.state_dir, c.cert_names);
  auto names = self_signed_names(c.cert_names);
  if (!names) return names.error();
  return generate_self_signed(*names);
}

// Copies first: begin_shutdown/abort may remove entries from the map.
std::vector<std::shared_ptr<Connection>> live_connections(const ServerCore& core) {
  std::vector<std::shared_ptr<Connection>> out;
  out.reserve(core.connections.size());
  for (const auto& [key, weak] : core.connections) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

std::shared_ptr<Connection> websocket(const ServerCore& core, ConnectionId id) {
  auto it = core.websockets.find(id);
  return it == core.websockets.end() ? nullptr : it->second.lock();
}

}  // namespace
}  // namespace detail

using detail::ServerCore;

Result<std::unique_ptr<HttpsServer>> HttpsServer::create(boost::asio::io_context& io,
                                                         HttpsServerConfig config, ApiHandler& handler) {
  if (config.limits.max_frame_bytes == 0) {
    return make_error("gateway.config", "max_frame_bytes must be positive");
  }
  auto identity = detail::load_identity(config);
  if (!identity) return identity.error();
  auto tls = make_server_tls_context(*identity);
  if (!tls) return tls.error();
  auto core = std::make_shared<ServerCore>(io, std::move(config), handler);
  core->tls = std::move(*tls);
  core->fingerprint = identity->fingerprint;
  if (auto s = detail::open_acceptor(*core); !s) return s.error();
  GW_LOG(info) << "https: listening on " << core->bound.to_string() << ", certificate " << core->fingerprint;
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(core)));
}

HttpsServer::HttpsServer(std::shared_ptr<ServerCore> core) : core_(std::move(core)) {}

HttpsServer::~HttpsServer() {
  core_->handler = nullptr;
  stop_accepting();
  core_->grace_timer.cancel();
  for (auto& c : detail::live_connections(*core_)) c->abort();
}

void HttpsServer::start() {
  if (core_->accepting || !core_->acceptor.is_open()) return;
  core_->accepting = true;
  detail::do_accept(core_);
}

bool HttpsServer::send(ConnectionId id, std::string text) {
  auto ws = detail::websocket(*core_, id);
  return ws && ws->send_text(std::move(text));
}

void HttpsServer::close(ConnectionId id, std::uint16_t code, std::string reason) {
  if (auto ws = detail::websocket(*core_, id)) ws->close_ws(code, std::move(reason));
}

void HttpsServer::stop_accepting() {
  core_->accepting = false;
  core_->retry_timer.cancel();
  boost::system::error_code ignored;
  core_->acceptor.close(ignored);
}

void HttpsServer::shutdown(Duration grace) {
  stop_accepting();
  core_->shutting_down = true;
  for (auto& c : detail::live_connections(*core_)) c->begin_shutdown();
  if (core_->connections.empty()) return;
  core_->grace_timer.expires_after(grace);
  core_->grace_timer.async_wait([core = core_](boost::system::error_code ec) {
    if (ec) return;  // cancelled: every connection closed in time
    auto left = detail::live_connections(*core);
    if (!left.empty())
      GW_LOG(info) << "https: cutting " << left.size() << " connections after the grace time";
    for (auto& c : left) c->abort();
  });
}

Status HttpsServer::reload_certificates() {
  auto identity = detail::load_identity(core_->config);
  if (!identity) return identity.error();
  auto tls = make_server_tls_context(*identity);
  if (!tls) return tls.error();
  core_->tls = std::move(*tls);  // connections keep the context they started with
  if (identity->fingerprint != core_->fingerprint) {
    GW_LOG(info) << "https: certificate reloaded: " << identity->fingerprint;
  }
  core_->fingerprint = identity->fingerprint;
  return {};
}

SocketAddress HttpsServer::local_address() const {
  return core_->bound;
}
const HttpsServerCounters& HttpsServer::counters() const {
  return core_->counters;
}
std::string HttpsServer::certificate_fingerprint() const {
  return core_->fingerprint;
}

}  // namespace gw::gateway
