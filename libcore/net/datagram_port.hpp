// A datagram socket bound to an endpoint URI: udp:HOST:PORT or unix:PATH
// (design brief §5, the packet ports tools chain over). Non-blocking, driven
// by an Asio io_context through its PortPoller; receives in batches with
// recvmmsg.
// Thread: the io_context's thread only (one call's media stays on one loop).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "net/port_poller.hpp"
#include "util/bytes.hpp"
#include "util/endpoint.hpp"
#include "util/result.hpp"
#include "util/socket_address.hpp"

namespace gw::net {

namespace asio = boost::asio;

// Where a datagram came from / goes to: an IP socket address or a unix path.
struct PeerAddress {
  std::variant<SocketAddress, std::string> where;

  [[nodiscard]] bool is_unix() const { return where.index() == 1; }
  [[nodiscard]] const SocketAddress& inet() const { return std::get<0>(where); }
  [[nodiscard]] const std::string& path() const { return std::get<1>(where); }
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const PeerAddress&, const PeerAddress&) = default;
};

struct DatagramCounters {
  std::uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  std::uint64_t tx_errors = 0;      // sendto failed for good (not EAGAIN: see below)
  std::uint64_t tx_backlogged = 0;  // waited in the send backlog (receiver's queue full)
  std::uint64_t tx_dropped = 0;     // the backlog was full, or the port closed with a backlog
  std::uint64_t tx_no_remote = 0;  // send() before a remote was known
  std::uint64_t rx_truncated = 0;  // larger than the receive buffer
  std::uint64_t tx_batches = 0;    // sendmmsg calls (batching on)
};

class DatagramPort {
 public:
  // (data, source). `data` is valid only during the call.
  using Handler = std::function<void(ByteView data, const PeerAddress& from)>;

  // Binds `local`. For unix: an existing socket file is replaced, and the
  // file is removed when the port closes. Host names are resolved (first
  // address). Port 0 picks a free port.
  static Result<std::unique_ptr<DatagramPort>> open(asio::io_context& io, const Endpoint& local);
  ~DatagramPort();  // closes; on the io_context's thread once started
  DatagramPort(const DatagramPort&) = delete;
  DatagramPort& operator=(const DatagramPort&) = delete;

  // Starts the receive loop; `handler` runs on the io_context thread.
  void start(Handler handler);
  void close();

  // Default destination for send(). Resolves names; fails on a bad address.
  Status set_remote(const Endpoint& remote);
  void set_remote(const PeerAddress& remote) { remote_ = remote; }
  [[nodiscard]] const std::optional<PeerAddress>& remote() const { return remote_; }

  // Sends to the default remote; counted as tx_no_remote when there is none.
  // Called from a receive handler of a started port, the datagram leaves when
  // the poller's wake-up ends (see PortPoller::defer_send), else at once.
  // A receiver whose queue is full (EAGAIN, ENOBUFS) does not lose it: it
  // waits in a bounded SendBacklog, retried every millisecond, in order.
  void send(ByteView data);
  void send_to(ByteView data, const PeerAddress& to);

  // Batching: sends are queued (copied) and flushed with one sendmmsg once the
  // current handler returns (an asio::post), so a recvmmsg batch of N packets
  // costs one sendmmsg instead of N sendto calls. Off by default.
  void set_send_batching(bool on) { batching_ = on; }
  void flush();
  // SO_RCVBUF/SO_SNDBUF (0 leaves the kernel default; capped by net.core.*mem_max).
  Status set_buffer_sizes(int receive_bytes, int send_bytes);

  [[nodiscard]] Endpoint local_endpoint() const;  // with the real port after bind
  [[nodiscard]] const DatagramCounters& counters() const { return counters_; }
  [[nodiscard]] int native_handle() const { return fd_; }

 private:
  DatagramPort(asio::io_context& io, int fd, Endpoint local);
  void on_readable();  // drains up to 8 recvmmsg batches

  void send_now(ByteView data, const PeerAddress& to);  // deferred to the poller inside its wake-up
  // `to` as this socket's family needs it (v4-mapped on an IPv6 socket).
  socklen_t destination(const PeerAddress& to, sockaddr_storage& out) const;
  void send_prepared(ByteView data, const sockaddr_storage& to, socklen_t to_len);
  // One sendto, counted; false (nothing counted) when the receiver is full.
  bool try_send(ByteView data, const sockaddr_storage& to, socklen_t to_len);
  void hold(ByteView data, const sockaddr_storage& to, socklen_t to_len);  // into the backlog
  void arm_retry();
  void drain_backlog();
  void count_send(ssize_t result, int error);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool batching_ = false;
  int fd_ = -1;
  int local_family_ = 0;  // AF_INET, AF_INET6 or AF_UNIX
  Endpoint local_;
  Handler handler_;
  std::optional<PeerAddress> remote_;
  DatagramCounters counters_;
};

// Resolves "host" to an address (numeric first, then getaddrinfo). Blocking:
// call at start-up, not on the media path.
Result<IpAddress> resolve_host(const std::string& host, std::optional<IpAddress::Family> prefer = {});

}  // namespace gw::net

namespace gw::net {
// The source address the kernel would use towards `remote` (route lookup via
// a connected UDP socket; nothing is sent). Port: a free UDP port on that IP
// when `pick_port` is set (bound and released, so it may be taken later).
Result<SocketAddress> local_address_towards(const SocketAddress& remote, bool pick_port);
}  // namespace gw::net
