#include "media/bridge_control.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/buffers_iterator.hpp>

#include "util/log.hpp"

namespace gw::media {

namespace asio = boost::asio;

Result<PeerAddress> peer_from_endpoint(const Endpoint& ep) {
  if (ep.is_unix()) return PeerAddress{ep.path};
  if (ep.transport != Transport::udp) return make_error("bridge.transport", "packet ports are udp: or unix: only");
  if (ep.port == 0) return make_error("bridge.port", "a remote address needs a port");
  auto ip = net::resolve_host(ep.host);
  if (!ip) return ip.error();
  return PeerAddress{SocketAddress{*ip, ep.port}};
}

Result<PeerAddress> parse_peer(std::string_view uri) {
  auto ep = parse_endpoint(uri);
  if (!ep) return ep.error();
  return peer_from_endpoint(*ep);
}

namespace {

std::string string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->as_string()) : std::string();
}

Result<Port> parse_port(std::string_view name) {
  if (name == "secure") return Port::secure;
  if (name == "plain" || name == "plain_rtp") return Port::plain_rtp;
  if (name == "plain_rtcp") return Port::plain_rtcp;
  return make_error("command.port", "port must be secure, plain or plain_rtcp");
}

}  // namespace

json::object event_json(const BridgeEvent& e) {
  if (const auto* d = std::get_if<event::HandshakeDone>(&e)) {
    auto ev = make_event("handshake_done");
    ev["profile"] = srtp::info(d->profile).sdes_name;
    ev["peer_fingerprint"] = d->peer_fingerprint.to_string();
    ev["cipher"] = d->cipher;
    return ev;
  }
  if (const auto* f = std::get_if<event::Failed>(&e)) {
    auto ev = make_event("failure");
    ev["reason"] = dtls::failure_name(f->reason);
    ev["detail"] = f->detail;
    return ev;
  }
  if (const auto* g = std::get_if<event::PeerGone>(&e)) {
    auto ev = make_event("peer_gone");
    ev["reason"] = g->reason;
    return ev;
  }
  const auto& r = std::get<event::RemoteLearnt>(e);
  auto ev = make_event("remote");
  ev["port"] = port_name(r.port);
  ev["address"] = r.address.to_string();
  return ev;
}

bool is_terminal(const BridgeEvent& e) {
  return std::holds_alternative<event::Failed>(e) || std::holds_alternative<event::PeerGone>(e);
}

Result<CommandAction> apply_command(Bridge& bridge, const json::value& command, TimePoint now) {
  if (!command.is_object()) return make_error("command.syntax", "a command is a JSON object");
  const auto& o = command.as_object();
  std::string cmd = string_field(o, "cmd");
  if (cmd == "stats") return CommandAction::stats;
  if (cmd == "quit") return CommandAction::quit;
  if (cmd == "remote") {
    auto port = parse_port(string_field(o, "port"));
    if (!port) return port.error();
    auto peer = parse_peer(string_field(o, "address"));
    if (!peer) return peer.error();
    bridge.set_remote(*port, *peer, now);
    return CommandAction::none;
  }
  if (cmd == "fingerprint") {
    auto fp = dtls::Fingerprint::parse(string_field(o, "value"));
    if (!fp) return fp.error();
    if (auto st = bridge.set_remote_fingerprint(*fp); !st) return st.error();
    return CommandAction::none;
  }
  if (cmd == "setup") {
    auto role = dtls::parse_role(string_field(o, "value"));
    if (!role) return role.error();
    if (auto st = bridge.set_remote_setup(*role, now); !st) return st.error();
    return CommandAction::none;
  }
  return make_error("command.unknown", "unknown command '" + cmd + "'");
}

struct JsonLineReader::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, Handler h, ErrorHandler e) : sd(io), on_command(std::move(h)), on_error(std::move(e)) {}
  asio::posix::stream_descriptor sd;
  asio::streambuf buf;
  Handler on_command;
  ErrorHandler on_error;
  bool stopped = false;

  void line(const std::string& text) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) return;
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) {
      on_error("not a JSON object: " + text);
      return;
    }
    on_command(v);
  }

  void read() {
    asio::async_read_until(sd, buf, '\n', [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (self->stopped) return;
      // Only whole lines; a trailing partial line stays in the buffer.
      std::string data(asio::buffers_begin(self->buf.data()), asio::buffers_end(self->buf.data()));
      auto last = data.rfind('\n');
      if (last != std::string::npos) {
        self->buf.consume(last + 1);
        std::size_t start = 0;
        while (start <= last) {
          auto nl = data.find('\n', start);
          self->line(data.substr(start, nl - start));
          start = nl + 1;
        }
      }
      if (ec) return;  // EOF or closed: commands simply stop
      self->read();
    });
  }
};

JsonLineReader::JsonLineReader(asio::io_context& io, int fd, Handler on_command, ErrorHandler on_error)
    : impl_(std::make_shared<Impl>(io, std::move(on_command), std::move(on_error))) {
  int copy = ::dup(fd);
  if (copy < 0) return;
  boost::system::error_code ec;
  impl_->sd.assign(copy, ec);
  if (!ec) {
    impl_->read();
    return;
  }
  // Not pollable (regular file, /dev/null): read it all now, apply on the loop.
  std::string all;
  char chunk[4096];
  ssize_t n = 0;
  while ((n = ::read(copy, chunk, sizeof chunk)) > 0) all.append(chunk, static_cast<std::size_t>(n));
  ::close(copy);
  asio::post(io, [impl = impl_, all] {
    std::size_t start = 0;
    while (start < all.size()) {
      auto nl = all.find('\n', start);
      impl->line(all.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  });
}

JsonLineReader::~JsonLineReader() {
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->sd.cancel(ec);
  impl_->sd.close(ec);
}

}  // namespace gw::media
