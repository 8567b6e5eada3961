// relay_floor: a bridged call's datagram path with nothing else in it, to
// tell the kernel's share of the gateway's CPU per bridged call-second from
// ours (issue 6's goal: <= 0.75 ms).
//
//   relay_floor relay --public 127.0.0.1:P --peer 127.0.0.1:E --calls N
//   relay_floor load --relay 127.0.0.1:P --echo 127.0.0.1:E --calls N --seconds S
//
// relay: the gateway's socket layout and I/O code (net::DatagramPort on a
// net::PortPoller, one io_context): one public port with send batching for
// every call's browser side, and per call its own plain RTP port plus an
// idle RTCP port, as a bridged SIP call has. A datagram from a browser goes
// out of its call's plain port to the peer; what comes back to a plain port
// goes out of the public port to that call's browser. No crypto, no RTP, no
// ICE: what is left is the floor every bridged call pays on this machine.
// load: per call a "browser" port sending one 172-byte datagram every 20 ms
// (the calls spread over --phases ticks of the 20 ms; 4, as bench/gw_load
// does, so both feed the gateway the same batches), and the peer: one port echoing every
// datagram to its sender. Prints {"sent","received","loss_pct"} as JSON.
// Exit: 0, 1 runtime error, 2 usage.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "net/datagram_port.hpp"
#include "util/cli.hpp"
#include "util/endpoint.hpp"

namespace {

using namespace gw;
namespace asio = boost::asio;
using net::DatagramPort;
using net::PeerAddress;

constexpr std::size_t kPayload = 172;  // PCMU 20 ms plus RTP header
constexpr int kIntervalMs = 20;        // one packet per call per 20 ms

std::unique_ptr<DatagramPort> open_or_die(asio::io_context& io, const std::string& host_port) {
  auto ep = parse_endpoint("udp:" + host_port);
  if (!ep) throw std::runtime_error(ep.error().message);
  auto port = DatagramPort::open(io, *ep);
  if (!port) throw std::runtime_error(port.error().message);
  return std::move(*port);
}

struct Relay {
  std::unique_ptr<DatagramPort> pub;
  std::vector<std::unique_ptr<DatagramPort>> rtp, rtcp;
  std::vector<PeerAddress> browser;
  std::vector<int> call_of_port = std::vector<int>(65536, -1);  // browser source port -> call
  std::size_t bound = 0;
  std::uint64_t unknown = 0;
};

int run_relay(const std::string& pub_at, const std::string& peer_at, std::size_t calls) {
  asio::io_context io;
  Relay r;
  r.pub = open_or_die(io, pub_at);
  r.pub->set_send_batching(true);
  (void)r.pub->set_buffer_sizes(4 << 20, 4 << 20);  // as the gateway's media port
  auto peer = parse_endpoint("udp:" + peer_at);
  if (!peer) throw std::runtime_error(peer.error().message);
  for (std::size_t i = 0; i < calls; ++i) {
    r.rtp.push_back(open_or_die(io, "127.0.0.1:0"));
    r.rtcp.push_back(open_or_die(io, "127.0.0.1:0"));
    if (auto st = r.rtp.back()->set_remote(*peer); !st) throw std::runtime_error(st.error().message);
    r.rtp.back()->start([&r, i](ByteView data, const PeerAddress&) { r.pub->send_to(data, r.browser[i]); });
    r.rtcp.back()->start([](ByteView, const PeerAddress&) {});
  }
  r.browser.resize(calls);
  r.pub->start([&r](ByteView data, const PeerAddress& from) {
    if (from.is_unix()) return;
    int& call = r.call_of_port[from.inet().port];
    if (call < 0) {
      if (r.bound == r.rtp.size()) {
        ++r.unknown;
        return;
      }
      call = static_cast<int>(r.bound++);
      r.browser[static_cast<std::size_t>(call)] = from;
    }
    r.rtp[static_cast<std::size_t>(call)]->send(data);
  });
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    r.pub->close();
    for (auto& p : r.rtp) p->close();
    for (auto& p : r.rtcp) p->close();
  });
  std::printf("{\"event\":\"listening\",\"public\":%u}\n", r.pub->local_endpoint().port);
  std::fflush(stdout);
  io.run();
  std::printf("{\"event\":\"stopped\",\"calls_bound\":%zu,\"unknown_sources\":%llu}\n", r.bound,
              static_cast<unsigned long long>(r.unknown));
  return 0;
}

int run_load(const std::string& relay_at, const std::string& echo_at, std::size_t calls, int seconds, int phases) {
  asio::io_context io;
  auto echo = open_or_die(io, echo_at);
  echo->set_send_batching(true);
  (void)echo->set_buffer_sizes(4 << 20, 4 << 20);
  echo->start([&](ByteView data, const PeerAddress& from) { echo->send_to(data, from); });
  auto relay = parse_endpoint("udp:" + relay_at);
  if (!relay) throw std::runtime_error(relay.error().message);
  std::vector<std::unique_ptr<DatagramPort>> browsers;
  std::uint64_t sent = 0, received = 0;
  for (std::size_t i = 0; i < calls; ++i) {
    browsers.push_back(open_or_die(io, "127.0.0.1:0"));
    if (auto st = browsers.back()->set_remote(*relay); !st) throw std::runtime_error(st.error().message);
    browsers.back()->start([&received](ByteView, const PeerAddress&) { ++received; });
  }
  std::vector<std::uint8_t> payload(kPayload, 0x55);
  asio::steady_timer tick(io);
  auto start = std::chrono::steady_clock::now();
  auto stop_sending = start + std::chrono::seconds(seconds);
  int slot = 0;
  std::function<void()> on_tick = [&] {
    if (std::chrono::steady_clock::now() >= stop_sending) {
      tick.expires_after(std::chrono::milliseconds(500));  // the last echoes
      tick.async_wait([&](const boost::system::error_code&) {
        echo->close();
        for (auto& b : browsers) b->close();
      });
      return;
    }
    for (std::size_t i = static_cast<std::size_t>(slot); i < calls; i += static_cast<std::size_t>(phases)) {
      browsers[i]->send(payload);
      ++sent;
    }
    slot = (slot + 1) % phases;
    tick.expires_at(tick.expiry() + std::chrono::microseconds(kIntervalMs * 1000 / phases));
    tick.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) on_tick();
    });
  };
  tick.expires_at(std::chrono::steady_clock::now());
  on_tick();
  io.run();
  double loss = sent == 0 ? 0.0 : 100.0 * static_cast<double>(sent - std::min(sent, received)) / static_cast<double>(sent);
  std::printf("{\"calls\":%zu,\"sent\":%llu,\"received\":%llu,\"loss_pct\":%.4f}\n", calls,
              static_cast<unsigned long long>(sent), static_cast<unsigned long long>(received), loss);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The datagram floor of a bridged call: the gateway's socket layout with no crypto", "relay_floor"};
  app.require_subcommand(1);
  std::string pub = "127.0.0.1:0", peer, relay, echo = "127.0.0.1:0";
  std::size_t calls = 250;
  int seconds = 20;
  int phases = 4;
  auto* r = app.add_subcommand("relay", "Relay browser <-> peer, a plain port per call");
  r->add_option("--public", pub, "Public port HOST:PORT (all calls' browser side)");
  r->add_option("--peer", peer, "Peer HOST:PORT (the echo of `load`)")->required();
  r->add_option("--calls", calls, "Calls (each a plain RTP and RTCP port)")->check(CLI::Range(1, 20000));
  auto* l = app.add_subcommand("load", "Browsers at 50 packets/s each, and the echoing peer");
  l->add_option("--relay", relay, "The relay's public HOST:PORT")->required();
  l->add_option("--echo", echo, "The peer's HOST:PORT (give the relay's --peer)")->required();
  l->add_option("--calls", calls, "Calls")->check(CLI::Range(1, 20000));
  l->add_option("--seconds", seconds, "Seconds of sending")->check(CLI::Range(1, 3600));
  l->add_option("--phases", phases, "Ticks per 20 ms the calls are spread over (bench/gw_load: 4)")
      ->check(CLI::Range(1, 20));
  CLI11_PARSE(app, argc, argv);
  try {
    return r->parsed() ? run_relay(pub, peer, calls) : run_load(relay, echo, calls, seconds, phases);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "relay_floor: %s\n", e.what());
    return 1;
  }
}
