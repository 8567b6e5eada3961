// ICE transport cost per packet (issue 6: "measure both and write the choice
// down"): libnice's per-packet path against the gateway's own, in one process.
//
//  (a) libnice: N pairs of libcore/ice agents on loopback, full ICE, A
//      (controlling) on one GlibLoop thread, B (controlled) on another. After
//      every pair is ready, A sends with Agent::send; B's on_data callback does
//      what the gateway would before SRTP (RFC 7983 classify) and counts.
//  (b) the gateway's path (ICE-lite, libcore/gateway/media_shard.cpp): one
//      net::DatagramPort "out" (sendmmsg batching) sends to N "browser"
//      sockets; a reflector thread (the browsers, not measured) sends each
//      packet back from its own socket to one DatagramPort "in" (recvmmsg),
//      whose handler does what MediaShard::on_datagram does before SRTP:
//      STUN check, hash lookup of the source address, RFC 7983 classify.
//
// No SRTP in either. Load: 172-byte RTP packets, RATE packets/s per flow,
// flows staggered over the period ("rate"); bursts of 64 re-posted back to
// back ("flat"); nothing ("idle": timers and consent checks only). Each
// window holds all its packets (warm-up, snapshot, load, drain, snapshot).
// Cost: CLOCK_THREAD_CPUTIME of the receiving and the sending loop thread,
// and of the send calls alone (clock read cost subtracted). Repetitions
// interleave (a) and (b). One JSON object per line on stdout.
//
// Usage: ice_bench [--flows "1 50 250"] [--reps 5] [--rate 50] [--seconds 4]
//                  [--flat-seconds 2] [--size 172] [--no-flat] [--impl both|libnice|port]
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ice/agent.hpp"
#include "ice/glib_loop.hpp"
#include "net/datagram_port.hpp"
#include "net/sockaddr.hpp"
#include "rtp/demux.hpp"
#include "stun/message.hpp"
#include "util/clock.hpp"
#include "util/log.hpp"

#include "reflector.hpp"  // bench/ice

namespace {

using namespace gw;
namespace asio = boost::asio;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr int kFlatBurst = 64;

struct Options {
  std::vector<int> flows{1, 50, 250};
  int reps = 5, rate = 50;
  double seconds = 4, flat_seconds = 2;
  std::size_t size = 172;
  bool flat = true;
  std::string impl = "both";  // or libnice, port (e.g. under strace)
};

std::int64_t cpu_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}
std::int64_t self_cpu_ns() { return cpu_ns(CLOCK_THREAD_CPUTIME_ID); }
clockid_t this_thread_clock() {
  clockid_t c{};
  pthread_getcpuclockid(pthread_self(), &c);
  return c;
}

// Cost of one CLOCK_THREAD_CPUTIME_ID read (a system call: no vDSO for it).
std::int64_t g_clock_overhead = 0;
void calibrate_clock() {
  constexpr int kReads = 20000;
  std::int64_t t0 = self_cpu_ns();
  volatile std::int64_t sink = 0;
  for (int i = 0; i < kReads; ++i) sink = sink + self_cpu_ns();
  g_clock_overhead = (self_cpu_ns() - t0) / kReads;
}

std::vector<std::uint8_t> rtp_packet(std::size_t size) {
  std::vector<std::uint8_t> p(size, 0xd5);  // PCMU silence after the header
  const std::uint8_t hdr[12] = {0x80, 0x00, 0x12, 0x34, 0, 0, 0x10, 0, 0xca, 0xfe, 0xba, 0xbe};
  std::memcpy(p.data(), hdr, sizeof hdr);
  return p;
}

// Counters shared by both implementations. Written on the loop threads
// (relaxed atomics: same cost in (a) and (b)), read by main.
struct Counters {
  std::atomic<std::uint64_t> sent{0}, received{0}, classified_rtp{0}, send_call_ns{0};
};

struct Snapshot {
  std::int64_t wall_ns = 0, recv_cpu = 0, send_cpu = 0;
  std::uint64_t sent = 0, received = 0, send_call_ns = 0;
};

// What every implementation offers to the driver.
class Impl {
 public:
  virtual ~Impl() = default;
  virtual const char* name() const = 0;
  // Sends one packet for every flow k with k % slots == slot (sender thread).
  virtual void post_slot(int slot, int slots) = 0;
  // Flat-out: bursts of kFlatBurst, re-posted until stop_flat().
  virtual void start_flat() = 0;
  virtual void stop_flat() = 0;
  virtual clockid_t recv_clock() const = 0;
  virtual clockid_t send_clock() const = 0;
  Counters counters;

  Snapshot snapshot() const {
    Snapshot s;
    s.wall_ns = std::chrono::duration_cast<nanoseconds>(SteadyClock::now().time_since_epoch()).count();
    s.recv_cpu = cpu_ns(recv_clock());
    s.send_cpu = cpu_ns(send_clock());
    s.sent = counters.sent.load();
    s.received = counters.received.load();
    s.send_call_ns = counters.send_call_ns.load();
    return s;
  }

 protected:
  // Around the send calls on the sender thread: counts their CPU.
  template <class F>
  void timed_send(F&& send_some) {
    std::int64_t t0 = self_cpu_ns();
    std::uint64_t n = send_some();
    std::int64_t dt = self_cpu_ns() - t0 - g_clock_overhead;
    counters.send_call_ns.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(dt, 0)),
                                    std::memory_order_relaxed);
    counters.sent.fetch_add(n, std::memory_order_relaxed);
  }
};

// ---- (a) libnice ------------------------------------------------------------

class NiceImpl final : public Impl {
 public:
  NiceImpl(int flows, std::vector<std::uint8_t> packet) : packet_(std::move(packet)) {
    loop_a_.start();
    loop_b_.start();
    loop_a_.post_and_wait([this] { clock_a_ = this_thread_clock(); });
    loop_b_.post_and_wait([this] { clock_b_ = this_thread_clock(); });
    pairs_.resize(static_cast<std::size_t>(flows));
    for (auto& p : pairs_) p = std::make_unique<Pair>();
  }
  ~NiceImpl() override {
    stop_flat();
    for (auto& p : pairs_) {  // B first: A's consent checks may still reach it
      p->b.reset();
      p->a.reset();
    }
  }

  // Creates the agents, exchanges candidates (trickled), waits for all pairs.
  bool connect(double timeout_s) {
    for (auto& up : pairs_) {
      Pair* p = up.get();
      ice::AgentConfig ca;
      ca.role = ice::Role::controlling;
      ca.bind = {*IpAddress::parse("127.0.0.1")};
      ice::AgentConfig cb = ca;
      cb.role = ice::Role::controlled;
      auto a = ice::Agent::create(loop_a_, ca, callbacks(p, true));
      auto b = ice::Agent::create(loop_b_, cb, callbacks(p, false));
      if (!a || !b) {
        std::fprintf(stderr, "ice_bench: agent creation failed\n");
        return false;
      }
      p->a = std::move(*a);
      p->b = std::move(*b);
    }
    for (auto& p : pairs_) {
      p->a->start();
      p->b->start();
    }
    auto deadline = SteadyClock::now() + std::chrono::duration<double>(timeout_s);
    while (ready_.load() < 2 * static_cast<int>(pairs_.size())) {
      if (SteadyClock::now() > deadline) {
        std::fprintf(stderr, "ice_bench: only %d of %zu agents ready\n", ready_.load(), 2 * pairs_.size());
        return false;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    return true;
  }

  const char* name() const override { return "libnice"; }
  clockid_t recv_clock() const override { return clock_b_; }
  clockid_t send_clock() const override { return clock_a_; }

  void post_slot(int slot, int slots) override {
    loop_a_.post([this, slot, slots] {
      timed_send([&] {
        std::uint64_t n = 0;
        for (std::size_t k = static_cast<std::size_t>(slot); k < pairs_.size(); k += static_cast<std::size_t>(slots)) {
          n += pairs_[k]->a->send(ByteView(packet_.data(), packet_.size())) ? 1 : 0;
        }
        return n;
      });
    });
  }
  void start_flat() override {
    flat_ = true;
    loop_a_.post([this] { flat_burst(); });
  }
  void stop_flat() override {
    flat_ = false;
    loop_a_.post_and_wait([] {});  // the burst in flight has ended
  }

 private:
  struct Pair {
    std::unique_ptr<ice::Agent> a, b;
    std::atomic<bool> ready_a{false}, ready_b{false};
  };

  ice::AgentCallbacks callbacks(Pair* p, bool is_a) {
    ice::AgentCallbacks cb;
    auto peer = [p, is_a]() -> ice::Agent* { return is_a ? p->b.get() : p->a.get(); };
    cb.on_local_credentials = [peer](const ice::Credentials& c) { (void)peer()->set_remote_credentials(c); };
    cb.on_local_candidate = [peer](const ice::LocalCandidate& c) { (void)peer()->add_remote_candidate(c.candidate); };
    cb.on_gathering_done = [peer] { peer()->remote_gathering_done(); };
    cb.on_state = [this, p, is_a](unsigned, ice::State s) {
      if (s == ice::State::ready && !(is_a ? p->ready_a : p->ready_b).exchange(true)) ready_.fetch_add(1);
    };
    cb.on_error = [](const Error& e) { std::fprintf(stderr, "ice_bench: %s\n", e.message.c_str()); };
    if (!is_a) {
      cb.on_data = [this](unsigned, Bytes data) {
        if (rtp::classify(data) == rtp::PacketClass::rtp) counters.classified_rtp.fetch_add(1, std::memory_order_relaxed);
        counters.received.fetch_add(1, std::memory_order_relaxed);
      };
    }
    return cb;
  }

  void flat_burst() {
    if (!flat_) return;
    timed_send([&] {
      std::uint64_t n = 0;
      for (int i = 0; i < kFlatBurst; ++i) {
        n += pairs_[next_]->a->send(ByteView(packet_.data(), packet_.size())) ? 1 : 0;
        next_ = (next_ + 1) % pairs_.size();
      }
      return n;
    });
    loop_a_.post([this] { flat_burst(); });
  }

  std::vector<std::uint8_t> packet_;
  ice::GlibLoop loop_a_, loop_b_;
  clockid_t clock_a_{}, clock_b_{};
  std::vector<std::unique_ptr<Pair>> pairs_;
  std::atomic<int> ready_{0};
  std::atomic<bool> flat_{false};
  std::size_t next_ = 0;  // loop A only
};

// ---- (b) the gateway's own sockets ------------------------------------------

class PortImpl final : public Impl {
 public:
  PortImpl(int flows, std::vector<std::uint8_t> packet) : packet_(std::move(packet)) {
    Endpoint local{.transport = Transport::udp, .host = "127.0.0.1", .port = 0, .path = {}};
    in_ = open(io_in_, local);
    out_ = open(io_out_, local);
    reflector_ = std::make_unique<bench::Reflector>(flows, SocketAddress{*IpAddress::parse("127.0.0.1"),
                                                                  in_->local_endpoint().port});
    for (const auto& a : reflector_->addresses) {
      legs_.push_back(std::make_unique<Leg>());
      by_source_.emplace(a, legs_.back().get());
      to_.push_back(net::PeerAddress{a});
    }
    in_->start([this](ByteView data, const net::PeerAddress& from) { on_datagram(data, from); });
    thread_in_ = std::thread([this] { io_in_.run(); });
    thread_out_ = std::thread([this] { io_out_.run(); });
    pthread_getcpuclockid(thread_in_.native_handle(), &clock_in_);
    pthread_getcpuclockid(thread_out_.native_handle(), &clock_out_);
  }
  ~PortImpl() override {
    stop_flat();
    asio::post(io_in_, [this] { in_->close(); });
    asio::post(io_out_, [this] { out_->close(); });
    guard_in_.reset();
    guard_out_.reset();
    thread_in_.join();
    thread_out_.join();
    reflector_.reset();
  }

  const char* name() const override { return "gateway port"; }
  clockid_t recv_clock() const override { return clock_in_; }
  clockid_t send_clock() const override { return clock_out_; }

  void post_slot(int slot, int slots) override {
    asio::post(io_out_, [this, slot, slots] {
      timed_send([&] {
        std::uint64_t n = 0;
        for (std::size_t k = static_cast<std::size_t>(slot); k < to_.size(); k += static_cast<std::size_t>(slots)) {
          out_->send_to(ByteView(packet_.data(), packet_.size()), to_[k]);
          ++n;
        }
        out_->flush();  // what the port's posted flush would do next
        return n;
      });
    });
  }
  void start_flat() override {
    flat_ = true;
    asio::post(io_out_, [this] { flat_burst(); });
  }
  void stop_flat() override {
    if (!flat_.exchange(false)) return;
    std::atomic<bool> done{false};
    asio::post(io_out_, [&done] { done = true; });
    while (!done) std::this_thread::sleep_for(milliseconds(1));
  }

 private:
  struct Leg {
    std::uint64_t packets = 0;
    TimePoint last{};
  };

  std::unique_ptr<net::DatagramPort> open(asio::io_context& io, const Endpoint& local) {
    auto port = net::DatagramPort::open(io, local);
    if (!port) {
      std::fprintf(stderr, "ice_bench: %s\n", port.error().message.c_str());
      std::exit(1);
    }
    (*port)->set_send_batching(true);                    // as MediaShard::open
    (void)(*port)->set_buffer_sizes(4 << 20, 4 << 20);  // idem
    return std::move(*port);
  }

  // MediaShard::on_datagram up to the leg, and the bridge's first step.
  void on_datagram(ByteView data, const net::PeerAddress& from) {
    counters.received.fetch_add(1, std::memory_order_relaxed);
    if (from.is_unix()) return;
    TimePoint now = Clock::now();
    const SocketAddress& source = from.inet();
    if (stun::looks_like_stun(data)) {
      ++stun_;
    } else if (auto it = by_source_.find(source); it != by_source_.end()) {
      it->second->last = now;
      ++it->second->packets;
      if (rtp::classify(data) == rtp::PacketClass::rtp) counters.classified_rtp.fetch_add(1, std::memory_order_relaxed);
    } else {
      ++unknown_;
    }
  }

  void flat_burst() {
    if (!flat_) return;
    timed_send([&] {
      for (int i = 0; i < kFlatBurst; ++i) {
        out_->send_to(ByteView(packet_.data(), packet_.size()), to_[next_]);
        next_ = (next_ + 1) % to_.size();
      }
      out_->flush();
      return std::uint64_t{kFlatBurst};
    });
    asio::post(io_out_, [this] { flat_burst(); });
  }

  std::vector<std::uint8_t> packet_;
  asio::io_context io_in_, io_out_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_in_{io_in_.get_executor()},
      guard_out_{io_out_.get_executor()};
  std::unique_ptr<net::DatagramPort> in_, out_;
  std::unique_ptr<bench::Reflector> reflector_;
  std::vector<std::unique_ptr<Leg>> legs_;
  std::unordered_map<SocketAddress, Leg*, SocketAddressHash> by_source_;
  std::vector<net::PeerAddress> to_;
  std::uint64_t stun_ = 0, unknown_ = 0;
  std::thread thread_in_, thread_out_;
  clockid_t clock_in_{}, clock_out_{};
  std::atomic<bool> flat_{false};
  std::size_t next_ = 0;  // io_out_ only
};

// ---- driver -----------------------------------------------------------------

struct ProcessStats {
  long fds = 0, threads = 0, rss_kib = 0;
};
ProcessStats process_stats() {
  ProcessStats s;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++s.fds;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++s.threads;
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  s.rss_kib = resident * (sysconf(_SC_PAGESIZE) / 1024);
  return s;
}

void print_sample(const Impl& impl, const char* mode, int flows, int rep, const Snapshot& a, const Snapshot& b) {
  std::printf(
      "{\"kind\":\"sample\",\"impl\":\"%s\",\"mode\":\"%s\",\"flows\":%d,\"rep\":%d,\"wall_ns\":%lld,"
      "\"sent\":%llu,\"received\":%llu,\"recv_cpu_ns\":%lld,\"send_cpu_ns\":%lld,\"send_call_ns\":%llu}\n",
      impl.name(), mode, flows, rep, static_cast<long long>(b.wall_ns - a.wall_ns),
      static_cast<unsigned long long>(b.sent - a.sent), static_cast<unsigned long long>(b.received - a.received),
      static_cast<long long>(b.recv_cpu - a.recv_cpu), static_cast<long long>(b.send_cpu - a.send_cpu),
      static_cast<unsigned long long>(b.send_call_ns - a.send_call_ns));
  std::fflush(stdout);
}

// Fixed rate for `seconds`: flow k sends in slot k % slots, `slots` ticks per period.
void pace(Impl& impl, const Options& o, int flows, double seconds) {
  const int slots = std::min(flows, 20);
  const auto tick = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(1.0 / o.rate / slots));
  const auto start = SteadyClock::now();
  const auto end = start + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
  for (long i = 0; start + i * tick < end; ++i) {
    std::this_thread::sleep_until(start + i * tick);
    impl.post_slot(static_cast<int>(i % slots), slots);
  }
}

// Waits until nothing is sent or received any more (30 ms quiet, at most 3 s).
void drain(const Impl& impl) {
  auto last = impl.counters.sent.load() + impl.counters.received.load();
  for (int quiet = 0, i = 0; quiet < 3 && i < 300; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
    auto now = impl.counters.sent.load() + impl.counters.received.load();
    quiet = now == last ? quiet + 1 : 0;
    last = now;
  }
}

// Warm-up, then one window that holds every packet it sends: snapshot, load,
// stop, drain, snapshot. "idle": the same window with no load.
void run(Impl& impl, const Options& o, const char* mode, int flows, int rep) {
  const std::string m = mode;
  auto load = [&](double seconds) {
    if (m == "rate") {
      pace(impl, o, flows, seconds);
    } else if (m == "flat") {
      impl.start_flat();
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
      impl.stop_flat();
    } else {
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    }
  };
  load(0.3);
  drain(impl);
  Snapshot s0 = impl.snapshot();
  load(m == "flat" ? o.flat_seconds : o.seconds);
  drain(impl);
  print_sample(impl, mode, flows, rep, s0, impl.snapshot());
}

std::vector<int> parse_ints(const std::string& s) {
  std::vector<int> out;
  std::istringstream in(s);
  for (int v = 0; in >> v;) out.push_back(v);
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  bool ok = true;
  for (int i = 1; i < argc && ok; ++i) {
    std::string a = argv[i];
    if (a == "--no-flat") {
      o.flat = false;
      continue;
    }
    if (i + 1 >= argc) {
      ok = false;
      break;
    }
    std::string v = argv[++i];
    if (a == "--flows") o.flows = parse_ints(v);
    else if (a == "--reps") o.reps = std::stoi(v);
    else if (a == "--rate") o.rate = std::stoi(v);
    else if (a == "--seconds") o.seconds = std::stod(v);
    else if (a == "--flat-seconds") o.flat_seconds = std::stod(v);
    else if (a == "--size") o.size = static_cast<std::size_t>(std::stoul(v));
    else if (a == "--impl") o.impl = v;
    else ok = false;
  }
  ok = ok && !o.flows.empty() && o.reps >= 1 && o.rate >= 1 && o.size >= 12 &&
       o.size <= 1500 && (o.impl == "both" || o.impl == "libnice" || o.impl == "port");
  if (!ok) {
    std::fprintf(stderr, "usage: ice_bench [--flows \"1 50 250\"] [--reps 5] [--rate 50] [--seconds 4] "
                         "[--flat-seconds 2] [--size 172] [--no-flat] [--impl both|libnice|port]\n");
    std::exit(2);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  log::set_level(log::Level::warn);
  calibrate_clock();
  auto packet = rtp_packet(o.size);
  std::printf("{\"kind\":\"meta\",\"clock_read_ns\":%lld,\"size\":%zu,\"rate\":%d,\"seconds\":%g,\"flat_seconds\":%g,"
              "\"reps\":%d}\n",
              static_cast<long long>(g_clock_overhead), o.size, o.rate, o.seconds, o.flat_seconds, o.reps);
  for (int flows : o.flows) {
    // Both implementations exist for the whole sweep of this N, idle while
    // the other one runs, so that repetitions interleave (a) and (b).
    ProcessStats before = process_stats();
    std::unique_ptr<NiceImpl> nice;
    std::unique_ptr<PortImpl> port;
    double connect_ms = 0;
    if (o.impl != "port") {
      nice = std::make_unique<NiceImpl>(flows, packet);
      auto t0 = SteadyClock::now();
      if (!nice->connect(60 + flows * 0.2)) return 1;
      connect_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
    }
    ProcessStats with_nice = process_stats();
    if (o.impl != "libnice") port = std::make_unique<PortImpl>(flows, packet);
    ProcessStats with_port = process_stats();
    const int browsers = port ? 1 : 0;  // the reflector: 1 thread, N sockets + epoll
    std::printf("{\"kind\":\"setup\",\"flows\":%d,\"connect_ms\":%.1f,\"nice_fds\":%ld,\"nice_threads\":%ld,"
                "\"nice_rss_kib\":%ld,\"port_fds\":%ld,\"port_threads\":%ld}\n",
                flows, connect_ms, with_nice.fds - before.fds, with_nice.threads - before.threads,
                with_nice.rss_kib - before.rss_kib, with_port.fds - with_nice.fds - browsers * (flows + 1),
                with_port.threads - with_nice.threads - browsers);
    std::fflush(stdout);
    for (int rep = 0; rep < o.reps; ++rep) {
      // Alternate which goes first, so a drift in the machine's load hits both.
      Impl* order[2] = {nice.get(), port.get()};
      if (rep % 2 == 1) std::swap(order[0], order[1]);
      for (const char* mode : {"rate", "flat", "idle"}) {
        if (std::strcmp(mode, "flat") == 0 && !o.flat) continue;
        for (Impl* impl : order) {
          if (impl != nullptr) run(*impl, o, mode, flows, rep);
        }
      }
    }
    port.reset();
    nice.reset();
  }
  return 0;
}
