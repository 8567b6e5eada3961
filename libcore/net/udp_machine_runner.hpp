// Drives a sans-IO STUN state machine (stun::NatDiscovery, the lifetime
// search, ...) over N local UDP sockets: sends its SendActions, feeds it the
// datagrams and timer expiries, and stops when it is done.
// The machine needs: start(now), on_packet(k, from, bytes, now), on_timer(now)
// (each returning std::vector<stun::SendAction>), next_deadline(), done().
// Thread: the io_context's thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "net/message_channel.hpp"
#include "stun/probe_set.hpp"

namespace gw::net {

template <class Machine>
class UdpMachineRunner {
 public:
  // `locals[k]` is the bind address of socket k (port 0 = any).
  UdpMachineRunner(boost::asio::io_context& io, Machine& machine, std::vector<SocketAddress> locals,
                   SocketAddress server)
      : io_(io), machine_(machine), timer_(io) {
    for (auto& local : locals) {
      ChannelOptions o;
      o.transport = Transport::udp;
      o.remote = server;
      o.local = local;
      sockets_.push_back(MessageChannel::create(io, o));
    }
  }

  // Runs until done; `on_error` gets socket errors (the run then stops).
  Status start(std::function<void()> on_done) {
    on_done_ = std::move(on_done);
    Status status;
    for (std::size_t k = 0; k < sockets_.size(); ++k) {
      sockets_[k]->start([] {},
                         [this, k](ByteView data, const SocketAddress& from) {
                           send(machine_.on_packet(k, from, data, Clock::now()));
                           rearm();
                         },
                         [&status, this](const Error& e) {
                           status = e;
                           failed_ = true;
                         });
      if (failed_) return status;
    }
    send(machine_.start(Clock::now()));
    rearm();
    return status;
  }

  // Runs after every step (start, packet, timer): e.g. to print progress.
  void on_step(std::function<void()> fn) { on_step_ = std::move(fn); }
  [[nodiscard]] SocketAddress local(std::size_t k) const { return sockets_[k]->local_address(); }
  void stop() {
    timer_.cancel();
    for (auto& s : sockets_) s->close();
  }

 private:
  void send(const std::vector<stun::SendAction>& actions) {
    for (const auto& a : actions) {
      if (a.socket < sockets_.size()) sockets_[a.socket]->send(a.bytes, a.to);
    }
  }

  void rearm() {
    if (on_step_) on_step_();
    if (machine_.done()) {
      stop();
      if (on_done_) on_done_();
      on_done_ = nullptr;
      return;
    }
    auto deadline = machine_.next_deadline();
    if (!deadline) return;
    timer_.expires_at(*deadline);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      send(machine_.on_timer(Clock::now()));
      rearm();
    });
  }

  boost::asio::io_context& io_;
  Machine& machine_;
  boost::asio::steady_timer timer_;
  std::vector<std::unique_ptr<MessageChannel>> sockets_;
  std::function<void()> on_done_;
  std::function<void()> on_step_;
  bool failed_ = false;
};

}  // namespace gw::net
