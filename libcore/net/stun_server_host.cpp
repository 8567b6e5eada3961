#include "net/stun_server_host.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <list>

#include "net/asio_address.hpp"
#include "net/datagram_port.hpp"
#include "util/log.hpp"

namespace gw::net {
namespace {
namespace asio = boost::asio;
using boost::system::error_code;

}  // namespace

struct StunServerHost::Impl {
  Impl(asio::io_context& io_context, StunServerHostConfig c)
      : io(io_context), config(std::move(c)), server(config.server), acceptor(io_context) {}

  struct Connection {
    explicit Connection(asio::ip::tcp::socket s, asio::io_context& ctx) : socket(std::move(s)), idle(ctx) {}
    asio::ip::tcp::socket socket;
    asio::steady_timer idle;
    SocketAddress peer;
    Bytes pending;
    std::array<std::uint8_t, 4096> chunk{};
    std::deque<Bytes> out;
    bool closing = false;
  };

  asio::io_context& io;
  StunServerHostConfig config;
  stun::Server server;
  std::array<std::unique_ptr<DatagramPort>, 4> udp;
  asio::ip::tcp::acceptor acceptor;
  std::list<Connection> connections;
  StunTcpCounters tcp;

  Status open_udp() {
    for (auto which : server.sockets()) {
      auto addr = server.address_of(which);
      Endpoint ep{Transport::udp, addr.ip.to_string(), addr.port, {}};
      auto port = DatagramPort::open(io, ep);
      if (!port) return port.error();
      auto& slot = udp[static_cast<std::size_t>(which)];
      slot = std::move(port).value();
      // One sendmmsg answers a whole recvmmsg batch; big buffers ride out bursts.
      slot->set_send_batching(true);
      (void)slot->set_buffer_sizes(4 << 20, 4 << 20);
      slot->start([this, which](ByteView data, const PeerAddress& from) {
        if (from.is_unix()) return;
        auto reply = server.handle(data, from.inet(), which, Clock::now());
        if (!reply) return;
        auto& out = udp[static_cast<std::size_t>(reply->from)];
        if (out) out->send_to(reply->bytes, PeerAddress{reply->to});
      });
    }
    return {};
  }

  Status open_tcp() {
    auto primary = server.address_of(stun::LocalSocket::primary);
    asio::ip::tcp::endpoint ep(to_asio(primary.ip), primary.port);
    error_code ec;
    acceptor.open(ep.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(ep, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return make_error("net.bind", "cannot listen on tcp:" + primary.to_string() + ": " + ec.message());
    accept();
    return {};
  }

  void accept() {
    acceptor.async_accept([this](error_code ec, asio::ip::tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        if (connections.size() >= config.max_tcp_connections) {
          ++tcp.refused;
          error_code ignored;
          socket.close(ignored);
        } else {
          ++tcp.accepted;
          auto& c = connections.emplace_back(std::move(socket), io);
          error_code pe;
          c.peer = from_asio_endpoint(c.socket.remote_endpoint(pe));
          read(std::prev(connections.end()));
        }
      }
      accept();
    });
  }

  using ConnIt = std::list<Connection>::iterator;

  void touch(ConnIt it) {
    it->idle.expires_after(config.tcp_idle_timeout);
    it->idle.async_wait([this, it](error_code ec) {
      if (ec) return;
      ++tcp.idle_closed;
      drop(it);
    });
  }

  void drop(ConnIt it) {
    if (it->closing) return;
    it->closing = true;
    error_code ec;
    it->socket.close(ec);
    it->idle.cancel();
    // Erase once the pending handlers have run (they see `closing`).
    asio::post(io, [this, it] { connections.erase(it); });
  }

  void read(ConnIt it) {
    touch(it);
    it->socket.async_read_some(asio::buffer(it->chunk), [this, it](error_code ec, std::size_t n) {
      if (it->closing) return;
      if (ec) return drop(it);
      it->pending.insert(it->pending.end(), it->chunk.begin(), it->chunk.begin() + static_cast<std::ptrdiff_t>(n));
      if (!serve_pending(it)) {
        ++tcp.bad_stream;
        return drop(it);
      }
      read(it);
    });
  }

  bool serve_pending(ConnIt it) {
    while (it->pending.size() >= 4) {
      auto size = stun::stream_message_size(it->pending);
      if (!size || *size > 4096) return false;
      if (it->pending.size() < *size) return true;
      // Over TCP the answer can only go back on this connection.
      auto reply = server.handle(ByteView(it->pending.data(), *size), it->peer, stun::LocalSocket::primary,
                                 Clock::now());
      it->pending.erase(it->pending.begin(), it->pending.begin() + static_cast<std::ptrdiff_t>(*size));
      if (reply) write(it, std::move(reply->bytes));
    }
    return true;
  }

  void write(ConnIt it, Bytes bytes) {
    bool idle = it->out.empty();
    it->out.push_back(std::move(bytes));
    if (idle) write_next(it);
  }

  void write_next(ConnIt it) {
    asio::async_write(it->socket, asio::buffer(it->out.front()), [this, it](error_code ec, std::size_t) {
      if (it->closing) return;
      if (ec) return drop(it);
      it->out.pop_front();
      if (!it->out.empty()) write_next(it);
    });
  }
};

Result<std::unique_ptr<StunServerHost>> StunServerHost::open(asio::io_context& io, StunServerHostConfig config) {
  auto impl = std::make_unique<Impl>(io, std::move(config));
  if (auto s = impl->open_udp(); !s) return s.error();
  if (impl->config.tcp) {
    if (auto s = impl->open_tcp(); !s) return s.error();
  }
  return std::unique_ptr<StunServerHost>(new StunServerHost(std::move(impl)));
}

StunServerHost::StunServerHost(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StunServerHost::~StunServerHost() { close(); }

void StunServerHost::close() {
  if (!impl_) return;
  for (auto& p : impl_->udp) {
    if (p) p->close();
  }
  error_code ec;
  impl_->acceptor.close(ec);
  for (auto it = impl_->connections.begin(); it != impl_->connections.end(); ++it) {
    it->closing = true;
    it->socket.close(ec);
    it->idle.cancel();
  }
}

const stun::Server& StunServerHost::server() const { return impl_->server; }
const StunTcpCounters& StunServerHost::tcp_counters() const { return impl_->tcp; }
SocketAddress StunServerHost::primary() const { return impl_->server.address_of(stun::LocalSocket::primary); }

boost::json::object StunServerHost::stats_json() const {
  auto o = impl_->server.counters().to_json();
  boost::json::object t;
  t["accepted"] = impl_->tcp.accepted;
  t["refused"] = impl_->tcp.refused;
  t["idle_closed"] = impl_->tcp.idle_closed;
  t["bad_stream"] = impl_->tcp.bad_stream;
  t["open"] = impl_->connections.size();
  o["tcp"] = std::move(t);
  return o;
}

}  // namespace gw::net
