// STUN Binding load generator for bench/stun/run.sh (design brief §8).
//
//   stun_load load    --server IP:PORT [--window 128] [--duration 5] [--sockets 8]
//   stun_load latency --server IP:PORT [--samples 10000]
//
// load: keeps `window` requests in flight, spread over `sockets` source
// ports; every answer is replaced at once by a new request. Each response is
// decoded with libcore and checked: success class, Binding method, the
// transaction id we sent (last 4 bytes = per-slot sequence number) and
// XOR-MAPPED-ADDRESS equal to the receiving socket's own address.
// latency: one request in flight, one sample per round trip.
// Output: one JSON object on stdout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

#include "net/sockaddr.hpp"
#include "stun/attributes.hpp"
#include "stun/builder.hpp"
#include "stun/message.hpp"

namespace {

using namespace gw;
using Clock = std::chrono::steady_clock;
using Ns = std::chrono::nanoseconds;

constexpr std::size_t kBatch = 64;      // datagrams per recvmmsg/sendmmsg
constexpr std::size_t kRxSize = 1024;   // bigger than any Binding response
constexpr std::size_t kReqSize = stun::kHeaderSize;  // attribute-less request

std::int64_t now_ns() {
  return std::chrono::duration_cast<Ns>(Clock::now().time_since_epoch()).count();
}

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "stun_load: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

// Transaction id layout: [0..3] per-run random prefix, [4..5] socket index,
// [6..7] slot index, [8..11] slot sequence number.
struct Tid {
  std::uint16_t socket = 0;
  std::uint16_t slot = 0;
  std::uint32_t seq = 0;
};

class Checker {
 public:
  Checker() : prefix_(stun::random_transaction_id()) {
    auto tid = stun::TransactionId{};
    auto bytes = stun::MessageBuilder(stun::Method::binding, stun::Class::request, tid).build();
    if (bytes.size() != kReqSize) die("unexpected request template size");
    std::copy(bytes.begin(), bytes.end(), template_.begin());
  }

  // Writes the request for `t` into `out` (kReqSize bytes).
  void make_request(const Tid& t, std::uint8_t* out) const {
    std::memcpy(out, template_.data(), kReqSize);
    std::uint8_t* tid = out + 8;
    std::memcpy(tid, prefix_.data(), 4);
    store_be16(tid + 4, t.socket);
    store_be16(tid + 6, t.slot);
    store_be32(tid + 8, t.seq);
  }

  enum class Verdict { ok, wrong };
  // Decodes and checks one response; `tid` gets the id it carried.
  Verdict check(ByteView packet, const SocketAddress& self, Tid& tid) const {
    auto m = stun::decode(packet);
    if (!m) return Verdict::wrong;
    if (m->cls != stun::Class::success || m->method != stun::Method::binding || m->is_rfc3489()) {
      return Verdict::wrong;
    }
    const auto& id = m->transaction_id;
    if (std::memcmp(id.data(), prefix_.data(), 4) != 0) return Verdict::wrong;
    tid = Tid{load_be16(&id[4]), load_be16(&id[6]), load_be32(&id[8])};
    auto mapped = stun::get_address(*m, stun::attr::xor_mapped_address);
    if (!mapped || !(*mapped == self)) return Verdict::wrong;
    return Verdict::ok;
  }

 private:
  stun::TransactionId prefix_;
  std::array<std::uint8_t, kReqSize> template_{};
};

struct Socket {
  int fd = -1;
  SocketAddress self;
};

Socket open_socket(const SocketAddress& server) {
  sockaddr_storage ss{};
  socklen_t len = net::to_sockaddr(server, ss);
  int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int buf = 4 << 20;  // capped by net.core.[rw]mem_max
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) die("connect");  // NOLINT
  sockaddr_storage got{};
  socklen_t got_len = sizeof got;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&got), &got_len);  // NOLINT
  return Socket{fd, net::from_sockaddr(got)};
}

// ---------------------------------------------------------------- load mode

struct LoadOptions {
  std::string server;
  std::size_t window = 128;
  std::size_t sockets = 8;
  double duration_s = 5;
  double timeout_ms = 200;  // a request unanswered this long is lost and replaced
  double drain_ms = 200;    // wait for stragglers after the run
};

struct Slot {
  std::uint32_t seq = 0;
  bool in_flight = false;
  std::int64_t sent_ns = 0;
};

struct LoadStats {
  std::uint64_t sent = 0, answered = 0, answered_in_run = 0, lost = 0, late = 0, wrong = 0;
  std::uint64_t rx_bytes = 0, send_errors = 0;
};

class LoadRun {
 public:
  LoadRun(const LoadOptions& o, const SocketAddress& server) : o_(o) {
    std::size_t n = std::max<std::size_t>(1, std::min(o.sockets, o.window));
    for (std::size_t i = 0; i < n; ++i) {
      socks_.push_back(open_socket(server));
      // Spread the window: the first (window % n) sockets get one more slot.
      slots_.emplace_back(o.window / n + (i < o.window % n ? 1 : 0));
      reqs_.emplace_back(slots_.back().size() * kReqSize);
    }
    rx_.resize(kBatch * kRxSize);
    pending_.reserve(kBatch);
  }

  LoadStats run() {
    const auto timeout = static_cast<std::int64_t>(o_.timeout_ms * 1e6);
    const std::int64_t start = now_ns();
    const std::int64_t stop = start + static_cast<std::int64_t>(o_.duration_s * 1e9);
    for (std::size_t s = 0; s < socks_.size(); ++s) {
      for (std::size_t k = 0; k < slots_[s].size(); ++k) pending_.push_back(k);
      flush(s, start);
    }
    std::int64_t next_scan = start + timeout / 4;
    std::int64_t t = start;
    bool running = true;
    std::int64_t drain_end = 0;
    for (;;) {
      bool any = false;
      for (std::size_t s = 0; s < socks_.size(); ++s) any |= receive(s, running, t);
      t = now_ns();
      if (running && t >= stop) {
        running = false;
        elapsed_ns_ = t - start;
        drain_end = t + static_cast<std::int64_t>(o_.drain_ms * 1e6);
      }
      if (!running && (t >= drain_end || in_flight() == 0)) break;
      if (running && t >= next_scan) {
        expire(t, timeout);
        next_scan = t + timeout / 4;
      }
      if (!any) wait_readable();
    }
    stats_.lost += in_flight();
    return stats_;
  }

  [[nodiscard]] double elapsed_s() const { return static_cast<double>(elapsed_ns_) * 1e-9; }

 private:
  std::size_t in_flight() const {
    std::size_t n = 0;
    for (const auto& v : slots_) {
      for (const auto& sl : v) n += sl.in_flight ? 1 : 0;
    }
    return n;
  }

  // Sends a fresh request for every slot index in pending_ on socket s.
  void flush(std::size_t s, std::int64_t t) {
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iovs{};
    std::size_t done = 0;
    while (done < pending_.size()) {
      std::size_t n = std::min(kBatch, pending_.size() - done);
      for (std::size_t i = 0; i < n; ++i) {
        auto k = pending_[done + i];
        auto& sl = slots_[s][k];
        ++sl.seq;
        sl.in_flight = true;
        sl.sent_ns = t;
        std::uint8_t* buf = &reqs_[s][k * kReqSize];
        checker_.make_request(Tid{static_cast<std::uint16_t>(s), static_cast<std::uint16_t>(k), sl.seq}, buf);
        iovs[i] = iovec{buf, kReqSize};
        msgs[i] = mmsghdr{};
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int r = ::sendmmsg(socks_[s].fd, msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
      std::size_t ok = r > 0 ? static_cast<std::size_t>(r) : 0;
      stats_.sent += ok;
      // Unsent ones stay in flight and expire as lost; count the failure.
      if (ok < n) stats_.send_errors += n - ok;
      done += n;
    }
    pending_.clear();
  }

  // One recvmmsg batch on socket s; true when something was read.
  bool receive(std::size_t s, bool running, std::int64_t t) {
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iovs{};
    for (std::size_t i = 0; i < kBatch; ++i) {
      iovs[i] = iovec{&rx_[i * kRxSize], kRxSize};
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int r = ::recvmmsg(socks_[s].fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (r <= 0) return false;
    for (std::size_t i = 0; i < static_cast<std::size_t>(r); ++i) {
      auto len = msgs[i].msg_len;
      stats_.rx_bytes += len;
      Tid tid;
      bool trunc = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
      if (trunc || checker_.check(ByteView(&rx_[i * kRxSize], len), socks_[s].self, tid) != Checker::Verdict::ok ||
          tid.socket != s || tid.slot >= slots_[s].size()) {
        ++stats_.wrong;
        continue;
      }
      auto& sl = slots_[s][tid.slot];
      if (tid.seq != sl.seq || !sl.in_flight) {
        // An answer to a request we already gave up on (or a duplicate).
        if (tid.seq <= sl.seq) ++stats_.late; else ++stats_.wrong;
        continue;
      }
      sl.in_flight = false;
      ++stats_.answered;
      if (running) {
        ++stats_.answered_in_run;
        pending_.push_back(tid.slot);
      }
    }
    if (!pending_.empty()) flush(s, t);
    return true;
  }

  void expire(std::int64_t t, std::int64_t timeout) {
    for (std::size_t s = 0; s < socks_.size(); ++s) {
      for (std::size_t k = 0; k < slots_[s].size(); ++k) {
        auto& sl = slots_[s][k];
        if (sl.in_flight && t - sl.sent_ns > timeout) {
          ++stats_.lost;
          pending_.push_back(k);
        }
      }
      if (!pending_.empty()) flush(s, t);
    }
  }

  void wait_readable() {
    std::vector<pollfd> fds;
    fds.reserve(socks_.size());
    for (const auto& sk : socks_) fds.push_back(pollfd{sk.fd, POLLIN, 0});
    ::poll(fds.data(), fds.size(), 5);
  }

  LoadOptions o_;
  Checker checker_;
  std::vector<Socket> socks_;
  std::vector<std::vector<Slot>> slots_;
  std::vector<std::vector<std::uint8_t>> reqs_;  // per socket: one request per slot
  std::vector<std::uint8_t> rx_;
  std::vector<std::size_t> pending_;  // slots of the current socket to (re)send
  LoadStats stats_;
  std::int64_t elapsed_ns_ = 0;
};

int run_load(const LoadOptions& o) {
  auto server = SocketAddress::parse(o.server);
  if (!server) {
    std::fprintf(stderr, "stun_load: bad --server: %s\n", server.error().message.c_str());
    return 2;
  }
  LoadRun load(o, *server);
  double cpu0 = cpu_seconds();
  auto st = load.run();
  double cpu = cpu_seconds() - cpu0;
  double el = load.elapsed_s();
  std::printf(
      "{\"mode\":\"load\",\"server\":\"%s\",\"window\":%zu,\"sockets\":%zu,\"duration_s\":%.3f,"
      "\"sent\":%" PRIu64 ",\"answered\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"late\":%" PRIu64
      ",\"wrong\":%" PRIu64 ",\"send_errors\":%" PRIu64 ",\"responses_per_s\":%.0f,"
      "\"mean_response_bytes\":%.1f,\"client_cpu_s\":%.3f}\n",
      o.server.c_str(), o.window, std::min(o.sockets, o.window), el, st.sent, st.answered, st.lost, st.late,
      st.wrong, st.send_errors, el > 0 ? static_cast<double>(st.answered_in_run) / el : 0.0,
      st.answered + st.late + st.wrong > 0
          ? static_cast<double>(st.rx_bytes) / static_cast<double>(st.answered + st.late + st.wrong)
          : 0.0,
      cpu);
  return st.wrong == 0 ? 0 : 1;
}

// ------------------------------------------------------------- latency mode

struct LatencyOptions {
  std::string server;
  std::size_t samples = 10000;
  std::size_t warmup = 200;
  double timeout_ms = 200;
};

int run_latency(const LatencyOptions& o) {
  auto server = SocketAddress::parse(o.server);
  if (!server) {
    std::fprintf(stderr, "stun_load: bad --server: %s\n", server.error().message.c_str());
    return 2;
  }
  Socket sk = open_socket(*server);
  Checker checker;
  std::vector<double> us;
  us.reserve(o.samples);
  std::uint64_t lost = 0, wrong = 0, late = 0;
  std::array<std::uint8_t, kReqSize> req{};
  std::array<std::uint8_t, kRxSize> rx{};
  const int timeout = static_cast<int>(o.timeout_ms);
  for (std::uint32_t seq = 1; us.size() < o.samples; ++seq) {
    checker.make_request(Tid{0, 0, seq}, req.data());
    auto t0 = Clock::now();
    if (::send(sk.fd, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) die("send");
    for (;;) {  // until our answer arrives or the timeout passes
      pollfd p{sk.fd, POLLIN, 0};
      auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
      if (waited >= timeout || ::poll(&p, 1, static_cast<int>(timeout - waited)) <= 0) {
        ++lost;
        break;
      }
      auto n = ::recv(sk.fd, rx.data(), rx.size(), MSG_DONTWAIT);
      if (n <= 0) continue;
      auto t1 = Clock::now();
      Tid tid;
      if (checker.check(ByteView(rx.data(), static_cast<std::size_t>(n)), sk.self, tid) != Checker::Verdict::ok) {
        ++wrong;
        continue;
      }
      if (tid.seq != seq) {
        ++late;
        continue;
      }
      if (seq > o.warmup) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      break;
    }
    if (seq > o.samples * 10 + o.warmup) break;  // the server is not answering
  }
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) {
    if (us.empty()) return 0.0;
    auto i = static_cast<std::size_t>(p * static_cast<double>(us.size() - 1) + 0.5);
    return us[std::min(i, us.size() - 1)];
  };
  double mean = 0;
  for (double v : us) mean += v;
  if (!us.empty()) mean /= static_cast<double>(us.size());
  std::printf(
      "{\"mode\":\"latency\",\"server\":\"%s\",\"samples\":%zu,\"lost\":%" PRIu64 ",\"late\":%" PRIu64
      ",\"wrong\":%" PRIu64 ",\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"mean_us\":%.1f}\n",
      o.server.c_str(), us.size(), lost, late, wrong, pct(0.50), pct(0.90), pct(0.99),
      us.empty() ? 0.0 : us.back(), mean);
  return wrong == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"STUN Binding load generator and latency probe (bench/stun)"};
  app.require_subcommand(1);
  LoadOptions lo;
  auto* load = app.add_subcommand("load", "Keep a window of requests in flight for a while");
  load->add_option("-s,--server", lo.server, "Server IP:PORT")->required();
  load->add_option("-w,--window", lo.window, "Requests in flight")->check(CLI::Range(1, 60000));
  load->add_option("-n,--sockets", lo.sockets, "Source sockets (ports)")->check(CLI::Range(1, 1024));
  load->add_option("-d,--duration", lo.duration_s, "Seconds")->check(CLI::Range(0.1, 3600.0));
  load->add_option("--timeout-ms", lo.timeout_ms, "Give a request up (lost) after this");
  LatencyOptions la;
  auto* lat = app.add_subcommand("latency", "One request in flight; percentiles of the round trip");
  lat->add_option("-s,--server", la.server, "Server IP:PORT")->required();
  lat->add_option("-N,--samples", la.samples, "Samples (after a warm-up)")->check(CLI::Range(1, 10000000));
  lat->add_option("--warmup", la.warmup, "Round trips before sampling starts");
  lat->add_option("--timeout-ms", la.timeout_ms, "Give a request up (lost) after this");
  CLI11_PARSE(app, argc, argv);
  if (load->parsed()) return run_load(lo);
  return run_latency(la);
}
