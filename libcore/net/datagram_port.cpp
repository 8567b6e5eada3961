#include "net/datagram_port.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cerrno>
#include <cstring>

#include "net/send_backlog.hpp"
#include "net/sockaddr.hpp"
#include "util/log.hpp"

namespace gw::net {
namespace {

constexpr std::size_t kBatch = 32;      // datagrams per recvmmsg call
constexpr std::size_t kMaxDatagram = 65536;

Error sys_error(std::string code, const std::string& what) {
  return make_error(std::move(code), what + ": " + std::strerror(errno));
}

socklen_t to_sockaddr_un(const std::string& path, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  auto* sun = reinterpret_cast<sockaddr_un*>(&out);  // NOLINT
  sun->sun_family = AF_UNIX;
  std::memcpy(sun->sun_path, path.data(), std::min(path.size(), sizeof(sun->sun_path) - 1));
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
}

// RFC 4291 §2.5.5.2: an IPv4 peer seen through a dual-stack IPv6 socket.
IpAddress v4_mapped(const IpAddress& v4) {
  std::array<std::uint8_t, 16> b{};
  b[10] = 0xff;
  b[11] = 0xff;
  std::memcpy(&b[12], v4.bytes.data(), 4);
  return IpAddress::v6(b);
}

IpAddress unmapped(const IpAddress& ip) {
  static constexpr std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (ip.is_v4() || std::memcmp(ip.bytes.data(), kPrefix, 12) != 0) return ip;
  return IpAddress::v4(std::array<std::uint8_t, 4>{ip.bytes[12], ip.bytes[13], ip.bytes[14], ip.bytes[15]});
}

PeerAddress peer_from(const sockaddr_storage& ss, socklen_t len) {
  if (ss.ss_family == AF_UNIX) {
    const auto* sun = reinterpret_cast<const sockaddr_un*>(&ss);  // NOLINT
    auto n = len > offsetof(sockaddr_un, sun_path) ? len - offsetof(sockaddr_un, sun_path) : 0;
    return PeerAddress{std::string(sun->sun_path, strnlen(sun->sun_path, n))};
  }
  auto addr = from_sockaddr(ss);
  addr.ip = unmapped(addr.ip);
  return PeerAddress{addr};
}

socklen_t peer_to(const PeerAddress& peer, sockaddr_storage& out) {
  return peer.is_unix() ? to_sockaddr_un(peer.path(), out) : to_sockaddr(peer.inet(), out);
}

Result<PeerAddress> resolve_peer(const Endpoint& ep) {
  if (ep.is_unix()) return PeerAddress{ep.path};
  auto ip = resolve_host(ep.host);
  if (!ip) return ip.error();
  return PeerAddress{SocketAddress{*ip, ep.port}};
}

}  // namespace

std::string PeerAddress::to_string() const {
  return is_unix() ? "unix:" + path() : "udp:" + inet().to_string();
}

Result<IpAddress> resolve_host(const std::string& host, std::optional<IpAddress::Family> prefer) {
  if (auto ip = IpAddress::parse(host)) return *ip;
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_family = !prefer ? AF_UNSPEC : (*prefer == IpAddress::Family::v4 ? AF_INET : AF_INET6);
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) {
    return make_error("net.resolve", "cannot resolve '" + host + "': " + gai_strerror(rc));
  }
  sockaddr_storage ss{};
  std::memcpy(&ss, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return from_sockaddr(ss).ip;
}

constexpr std::size_t kTxSlot = 2048;  // larger datagrams bypass the queue

// Send queue for batching: copies of the datagrams and their destinations
// (64 KiB: only ports with batching on get one, on their first send).
struct TxQueue {
  std::array<std::array<std::uint8_t, kTxSlot>, kBatch> data;
  std::array<sockaddr_storage, kBatch> to;
  std::array<socklen_t, kBatch> to_len;
  std::array<std::size_t, kBatch> len;
};

// recvmmsg buffers, one set per thread: a gateway has a port or two per call
// (a SIP call's RTP and RTCP), and 128 KiB each was most of its memory per
// call. The datagrams are handed out during on_readable() only.
struct RxBuffers {
  std::array<std::uint8_t, kMaxDatagram> big;  // recvmmsg slot 0 may be large
  std::array<std::array<std::uint8_t, 2048>, kBatch - 1> small;
  bool busy = false;  // a handler that drains another port (nested) gets its own
};

RxBuffers& thread_rx_buffers() {
  thread_local std::unique_ptr<RxBuffers> buffers = std::make_unique_for_overwrite<RxBuffers>();
  return *buffers;
}

struct DatagramPort::Impl {
  explicit Impl(asio::io_context& io_context) : io(io_context) {}
  asio::io_context& io;
  PortPoller* poller = nullptr;  // set by start(): the io_context's readiness set
  PortPoller::Token token = 0;
  std::unique_ptr<TxQueue> tx;
  std::size_t tx_count = 0;
  bool flush_posted = false;
  SendBacklog backlog;
  std::unique_ptr<asio::steady_timer> retry;  // made on the first EAGAIN
  bool retry_armed = false;
  bool warned_drop = false;
  // Posted flushes and retries hold a weak reference: a closed port is skipped.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

Result<std::unique_ptr<DatagramPort>> DatagramPort::open(asio::io_context& io, const Endpoint& local) {
  if (local.transport != Transport::udp && !local.is_unix()) {
    return make_error("net.transport", "a packet port must be udp: or unix:, not " + local.to_string());
  }
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (local.is_unix()) {
    ::unlink(local.path.c_str());  // a stale socket file from an earlier run
    len = to_sockaddr_un(local.path, ss);
  } else {
    auto ip = resolve_host(local.host);
    if (!ip) return ip.error();
    len = to_sockaddr(SocketAddress{*ip, local.port}, ss);
  }
  int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return sys_error("net.socket", "socket");
  if (ss.ss_family == AF_INET6) {
    int off = 0;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {  // NOLINT
    auto err = sys_error("net.bind", "cannot bind " + local.to_string());
    ::close(fd);
    return err;
  }
  Endpoint bound = local;
  if (!local.is_unix()) {
    sockaddr_storage got{};
    socklen_t got_len = sizeof got;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&got), &got_len);  // NOLINT
    bound.port = from_sockaddr(got).port;
  }
  auto port = std::unique_ptr<DatagramPort>(new DatagramPort(io, fd, bound));
  port->local_family_ = ss.ss_family;
  return port;
}

DatagramPort::DatagramPort(asio::io_context& io, int fd, Endpoint local)
    : impl_(std::make_unique<Impl>(io)), fd_(fd), local_(std::move(local)) {}

DatagramPort::~DatagramPort() { close(); }

void DatagramPort::close() {
  if (fd_ < 0) return;
  if (impl_->tx_count > 0) flush();
  counters_.tx_dropped += impl_->backlog.size();
  impl_->backlog.clear();
  if (impl_->retry) impl_->retry->cancel();
  if (impl_->poller != nullptr) impl_->poller->remove(impl_->token);
  impl_->token = 0;
  ::close(fd_);
  fd_ = -1;
  if (local_.is_unix()) ::unlink(local_.path.c_str());
}

void DatagramPort::start(Handler handler) {
  handler_ = std::move(handler);
  if (impl_->token != 0 || fd_ < 0) return;
  impl_->poller = &asio::use_service<PortPoller>(impl_->io);
  impl_->token = impl_->poller->add(
      fd_, [](void* port) { static_cast<DatagramPort*>(port)->on_readable(); }, this,
      [](void* port, ByteView data, const sockaddr_storage& to, socklen_t to_len) {
        static_cast<DatagramPort*>(port)->send_prepared(data, to, to_len);
      });
  if (impl_->token == 0) GW_LOG(error) << "cannot watch " << local_.to_string() << ": it will not receive";
}

// Called by the io_context's PortPoller while the socket is readable.
void DatagramPort::on_readable() {
  RxBuffers* rx = &thread_rx_buffers();
  std::unique_ptr<RxBuffers> nested;
  if (rx->busy) {
    nested = std::make_unique_for_overwrite<RxBuffers>();
    nested->busy = false;
    rx = nested.get();
  }
  rx->busy = true;
  struct Release {
    RxBuffers* rx;
    ~Release() { rx->busy = false; }
  } release{rx};
  // Not value-initialised: 6.6 KB of zeroing per call showed in profiles (a
  // SIP call's port is called for every packet); every field used is set below.
  std::array<mmsghdr, kBatch> msgs;      // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<iovec, kBatch> iovs;        // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<sockaddr_storage, kBatch> from;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  for (std::size_t i = 0; i < kBatch; ++i) {
    iovs[i].iov_base = i == 0 ? rx->big.data() : rx->small[i - 1].data();
    iovs[i].iov_len = i == 0 ? kMaxDatagram : rx->small[i - 1].size();
  }
  // Bounded: at most 8 batches per wake-up so one busy port cannot starve
  // others; the poller is level triggered and calls again for the rest.
  for (int round = 0; round < 8 && fd_ >= 0; ++round) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      msgs[i].msg_hdr = msghdr{};
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      msgs[i].msg_len = 0;
    }
    int n = ::recvmmsg(fd_, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    for (int i = 0; i < n && fd_ >= 0; ++i) {
      const auto& h = msgs[static_cast<std::size_t>(i)].msg_hdr;
      auto len = msgs[static_cast<std::size_t>(i)].msg_len;
      if ((h.msg_flags & MSG_TRUNC) != 0) {
        ++counters_.rx_truncated;
        continue;
      }
      ++counters_.rx_packets;
      counters_.rx_bytes += len;
      if (handler_) {
        handler_(ByteView(static_cast<const std::uint8_t*>(iovs[static_cast<std::size_t>(i)].iov_base), len),
                 peer_from(from[static_cast<std::size_t>(i)], h.msg_namelen));
      }
    }
    if (static_cast<std::size_t>(n) < kBatch) return;
  }
}

Status DatagramPort::set_remote(const Endpoint& remote) {
  auto peer = resolve_peer(remote);
  if (!peer) return peer.error();
  remote_ = *peer;
  return {};
}

void DatagramPort::send(ByteView data) {
  if (!remote_) {
    ++counters_.tx_no_remote;
    return;
  }
  send_to(data, *remote_);
}

void DatagramPort::send_to(ByteView data, const PeerAddress& to) {
  if (fd_ < 0) return;
  if (!batching_ || data.size() > kTxSlot) return send_now(data, to);
  auto& q = *impl_;
  if (!q.tx) q.tx = std::make_unique_for_overwrite<TxQueue>();
  if (q.tx_count == kBatch) flush();
  auto i = q.tx_count++;
  TxQueue& t = *q.tx;
  std::memcpy(t.data[i].data(), data.data(), data.size());
  t.len[i] = data.size();
  t.to_len[i] = destination(to, t.to[i]);
  if (!q.flush_posted) {
    q.flush_posted = true;
    asio::post(q.io, [this, alive = std::weak_ptr<int>(q.alive)] {
      if (alive.lock()) flush();
    });
  }
}

void DatagramPort::flush() {
  auto& q = *impl_;
  q.flush_posted = false;
  if (!q.tx) return;
  TxQueue& t = *q.tx;
  std::size_t done = 0;
  auto hold_rest = [&] {  // in order, behind what already waits
    for (; done < q.tx_count; ++done) hold(ByteView(t.data[done].data(), t.len[done]), t.to[done], t.to_len[done]);
  };
  if (!q.backlog.empty()) hold_rest();
  while (done < q.tx_count && fd_ >= 0) {
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iovs{};
    std::size_t n = q.tx_count - done;
    for (std::size_t k = 0; k < n; ++k) {
      iovs[k] = iovec{t.data[done + k].data(), t.len[done + k]};
      msgs[k].msg_hdr.msg_iov = &iovs[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
      msgs[k].msg_hdr.msg_name = &t.to[done + k];
      msgs[k].msg_hdr.msg_namelen = t.to_len[done + k];
    }
    int sent = ::sendmmsg(fd_, msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
    ++counters_.tx_batches;
    if (sent <= 0) {
      if (is_send_blocked(errno)) {
        hold_rest();
        break;
      }
      // The first datagram failed (e.g. an unreachable peer): count it, skip it, go on.
      ++counters_.tx_errors;
      ++done;
      continue;
    }
    for (int k = 0; k < sent; ++k) counters_.tx_bytes += t.len[done + static_cast<std::size_t>(k)];
    counters_.tx_packets += static_cast<std::uint64_t>(sent);
    done += static_cast<std::size_t>(sent);
  }
  q.tx_count = 0;
}

Status DatagramPort::set_buffer_sizes(int receive_bytes, int send_bytes) {
  if (receive_bytes > 0 && ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_bytes, sizeof receive_bytes) != 0) {
    return sys_error("net.sockopt", "SO_RCVBUF");
  }
  if (send_bytes > 0 && ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &send_bytes, sizeof send_bytes) != 0) {
    return sys_error("net.sockopt", "SO_SNDBUF");
  }
  return {};
}

socklen_t DatagramPort::destination(const PeerAddress& to, sockaddr_storage& out) const {
  if (!to.is_unix() && to.inet().ip.is_v4() && local_family_ == AF_INET6) {
    return to_sockaddr(SocketAddress{v4_mapped(to.inet().ip), to.inet().port}, out);
  }
  return peer_to(to, out);
}

void DatagramPort::send_now(ByteView data, const PeerAddress& to) {
  sockaddr_storage ss{};
  socklen_t len = destination(to, ss);
  // Inside the poller's wake-up: sent with the other ports' datagrams at its end.
  if (impl_->poller != nullptr && impl_->token != 0 && impl_->poller->dispatching()) {
    impl_->poller->defer_send(impl_->token, data, ss, len);
    return;
  }
  send_prepared(data, ss, len);
}

void DatagramPort::send_prepared(ByteView data, const sockaddr_storage& to, socklen_t to_len) {
  if (fd_ < 0) return;
  if (!impl_->backlog.empty()) return hold(data, to, to_len);  // keep the order
  if (!try_send(data, to, to_len)) hold(data, to, to_len);
}

bool DatagramPort::try_send(ByteView data, const sockaddr_storage& to, socklen_t to_len) {
  auto n = ::sendto(fd_, data.data(), data.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to),  // NOLINT
                    to_len);
  int error = n < 0 ? errno : 0;
  if (n < 0 && is_send_blocked(error)) return false;
  count_send(n, error);
  return true;
}

void DatagramPort::hold(ByteView data, const sockaddr_storage& to, socklen_t to_len) {
  if (!impl_->backlog.push(data, to, to_len)) {
    ++counters_.tx_dropped;
    if (!impl_->warned_drop) {
      impl_->warned_drop = true;
      GW_LOG(warn) << local_.to_string() << ": the receiver has not read for a while (" << impl_->backlog.size()
                   << " datagrams wait): dropping until it reads";
    }
    return;
  }
  ++counters_.tx_backlogged;
  arm_retry();
}

// Polling for writability would not help: a unix datagram socket that sends
// with sendto (not connected) polls writable while the receiver is full.
void DatagramPort::arm_retry() {
  auto& q = *impl_;
  if (q.retry_armed) return;
  if (!q.retry) q.retry = std::make_unique<asio::steady_timer>(q.io);
  q.retry_armed = true;
  q.retry->expires_after(std::chrono::milliseconds(1));
  q.retry->async_wait([this, alive = std::weak_ptr<int>(q.alive)](const boost::system::error_code& ec) {
    if (ec || !alive.lock()) return;
    impl_->retry_armed = false;
    drain_backlog();
  });
}

void DatagramPort::drain_backlog() {
  auto& b = impl_->backlog;
  while (!b.empty() && fd_ >= 0) {
    const auto& e = b.front();
    if (!try_send(ByteView(e.data.data(), e.data.size()), e.to, e.to_len)) return arm_retry();
    b.pop();
  }
}

void DatagramPort::count_send(ssize_t result, int error) {
  if (result < 0) {
    ++counters_.tx_errors;
    GW_LOG(debug) << "sendto from " << local_.to_string() << ": " << std::strerror(error);
    return;
  }
  ++counters_.tx_packets;
  counters_.tx_bytes += static_cast<std::uint64_t>(result);
}

Endpoint DatagramPort::local_endpoint() const { return local_; }

}  // namespace gw::net

namespace gw::net {
Result<SocketAddress> local_address_towards(const SocketAddress& remote, bool pick_port) {
  sockaddr_storage ss{};
  socklen_t len = to_sockaddr(remote, ss);
  int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return sys_error("net.socket", "socket");
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {  // NOLINT
    auto err = sys_error("net.route", "no route to " + remote.to_string());
    ::close(fd);
    return err;
  }
  sockaddr_storage got{};
  socklen_t got_len = sizeof got;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&got), &got_len);  // NOLINT
  ::close(fd);
  SocketAddress local = from_sockaddr(got);
  local.port = 0;
  if (!pick_port) return local;
  fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  len = to_sockaddr(local, got);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&got), len) != 0) {  // NOLINT
    auto err = sys_error("net.bind", "cannot bind " + local.to_string());
    if (fd >= 0) ::close(fd);
    return err;
  }
  got_len = sizeof got;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&got), &got_len);  // NOLINT
  ::close(fd);
  return from_sockaddr(got);
}
}  // namespace gw::net
