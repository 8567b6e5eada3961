#include "net/datagram_port.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace {

using gw::net::DatagramPort;
using gw::net::PeerAddress;

std::unique_ptr<DatagramPort> open_port(boost::asio::io_context& io, const std::string& uri) {
  auto ep = gw::parse_endpoint(uri);
  EXPECT_TRUE(ep.ok());
  auto port = DatagramPort::open(io, *ep);
  EXPECT_TRUE(port.ok()) << (port.ok() ? "" : port.error().message);
  return std::move(port).value();
}

TEST(DatagramPort, UdpLoopbackBothWays) {
  boost::asio::io_context io;
  auto a = open_port(io, "udp:127.0.0.1:0");
  auto b = open_port(io, "udp:127.0.0.1:0");
  ASSERT_NE(a->local_endpoint().port, 0);
  std::string got;
  PeerAddress from;
  b->start([&](gw::ByteView data, const PeerAddress& src) {
    got = std::string(gw::as_string(data));
    from = src;
    io.stop();
  });
  ASSERT_TRUE(a->set_remote(b->local_endpoint()).ok());
  a->send(gw::as_bytes("hello"));
  io.run_for(std::chrono::seconds(2));
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(from.inet().port, a->local_endpoint().port);
  EXPECT_EQ(a->counters().tx_packets, 1U);
  EXPECT_EQ(b->counters().rx_packets, 1U);
}

TEST(DatagramPort, UnixDatagram) {
  boost::asio::io_context io;
  std::string dir = ::testing::TempDir();
  std::string pa = dir + "/gw-dp-a-" + std::to_string(::getpid());
  std::string pb = dir + "/gw-dp-b-" + std::to_string(::getpid());
  auto a = open_port(io, "unix:" + pa);
  auto b = open_port(io, "unix:" + pb);
  std::string got;
  std::string from;
  b->start([&](gw::ByteView data, const PeerAddress& src) {
    got = std::string(gw::as_string(data));
    from = src.path();
    io.stop();
  });
  a->set_remote(PeerAddress{pb});
  a->send(gw::as_bytes("over unix"));
  io.run_for(std::chrono::seconds(2));
  EXPECT_EQ(got, "over unix");
  EXPECT_EQ(from, pa);
  b.reset();
  EXPECT_NE(::access(pb.c_str(), F_OK), 0) << "socket file removed on close";
}

TEST(DatagramPort, SendWithoutRemoteIsCounted) {
  boost::asio::io_context io;
  auto a = open_port(io, "udp:127.0.0.1:0");
  a->send(gw::as_bytes("x"));
  EXPECT_EQ(a->counters().tx_no_remote, 1U);
}

TEST(DatagramPort, BadEndpointIsAnError) {
  boost::asio::io_context io;
  auto r = DatagramPort::open(io, *gw::parse_endpoint("tcp:127.0.0.1:0"));
  EXPECT_FALSE(r.ok());
  auto bad = DatagramPort::open(io, *gw::parse_endpoint("udp:192.0.2.55:0"));
  EXPECT_FALSE(bad.ok()) << "cannot bind an address this host does not have";
}

}  // namespace

namespace {
TEST(DatagramPort, BatchedSendsArriveInOrderWithFewerSyscalls) {
  boost::asio::io_context io;
  auto a = open_port(io, "udp:127.0.0.1:0");
  auto b = open_port(io, "udp:127.0.0.1:0");
  ASSERT_TRUE(a->set_buffer_sizes(1 << 20, 1 << 20).ok());
  a->set_send_batching(true);
  ASSERT_TRUE(a->set_remote(b->local_endpoint()).ok());
  std::vector<int> got;
  b->start([&](gw::ByteView data, const PeerAddress&) {
    got.push_back(data[0] | (data[1] << 8));
    if (got.size() == 100) io.stop();
  });
  boost::asio::post(io, [&] {
    for (int i = 0; i < 100; ++i) {
      std::uint8_t p[2] = {static_cast<std::uint8_t>(i & 0xff), static_cast<std::uint8_t>(i >> 8)};
      a->send(gw::ByteView(p, 2));
    }
  });
  io.run_for(std::chrono::seconds(2));
  ASSERT_EQ(got.size(), 100U);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(a->counters().tx_packets, 100U);
  EXPECT_LE(a->counters().tx_batches, 4U) << "32 datagrams per sendmmsg";
}

// A dual-stack port ([::]) reaches an IPv4 peer, on the direct path and the
// batched one alike, from its own port.
TEST(DatagramPort, DualStackPortSendsToAnIpv4Peer) {
  boost::asio::io_context io;
  auto a = open_port(io, "udp:[::]:0");
  auto b = open_port(io, "udp:127.0.0.1:0");
  ASSERT_TRUE(a->set_remote(b->local_endpoint()).ok());
  std::vector<std::string> got;
  std::uint16_t from_port = 0;
  b->start([&](gw::ByteView data, const PeerAddress& src) {
    got.emplace_back(gw::as_string(data));
    from_port = src.inet().port;
    if (got.size() == 2) io.stop();
  });
  boost::asio::post(io, [&] {
    a->send(gw::as_bytes("direct"));
    a->set_send_batching(true);
    a->send(gw::as_bytes("batched"));
  });
  io.run_for(std::chrono::seconds(2));
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0], "direct");
  EXPECT_EQ(got[1], "batched");
  EXPECT_EQ(from_port, a->local_endpoint().port);
  EXPECT_EQ(a->counters().tx_errors, 0U);
}

TEST(DatagramPort, ClosingWithQueuedSendsIsSafe) {
  boost::asio::io_context io;
  auto a = open_port(io, "udp:127.0.0.1:0");
  auto b = open_port(io, "udp:127.0.0.1:0");
  a->set_send_batching(true);
  ASSERT_TRUE(a->set_remote(b->local_endpoint()).ok());
  a->send(gw::as_bytes("queued"));
  a.reset();  // the posted flush must not touch the destroyed port
  io.run_for(std::chrono::milliseconds(100));
  SUCCEED();
}
}  // namespace
