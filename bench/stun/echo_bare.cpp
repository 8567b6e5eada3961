// The physical limit for bench/stun: a bare single-threaded UDP responder.
//
//   echo_bare --listen IP:PORT [--mode stun|echo] [--buffer BYTES]
//
// Same socket setup as the STUN server's ports (non-blocking; SO_RCVBUF and
// SO_SNDBUF asked for 4 MiB as net/stun_server_host.cpp does),
// recvmmsg batches of 32, and one sendmmsg per batch. `stun` (default)
// answers each datagram with a fixed-size Binding success response built at
// fixed offsets, without parsing: the request's cookie and transaction id
// (bytes 4..19) and an XOR-MAPPED-ADDRESS of the source, so the load
// generator can check it like any server's. `echo` sends the datagram back.
// Stops on SIGINT/SIGTERM and prints its counters on stderr.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <string>

#include "net/sockaddr.hpp"
#include "util/bytes.hpp"
#include "util/socket_address.hpp"

namespace {

constexpr std::size_t kBatch = 32;
constexpr std::size_t kRxSize = 2048;
constexpr std::size_t kTxSize = 20 + 4 + 20;  // header + XOR-MAPPED-ADDRESS (v6 at most)
constexpr std::uint32_t kCookie = 0x2112A442;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

// Writes the Binding success response for a request from `from`; returns its size.
std::size_t make_reply(const std::uint8_t* req, const sockaddr_storage& from, std::uint8_t* out) {
  const bool v6 = from.ss_family == AF_INET6;
  const std::uint16_t value_len = v6 ? 20 : 8;
  gw::store_be16(out, 0x0101);  // Binding success response
  gw::store_be16(out + 2, static_cast<std::uint16_t>(4 + value_len));
  std::memcpy(out + 4, req + 4, 16);  // cookie and transaction id, as received
  std::uint8_t* a = out + 20;
  gw::store_be16(a, 0x0020);  // XOR-MAPPED-ADDRESS
  gw::store_be16(a + 2, value_len);
  a[4] = 0;
  if (v6) {
    sockaddr_in6 s6{};
    std::memcpy(&s6, &from, sizeof s6);
    a[5] = 0x02;
    gw::store_be16(a + 6, static_cast<std::uint16_t>(ntohs(s6.sin6_port) ^ (kCookie >> 16)));
    std::uint8_t key[16];
    gw::store_be32(key, kCookie);
    std::memcpy(key + 4, req + 8, 12);
    for (std::size_t i = 0; i < 16; ++i) a[8 + i] = s6.sin6_addr.s6_addr[i] ^ key[i];
  } else {
    sockaddr_in s4{};
    std::memcpy(&s4, &from, sizeof s4);
    a[5] = 0x01;
    gw::store_be16(a + 6, static_cast<std::uint16_t>(ntohs(s4.sin_port) ^ (kCookie >> 16)));
    gw::store_be32(a + 8, ntohl(s4.sin_addr.s_addr) ^ kCookie);
  }
  return 20 + 4 + value_len;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen, mode = "stun";
  int buffer = 4 << 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--listen") listen = argv[i + 1];
    else if (k == "--mode") mode = argv[i + 1];
    else if (k == "--buffer") buffer = std::atoi(argv[i + 1]);
  }
  auto addr = gw::SocketAddress::parse(listen);
  if (!addr || (mode != "stun" && mode != "echo")) {
    std::fprintf(stderr, "usage: echo_bare --listen IP:PORT [--mode stun|echo] [--buffer BYTES]\n");
    return 2;
  }
  const bool echo = mode == "echo";
  sockaddr_storage ss{};
  socklen_t len = gw::net::to_sockaddr(*addr, ss);
  int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {  // NOLINT
    std::perror("echo_bare: bind");
    return 1;
  }
  if (buffer > 0) {  // capped by net.core.[rw]mem_max
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  }
  struct sigaction sa{};
  sa.sa_handler = on_signal;  // no SA_RESTART: poll() returns EINTR
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  static std::array<std::array<std::uint8_t, kRxSize>, kBatch> rx{};
  static std::array<std::array<std::uint8_t, kTxSize>, kBatch> tx{};
  std::array<sockaddr_storage, kBatch> from{};
  std::array<iovec, kBatch> riov{}, tiov{};
  std::array<mmsghdr, kBatch> rmsg{}, tmsg{};
  std::uint64_t received = 0, answered = 0, send_fail = 0, batches = 0;
  while (g_stop == 0) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      riov[i] = iovec{rx[i].data(), kRxSize};
      rmsg[i].msg_hdr = msghdr{};
      rmsg[i].msg_hdr.msg_iov = &riov[i];
      rmsg[i].msg_hdr.msg_iovlen = 1;
      rmsg[i].msg_hdr.msg_name = &from[i];
      rmsg[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
    int n = ::recvmmsg(fd, rmsg.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) {
      pollfd p{fd, POLLIN, 0};
      ::poll(&p, 1, 200);
      continue;
    }
    ++batches;
    unsigned out = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      ++received;
      auto rlen = rmsg[i].msg_len;
      if (rlen < 20 && !echo) continue;  // too short to carry a transaction id
      tmsg[out].msg_hdr = msghdr{};
      if (echo) {
        tiov[out] = iovec{rx[i].data(), rlen};
      } else {
        tiov[out] = iovec{tx[out].data(), make_reply(rx[i].data(), from[i], tx[out].data())};
      }
      tmsg[out].msg_hdr.msg_iov = &tiov[out];
      tmsg[out].msg_hdr.msg_iovlen = 1;
      tmsg[out].msg_hdr.msg_name = &from[i];
      tmsg[out].msg_hdr.msg_namelen = rmsg[i].msg_hdr.msg_namelen;
      ++out;
    }
    unsigned done = 0;
    while (done < out) {  // sendmmsg may stop early; drop the rest on error
      int r = ::sendmmsg(fd, tmsg.data() + done, out - done, MSG_DONTWAIT);
      if (r <= 0) {
        send_fail += out - done;
        break;
      }
      done += static_cast<unsigned>(r);
    }
    answered += done;
  }
  std::fprintf(stderr, "echo_bare: received %llu answered %llu send_failed %llu batches %llu\n",
               static_cast<unsigned long long>(received), static_cast<unsigned long long>(answered),
               static_cast<unsigned long long>(send_fail), static_cast<unsigned long long>(batches));
  ::close(fd);
  return 0;
}
