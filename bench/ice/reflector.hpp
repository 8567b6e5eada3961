// bench/ice: the "browsers" of the gateway-port case (not measured).
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "net/sockaddr.hpp"
#include "util/socket_address.hpp"

namespace gw::bench {

// The browsers: N UDP sockets that send back, to the gateway's "in" port,
// every datagram the gateway's "out" port sent them (epoll + recvmmsg + sendmmsg).
class Reflector {
 public:
  Reflector(int flows, const SocketAddress& to) {
    to_len_ = net::to_sockaddr(to, to_);
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    for (int k = 0; k < flows; ++k) {
      int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      sockaddr_storage ss{};
      socklen_t len = net::to_sockaddr(SocketAddress{*IpAddress::parse("127.0.0.1"), 0}, ss);
      if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {  // NOLINT
        std::perror("ice_bench: reflector socket");
        std::exit(1);
      }
      int big = 1 << 20;
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
      len = sizeof ss;
      getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);  // NOLINT
      addresses.push_back(net::from_sockaddr(ss));
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = fd;
      epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
      fds_.push_back(fd);
    }
    thread_ = std::thread([this] { run(); });
  }
  ~Reflector() {
    stop_ = true;
    thread_.join();
    for (int fd : fds_) ::close(fd);
    ::close(ep_);
  }
  std::vector<SocketAddress> addresses;

 private:
  void run() {
    constexpr int kBatch = 32;
    std::vector<epoll_event> events(256);
    std::vector<std::array<std::uint8_t, 2048>> bufs(kBatch);
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iov{};
    while (!stop_) {
      int n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), 50);
      for (int e = 0; e < n; ++e) {
        int fd = events[static_cast<std::size_t>(e)].data.fd;
        for (std::size_t i = 0; i < kBatch; ++i) {
          iov[i] = iovec{bufs[i].data(), bufs[i].size()};
          msgs[i].msg_hdr = msghdr{};
          msgs[i].msg_hdr.msg_iov = &iov[i];
          msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int got = recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (got <= 0) continue;
        for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i) {
          iov[i].iov_len = msgs[i].msg_len;
          msgs[i].msg_hdr.msg_name = &to_;
          msgs[i].msg_hdr.msg_namelen = to_len_;
        }
        sendmmsg(fd, msgs.data(), static_cast<unsigned>(got), MSG_DONTWAIT);
      }
    }
  }
  sockaddr_storage to_{};
  socklen_t to_len_ = 0;
  int ep_ = -1;
  std::vector<int> fds_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace gw::bench
