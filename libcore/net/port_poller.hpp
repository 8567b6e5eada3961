// One level-triggered epoll set per io_context for its DatagramPorts. The
// io_context's reactor watches only this set's descriptor, so a wake-up that
// finds N ports readable costs one re-arm instead of N: Asio re-arms every
// descriptor wait with an epoll_ctl, and a gateway has a socket per SIP call
// (68 k epoll_ctl calls in 5 s at 250 bridged calls before this).
// Thread: the io_context's thread only (add/remove/dispatch); the service is
// created by the first DatagramPort::start() on that io_context.
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <vector>

#include "util/bytes.hpp"

namespace gw::net {

class PortPoller : public boost::asio::execution_context::service {
 public:
  using Token = std::uint64_t;  // slot index and generation; 0 = none
  using ReadyFn = void (*)(void* context);
  // Sends one deferred datagram (the port sends it, so its own backlog and
  // counters apply). `data` is valid only during the call.
  using SendFn = void (*)(void* context, ByteView data, const sockaddr_storage& to, socklen_t to_len);

  static boost::asio::execution_context::id id;  // NOLINT: Asio's service key

  explicit PortPoller(boost::asio::io_context& io);
  ~PortPoller() override;
  PortPoller(const PortPoller&) = delete;
  PortPoller& operator=(const PortPoller&) = delete;

  // `on_ready(context)` runs on the io_context thread while `fd` is readable
  // (level triggered: a callee that leaves data queued is called again on the
  // next wake-up, after other ready work). `context` must outlive its
  // registration. Returns 0 when epoll refuses the fd.
  Token add(int fd, ReadyFn on_ready, void* context, SendFn send = nullptr);
  // Stops the calls for `token`, even for events already fetched in this wake-up.
  void remove(Token token);

  // Send clustering: while the ports' handlers run, a registered port's
  // single datagrams are queued here and sent back to back once the handlers
  // have run, so a receiver on this host (a media server beside the gateway,
  // a test peer on loopback) is woken once per wake-up, not once per packet.
  [[nodiscard]] bool dispatching() const { return dispatching_; }
  // Queues a copy for `owner`, handed to its SendFn at the flush. A port
  // removed before the flush loses its queued datagrams (it is closing).
  void defer_send(Token owner, ByteView data, const sockaddr_storage& to, socklen_t to_len);

  [[nodiscard]] std::size_t size() const { return live_; }
  [[nodiscard]] std::uint64_t wakeups() const { return wakeups_; }

 private:
  struct Slot {
    int fd = -1;
    std::uint32_t generation = 1;
    ReadyFn on_ready = nullptr;
    SendFn send = nullptr;
    void* context = nullptr;
  };
  struct PendingSend {
    Token owner = 0;
    std::size_t offset = 0, size = 0;
    socklen_t to_len = 0;
    sockaddr_storage to{};
  };

  void shutdown() override;
  void arm();
  void dispatch();
  [[nodiscard]] const Slot* slot_of(Token token) const;
  void flush_sends();

  boost::asio::posix::stream_descriptor watch_;  // the epoll fd, in the io_context's reactor
  int epoll_fd_ = -1;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t live_ = 0;
  bool armed_ = false;
  bool dispatching_ = false;
  std::vector<PendingSend> pending_;
  std::vector<std::uint8_t> pending_bytes_;
  std::uint64_t wakeups_ = 0;
};

}  // namespace gw::net
