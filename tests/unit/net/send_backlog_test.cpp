#include "net/send_backlog.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "net/datagram_port.hpp"

namespace {

using gw::net::DatagramPort;
using gw::net::PeerAddress;
using gw::net::SendBacklog;

std::unique_ptr<DatagramPort> open_unix(boost::asio::io_context& io, const std::string& name) {
  std::string path = ::testing::TempDir() + "/gw-bl-" + name + "-" + std::to_string(::getpid());
  auto port = DatagramPort::open(io, *gw::parse_endpoint("unix:" + path));
  EXPECT_TRUE(port.ok());
  return std::move(port).value();
}

std::string numbered(int i) { return "datagram " + std::to_string(i); }

TEST(SendBacklog, BoundedInDatagramsAndBytes) {
  SendBacklog b;
  sockaddr_storage to{};
  std::vector<std::uint8_t> small(10), big(SendBacklog::kMaxBytes - 10 * 9);
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(b.push(small, to, 0));
  ASSERT_TRUE(b.push(big, to, 0));
  EXPECT_EQ(b.bytes(), SendBacklog::kMaxBytes);
  EXPECT_FALSE(b.push(std::vector<std::uint8_t>(1), to, 0));  // bytes
  b.clear();
  for (std::size_t i = 0; i < SendBacklog::kMaxDatagrams; ++i) ASSERT_TRUE(b.push(small, to, 0));
  EXPECT_FALSE(b.push(small, to, 0));  // datagrams
  b.pop();
  EXPECT_EQ(b.size(), SendBacklog::kMaxDatagrams - 1);
  EXPECT_EQ(b.bytes(), 10 * (SendBacklog::kMaxDatagrams - 1));
}

// Sends `count` numbered datagrams from `a` to `b` while `b` does not read,
// then lets `b` read: everything must arrive, in order.
void expect_lossless(boost::asio::io_context& io, DatagramPort& a, DatagramPort& b, int count,
                     const std::function<void()>& send_all) {
  send_all();
  io.run_for(std::chrono::milliseconds(30));  // the retries meet a full queue
  EXPECT_LT(a.counters().tx_packets, static_cast<std::uint64_t>(count));
  EXPECT_GT(a.counters().tx_backlogged, 0U);
  std::vector<std::string> got;
  b.start([&](gw::ByteView data, const PeerAddress&) {
    got.emplace_back(gw::as_string(data));
    if (got.size() == static_cast<std::size_t>(count)) io.stop();
  });
  io.restart();
  io.run_for(std::chrono::seconds(5));
  ASSERT_EQ(got.size(), static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], numbered(i));
  EXPECT_EQ(a.counters().tx_packets, static_cast<std::uint64_t>(count));
  EXPECT_EQ(a.counters().tx_dropped, 0U);
  EXPECT_EQ(a.counters().tx_errors, 0U);
}

// 100 sends straight from the test (not inside a poller wake-up).
void expect_lossless_direct_sends(const std::string& name, bool batching) {
  boost::asio::io_context io;
  auto a = open_unix(io, "a-" + name);
  auto b = open_unix(io, "b-" + name);
  a->set_send_batching(batching);
  a->set_remote(PeerAddress{b->local_endpoint().path});
  expect_lossless(io, *a, *b, 100, [&] {
    for (int i = 0; i < 100; ++i) a->send(gw::as_bytes(numbered(i)));
  });
}

TEST(DatagramPortBacklog, UnixReaderThatFallsBehindLosesNothing) { expect_lossless_direct_sends("single", false); }

TEST(DatagramPortBacklog, BatchedSendsToo) { expect_lossless_direct_sends("batched", true); }

TEST(DatagramPortBacklog, SendsDeferredByThePollerToo) {
  boost::asio::io_context io;
  auto a = open_unix(io, "a3");
  auto b = open_unix(io, "b3");
  auto trigger = open_unix(io, "t3");
  a->set_remote(PeerAddress{b->local_endpoint().path});
  // Sent from a's receive handler: through PortPoller::defer_send.
  a->start([&](gw::ByteView, const PeerAddress&) {
    for (int i = 0; i < 100; ++i) a->send(gw::as_bytes(numbered(i)));
  });
  expect_lossless(io, *a, *b, 100, [&] { trigger->send_to(gw::as_bytes("go"), PeerAddress{a->local_endpoint().path}); });
}

TEST(DatagramPortBacklog, OverflowIsDroppedAndCounted) {
  boost::asio::io_context io;
  auto a = open_unix(io, "a4");
  auto b = open_unix(io, "b4");
  a->set_remote(PeerAddress{b->local_endpoint().path});
  constexpr std::uint64_t kSent = SendBacklog::kMaxDatagrams + 100;
  for (std::uint64_t i = 0; i < kSent; ++i) a->send(gw::as_bytes(numbered(static_cast<int>(i))));
  const auto& c = a->counters();
  EXPECT_EQ(c.tx_dropped, kSent - c.tx_packets - SendBacklog::kMaxDatagrams);
  EXPECT_GT(c.tx_dropped, 0U);
  EXPECT_EQ(c.tx_errors, 0U);
  auto in_kernel = c.tx_packets;
  a->close();  // what still waited is lost with the port, and counted
  EXPECT_EQ(c.tx_dropped, kSent - in_kernel);
  io.run_for(std::chrono::milliseconds(10));  // the cancelled retry must not touch the closed port
}

TEST(DatagramPortBacklog, DestroyedWhileRetryingIsSafe) {
  boost::asio::io_context io;
  auto b = open_unix(io, "b5");
  {
    auto a = open_unix(io, "a5");
    a->set_remote(PeerAddress{b->local_endpoint().path});
    for (int i = 0; i < 50; ++i) a->send(gw::as_bytes(numbered(i)));
    EXPECT_GT(a->counters().tx_backlogged, 0U);
  }
  io.run_for(std::chrono::milliseconds(10));
}

}  // namespace
