// SRTP relay benchmark helpers (design brief §8), libsrtp2 + libc, with the
// gateway's AES-GCM (libcore/srtp/openssl_gcm.cpp) so the bound uses its crypto.
//
//   srtp_bench relay --in PORT --out PORT --profile gcm|cm --key HEX --op unprotect|protect
//       The physical limit: recvmmsg -> srtp_(un)protect -> sendmmsg, batches
//       of 32, one thread, until SIGTERM/SIGINT.
//   srtp_bench load --to PORT --recv PORT --profile P --key HEX --send srtp|rtp
//                   --size BYTES --rate PPS --count N
//       Sends N RTP packets (SRTP-protected on the fly when --send srtp) at
//       PPS, carrying their send time; receives what comes back on --recv
//       (unprotecting it when --send rtp, i.e. the relay protected it) and
//       prints {"sent","received","p50_us","p99_us","max_us"} as JSON.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <srtp2/srtp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "srtp/openssl_gcm.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

std::vector<unsigned char> from_hex(const std::string& s) {
  std::vector<unsigned char> out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<unsigned char>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

srtp_t make_session(const std::string& profile, std::vector<unsigned char>& key, bool inbound) {
  srtp_policy_t p;
  std::memset(&p, 0, sizeof p);
  if (profile == "gcm") {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
  }
  p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  p.key = key.data();
  p.window_size = 1024;
  srtp_t s = nullptr;
  if (srtp_create(&s, &p) != srtp_err_status_ok) {
    std::fprintf(stderr, "srtp_create failed\n");
    std::exit(1);
  }
  return s;
}

int udp_socket(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int big = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {  // NOLINT
    std::perror("bind");
    std::exit(1);
  }
  return fd;
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  return a;
}

std::string arg(int argc, char** argv, const char* name, const char* def = "") {
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return def;
}

int relay(int argc, char** argv) {
  constexpr int kBatch = 32;
  constexpr int kSlot = 2048;
  int in = udp_socket(std::stoi(arg(argc, argv, "--in")));
  sockaddr_in out_addr = loopback(std::stoi(arg(argc, argv, "--out")));
  auto key = from_hex(arg(argc, argv, "--key"));
  bool protect = arg(argc, argv, "--op", "unprotect") == "protect";
  srtp_t s = make_session(arg(argc, argv, "--profile", "gcm"), key, !protect);
  std::vector<unsigned char> bufs(kBatch * kSlot);
  mmsghdr rx[kBatch]{}, tx[kBatch]{};
  iovec riov[kBatch], tiov[kBatch];
  timeval tv{0, 200000};
  setsockopt(in, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::uint64_t packets = 0, dropped = 0;
  while (!g_stop) {
    for (int i = 0; i < kBatch; ++i) {
      riov[i] = {bufs.data() + i * kSlot, kSlot - SRTP_MAX_TRAILER_LEN};
      rx[i].msg_hdr = msghdr{};
      rx[i].msg_hdr.msg_iov = &riov[i];
      rx[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(in, rx, kBatch, MSG_WAITFORONE, nullptr);
    if (n <= 0) continue;
    int m = 0;
    for (int i = 0; i < n; ++i) {
      int len = static_cast<int>(rx[i].msg_len);
      unsigned char* p = bufs.data() + i * kSlot;
      auto st = protect ? srtp_protect(s, p, &len) : srtp_unprotect(s, p, &len);
      if (st != srtp_err_status_ok) {
        ++dropped;
        continue;
      }
      tiov[m] = {p, static_cast<std::size_t>(len)};
      tx[m].msg_hdr = msghdr{};
      tx[m].msg_hdr.msg_name = &out_addr;
      tx[m].msg_hdr.msg_namelen = sizeof out_addr;
      tx[m].msg_hdr.msg_iov = &tiov[m];
      tx[m].msg_hdr.msg_iovlen = 1;
      ++m;
    }
    if (m > 0) sendmmsg(in, tx, static_cast<unsigned>(m), 0);
    packets += static_cast<std::uint64_t>(m);
  }
  std::printf("{\"relayed\":%llu,\"dropped\":%llu}\n", static_cast<unsigned long long>(packets),
              static_cast<unsigned long long>(dropped));
  srtp_dealloc(s);
  return 0;
}

int load(int argc, char** argv) {
  int size = std::stoi(arg(argc, argv, "--size", "172"));
  long rate = std::stol(arg(argc, argv, "--rate", "50000"));
  long count = std::stol(arg(argc, argv, "--count", "100000"));
  bool send_srtp = arg(argc, argv, "--send", "srtp") == "srtp";
  auto key = from_hex(arg(argc, argv, "--key"));
  std::string profile = arg(argc, argv, "--profile", "gcm");
  srtp_t tx_s = send_srtp ? make_session(profile, key, false) : nullptr;
  srtp_t rx_s = send_srtp ? nullptr : make_session(profile, key, true);
  int fd = udp_socket(std::stoi(arg(argc, argv, "--recv")));
  sockaddr_in to = loopback(std::stoi(arg(argc, argv, "--to")));
  std::vector<std::uint32_t> lat_us;
  lat_us.reserve(static_cast<std::size_t>(count));
  std::vector<unsigned char> pkt(static_cast<std::size_t>(size) + SRTP_MAX_TRAILER_LEN), in(4096);
  auto drain = [&] {
    for (;;) {
      ssize_t n = recv(fd, in.data(), in.size(), MSG_DONTWAIT);
      if (n <= 0) return;
      int len = static_cast<int>(n);
      if (rx_s != nullptr && srtp_unprotect(rx_s, in.data(), &len) != srtp_err_status_ok) continue;
      if (len < 20) continue;
      std::uint64_t sent_at = 0;
      std::memcpy(&sent_at, in.data() + 12, 8);
      lat_us.push_back(static_cast<std::uint32_t>((now_ns() - sent_at) / 1000));
    }
  };
  const std::uint64_t start = now_ns();
  const double ns_per_packet = 1e9 / static_cast<double>(rate);
  for (long i = 0; i < count; ++i) {
    auto due = start + static_cast<std::uint64_t>(static_cast<double>(i) * ns_per_packet);
    while (now_ns() < due) drain();
    std::fill(pkt.begin(), pkt.end(), 0xd5);
    pkt[0] = 0x80;
    pkt[1] = 0;
    auto seq = static_cast<std::uint16_t>(i);
    pkt[2] = static_cast<unsigned char>(seq >> 8);
    pkt[3] = static_cast<unsigned char>(seq);
    std::uint32_t ts = htonl(static_cast<std::uint32_t>(i * 160)), ssrc = htonl(0x12345678);
    std::memcpy(&pkt[4], &ts, 4);
    std::memcpy(&pkt[8], &ssrc, 4);
    std::uint64_t t = now_ns();
    std::memcpy(&pkt[12], &t, 8);
    int len = size;
    if (tx_s != nullptr) srtp_protect(tx_s, pkt.data(), &len);
    sendto(fd, pkt.data(), static_cast<std::size_t>(len), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);  // NOLINT
  }
  auto end = now_ns() + 300000000ULL;
  while (now_ns() < end) drain();
  std::sort(lat_us.begin(), lat_us.end());
  auto pct = [&](double q) { return lat_us.empty() ? 0U : lat_us[static_cast<std::size_t>(q * (lat_us.size() - 1))]; };
  std::printf("{\"sent\":%ld,\"received\":%zu,\"p50_us\":%u,\"p99_us\":%u,\"max_us\":%u}\n", count, lat_us.size(),
              pct(0.5), pct(0.99), lat_us.empty() ? 0U : lat_us.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: srtp_bench relay|load ...\n");
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  srtp_init();
  if (!gw::srtp::install_openssl_gcm()) {
    std::fprintf(stderr, "srtp_bench: OpenSSL AES-GCM failed libsrtp's self-test\n");
    return 2;
  }
  std::string mode = argv[1];
  if (mode == "relay") return relay(argc, argv);
  if (mode == "load") return load(argc, argv);
  return 2;
}
