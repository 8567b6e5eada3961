#include "net/port_poller.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/datagram_port.hpp"

namespace {

using gw::net::DatagramPort;
using gw::net::PeerAddress;
using gw::net::PortPoller;

std::unique_ptr<DatagramPort> open_udp(boost::asio::io_context& io) {
  auto port = DatagramPort::open(io, *gw::parse_endpoint("udp:127.0.0.1:0"));
  EXPECT_TRUE(port.ok());
  return std::move(port).value();
}

// A pipe whose reader takes one byte per call: level triggering must call it
// again for the rest, on later wake-ups, after other ready work.
struct OneByteReader {
  std::array<int, 2> fds{-1, -1};
  std::vector<std::string>* log = nullptr;
  std::string name;
  OneByteReader() { EXPECT_EQ(::pipe2(fds.data(), O_NONBLOCK | O_CLOEXEC), 0); }
  ~OneByteReader() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  static void on_ready(void* self) {
    auto* r = static_cast<OneByteReader*>(self);
    char c = 0;
    if (::read(r->fds[0], &c, 1) == 1) r->log->push_back(r->name + c);
  }
};

TEST(PortPoller, LevelTriggeredAndFair) {
  boost::asio::io_context io;
  auto& poller = boost::asio::use_service<PortPoller>(io);
  std::vector<std::string> log;
  OneByteReader busy, quiet;
  busy.log = quiet.log = &log;
  busy.name = "busy:";
  quiet.name = "quiet:";
  ASSERT_EQ(::write(busy.fds[1], "abc", 3), 3);
  ASSERT_EQ(::write(quiet.fds[1], "x", 1), 1);
  ASSERT_NE(poller.add(busy.fds[0], &OneByteReader::on_ready, &busy), 0U);
  ASSERT_NE(poller.add(quiet.fds[0], &OneByteReader::on_ready, &quiet), 0U);
  io.run_for(std::chrono::milliseconds(200));
  ASSERT_EQ(log.size(), 4U);
  EXPECT_EQ(std::count(log.begin(), log.end(), "quiet:x"), 1);
  // The busy reader's last byte comes after the quiet one: it did not hold the loop.
  auto quiet_at = std::find(log.begin(), log.end(), "quiet:x") - log.begin();
  auto busy_last = std::find(log.begin(), log.end(), "busy:c") - log.begin();
  EXPECT_LT(quiet_at, busy_last);
  EXPECT_GE(poller.wakeups(), 3U);
}

TEST(PortPoller, RemovedTokenIsNotCalledAndStaleTokensAreIgnored) {
  boost::asio::io_context io;
  auto& poller = boost::asio::use_service<PortPoller>(io);
  std::vector<std::string> log;
  OneByteReader r;
  r.log = &log;
  r.name = "r:";
  ASSERT_EQ(::write(r.fds[1], "z", 1), 1);
  auto token = poller.add(r.fds[0], &OneByteReader::on_ready, &r);
  ASSERT_NE(token, 0U);
  poller.remove(token);
  poller.remove(token);  // twice: no effect
  poller.remove(0);
  EXPECT_EQ(poller.size(), 0U);
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(log.empty());
  // The slot is reused with a new generation; the old token cannot remove it.
  auto again = poller.add(r.fds[0], &OneByteReader::on_ready, &r);
  EXPECT_NE(again, token);
  poller.remove(token);
  EXPECT_EQ(poller.size(), 1U);
  io.restart();
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(log, std::vector<std::string>{"r:z"});
}

TEST(PortPoller, ManyReadyPortsShareAWakeUp) {
  boost::asio::io_context io;
  auto sender = open_udp(io);
  constexpr int kPorts = 64;
  std::vector<std::unique_ptr<DatagramPort>> ports;
  int received = 0;
  for (int i = 0; i < kPorts; ++i) {
    ports.push_back(open_udp(io));
    ports.back()->start([&](gw::ByteView, const PeerAddress&) {
      if (++received == kPorts) io.stop();
    });
    sender->send_to(gw::as_bytes("ping"), PeerAddress{gw::SocketAddress{
                                              *gw::IpAddress::parse("127.0.0.1"), ports.back()->local_endpoint().port}});
  }
  io.run_for(std::chrono::seconds(2));
  EXPECT_EQ(received, kPorts);
  // All 64 datagrams were queued before the loop ran: one or two wake-ups, not 64.
  EXPECT_LE(boost::asio::use_service<PortPoller>(io).wakeups(), 2U);
}

TEST(PortPoller, PortClosedByAnEarlierHandlerInTheSameWakeUpIsSkipped) {
  boost::asio::io_context io;
  auto sender = open_udp(io);
  auto a = open_udp(io);
  auto b = open_udp(io);
  int a_got = 0, b_got = 0;
  // Whichever runs first closes and frees the other.
  a->start([&](gw::ByteView, const PeerAddress&) {
    ++a_got;
    b.reset();
  });
  b->start([&](gw::ByteView, const PeerAddress&) {
    ++b_got;
    a.reset();
  });
  auto ip = *gw::IpAddress::parse("127.0.0.1");
  sender->send_to(gw::as_bytes("1"), PeerAddress{gw::SocketAddress{ip, a->local_endpoint().port}});
  sender->send_to(gw::as_bytes("2"), PeerAddress{gw::SocketAddress{ip, b->local_endpoint().port}});
  io.run_for(std::chrono::milliseconds(200));
  EXPECT_EQ(a_got + b_got, 1);
}

// trigger -> a; a's handler makes b send to sink.
struct RelayRig {
  boost::asio::io_context io;
  gw::IpAddress ip = *gw::IpAddress::parse("127.0.0.1");
  std::unique_ptr<DatagramPort> trigger = open_udp(io), a = open_udp(io), b = open_udp(io), sink = open_udp(io);
  int sink_got = 0;

  PeerAddress to(const std::unique_ptr<DatagramPort>& port) const {
    return PeerAddress{gw::SocketAddress{ip, port->local_endpoint().port}};
  }
  void run(const std::function<void()>& in_a_handler, std::chrono::milliseconds for_how_long) {
    b->start([](gw::ByteView, const PeerAddress&) {});
    a->start([in_a_handler](gw::ByteView, const PeerAddress&) { in_a_handler(); });
    sink->start([this](gw::ByteView, const PeerAddress&) {
      if (++sink_got == 1) io.stop();
    });
    trigger->send_to(gw::as_bytes("go"), to(a));
    io.run_for(for_how_long);
  }
};

TEST(PortPoller, SendsFromHandlersLeaveTogetherAtTheEndOfTheWakeUp) {
  RelayRig rig;
  std::uint64_t b_sent_inside = 99;
  rig.run(
      [&] {
        rig.b->send_to(gw::as_bytes("relayed"), rig.to(rig.sink));
        b_sent_inside = rig.b->counters().tx_packets;
      },
      std::chrono::seconds(2));
  EXPECT_EQ(b_sent_inside, 0U) << "queued during the wake-up";
  EXPECT_EQ(rig.sink_got, 1);
  EXPECT_EQ(rig.b->counters().tx_packets, 1U);
  EXPECT_EQ(rig.b->counters().tx_bytes, 7U);
  // Outside a wake-up a send goes at once.
  rig.b->send_to(gw::as_bytes("now"), rig.to(rig.sink));
  EXPECT_EQ(rig.b->counters().tx_packets, 2U);
}

TEST(PortPoller, DatagramsOfAPortClosedInTheWakeUpAreDropped) {
  RelayRig rig;
  rig.run(
      [&] {
        rig.b->send_to(gw::as_bytes("late"), rig.to(rig.sink));
        rig.b.reset();  // its fd number may be reused before the flush: nothing may go out on it
      },
      std::chrono::milliseconds(200));
  EXPECT_EQ(rig.sink_got, 0);
}

TEST(PortPoller, RunReturnsOnceTheLastPortIsClosed) {
  boost::asio::io_context io;
  auto sender = open_udp(io);  // never started: sends at once, not in the poller
  auto a = open_udp(io);
  auto b = open_udp(io);
  std::unique_ptr<DatagramPort> c;
  int got = 0;
  a->start([](gw::ByteView, const PeerAddress&) {});
  b->start([](gw::ByteView, const PeerAddress&) {});
  boost::asio::post(io, [&] {
    a->close();
    b->close();  // none left: the poller's wait is cancelled
    // Started before that cancelled wait's handler ran: it must still be served.
    c = open_udp(io);
    c->start([&](gw::ByteView, const PeerAddress&) {
      ++got;
      c->close();  // the last one again: run() may return now
    });
    sender->send_to(gw::as_bytes("x"),
                    PeerAddress{gw::SocketAddress{*gw::IpAddress::parse("127.0.0.1"), c->local_endpoint().port}});
  });
  auto t0 = std::chrono::steady_clock::now();
  io.run_for(std::chrono::seconds(3));
  EXPECT_EQ(got, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1)) << "an idle poller held the io_context";
}

}  // namespace
