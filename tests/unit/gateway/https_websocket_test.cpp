// WebSocket side of gateway::HttpsServer: echo, close codes, idle timeout,
// send queue cap, shutdown, and on_ws_close exactly once.
#include <gtest/gtest.h>

#include "https_test_util.hpp"

namespace gw::gateway::test {
namespace {

using HttpsWebSocketTest = HttpsFixture;

void expect_each_closed_once(const TestHandler& h) {
  for (auto id : h.opened) {
    auto it = h.closes.find(id);
    ASSERT_NE(it, h.closes.end()) << "connection " << id << " never closed";
    EXPECT_EQ(it->second, 1) << "connection " << id;
  }
  EXPECT_EQ(h.closes.size(), h.opened.size());
}

TEST_F(HttpsWebSocketTest, EchoRoundTrip) {
  start(base_config());
  auto replies = run([this]() -> asio::awaitable<std::vector<std::string>> {
    auto ws = co_await ws_connect();
    std::vector<std::string> out;
    for (std::string text :
         std::vector<std::string>{R"({"id":1,"type":"hello"})", "second", std::string(60000, 'x')}) {
      ws->text(true);
      co_await ws->async_write(asio::buffer(text), asio::use_awaitable);
      beast::flat_buffer buf;
      co_await ws->async_read(buf, asio::use_awaitable);
      out.push_back(beast::buffers_to_string(buf.data()));
    }
    co_await ws->async_close(websocket::close_code::normal, asio::use_awaitable);
    co_return out;
  }());
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0], R"({"id":1,"type":"hello"})");
  EXPECT_EQ(replies[1], "second");
  EXPECT_EQ(replies[2].size(), 60000u);
  pump(milliseconds(50));
  ASSERT_EQ(handler.opened.size(), 1u);
  EXPECT_EQ(handler.messages.size(), 3u);
  expect_each_closed_once(handler);
  const auto& k = server->counters();
  EXPECT_EQ(k.ws_opened, 1u);
  EXPECT_EQ(k.ws_closed, 1u);
  EXPECT_EQ(k.ws_frames_in, 3u);
  EXPECT_EQ(k.ws_frames_out, 3u);
  EXPECT_EQ(k.ws_open, 0u);
  EXPECT_FALSE(server->send(handler.opened[0], "gone"));
}

TEST_F(HttpsWebSocketTest, BinaryFrameIsClosedWith1003) {
  start(base_config());
  int code = run([this]() -> asio::awaitable<int> {
    auto ws = co_await ws_connect();
    ws->binary(true);
    std::string data = "\x01\x02";
    co_await ws->async_write(asio::buffer(data), asio::use_awaitable);
    co_return co_await read_until_close(*ws);
  }());
  EXPECT_EQ(code, 1003);
  pump(milliseconds(50));
  EXPECT_EQ(server->counters().ws_binary_refused, 1u);
  EXPECT_TRUE(handler.messages.empty());
  expect_each_closed_once(handler);
}

TEST_F(HttpsWebSocketTest, OversizedFrameIsClosedWith1009) {
  auto c = base_config();
  c.limits.max_frame_bytes = 1024;
  start(c);
  int code = run([this]() -> asio::awaitable<int> {
    auto ws = co_await ws_connect();
    std::string data(2000, 'a');
    co_await ws->async_write(asio::buffer(data), asio::use_awaitable);
    co_return co_await read_until_close(*ws);
  }());
  EXPECT_EQ(code, 1009);
  pump(milliseconds(50));
  EXPECT_EQ(server->counters().ws_oversized, 1u);
  EXPECT_TRUE(handler.messages.empty());
  expect_each_closed_once(handler);
}

TEST_F(HttpsWebSocketTest, ServerCloseWithCodeAfterQueuedFrames) {
  start(base_config());
  handler.echo = false;
  auto got = run([this]() -> asio::awaitable<std::pair<std::string, int>> {
    auto ws = co_await ws_connect();
    std::string hi = "hi";
    co_await ws->async_write(asio::buffer(hi), asio::use_awaitable);
    // The handler has the id now: queue one frame, then close 1008.
    while (handler.opened.empty() || handler.messages.empty()) {
      asio::steady_timer t(co_await asio::this_coro::executor, milliseconds(5));
      co_await t.async_wait(asio::use_awaitable);
    }
    EXPECT_TRUE(server->send(handler.opened[0], "last words"));
    server->close(handler.opened[0], 1008, "policy");
    EXPECT_FALSE(server->send(handler.opened[0], "too late"));
    beast::flat_buffer buf;
    co_await ws->async_read(buf, asio::use_awaitable);
    std::string text = beast::buffers_to_string(buf.data());
    co_return std::pair{text, co_await read_until_close(*ws)};
  }());
  EXPECT_EQ(got.first, "last words");
  EXPECT_EQ(got.second, 1008);
  pump(milliseconds(50));
  expect_each_closed_once(handler);
}

TEST_F(HttpsWebSocketTest, PeerVanishingCallsCloseOnce) {
  start(base_config());
  run([this]() -> asio::awaitable<bool> {
    auto ws = co_await ws_connect();
    beast::get_lowest_layer(*ws).close();  // no close frame
    co_return true;
  }());
  pump(milliseconds(100));
  ASSERT_EQ(handler.opened.size(), 1u);
  expect_each_closed_once(handler);
  EXPECT_EQ(server->counters().connections_open, 0u);
}

TEST_F(HttpsWebSocketTest, IdleSocketWithoutPongsIsClosed) {
  auto c = base_config();
  c.ws_ping_interval = milliseconds(100);
  c.ws_idle_timeout = milliseconds(400);
  start(c);
  // `deaf` never reads, so its Beast client never answers pings; `alive` does.
  auto deaf = run(ws_connect());
  auto alive = run(ws_connect());
  ASSERT_TRUE(deaf && alive);
  beast::flat_buffer buf;
  bool alive_failed = false;
  alive->async_read(buf,
                    [&](boost::system::error_code ec, std::size_t) { alive_failed = static_cast<bool>(ec); });
  pump(milliseconds(900));
  ASSERT_EQ(handler.opened.size(), 2u);
  EXPECT_EQ(handler.closes.count(handler.opened[0]), 1u);
  EXPECT_EQ(handler.closes.count(handler.opened[1]), 0u);
  EXPECT_FALSE(alive_failed);
  EXPECT_EQ(server->counters().ws_idle_closed, 1u);
  EXPECT_TRUE(server->send(handler.opened[1], "still here"));
  pump(milliseconds(100));
  EXPECT_EQ(beast::buffers_to_string(buf.data()), "still here");
}

TEST_F(HttpsWebSocketTest, SendQueueIsCapped) {
  auto c = base_config();
  c.max_ws_queue_bytes = 100 * 1024;
  start(c);
  auto ws = run(ws_connect());
  pump(milliseconds(20));
  ASSERT_EQ(handler.opened.size(), 1u);
  const std::string chunk(40 * 1024, 'z');
  // Nothing is written until the loop runs: the queue holds all of them.
  EXPECT_TRUE(server->send(handler.opened[0], chunk));
  EXPECT_TRUE(server->send(handler.opened[0], chunk));
  EXPECT_FALSE(server->send(handler.opened[0], chunk));  // 120 KiB > 100 KiB: closed
  EXPECT_FALSE(server->send(handler.opened[0], "x"));
  EXPECT_EQ(server->counters().ws_slow_consumers, 1u);
  pump(milliseconds(100));
  expect_each_closed_once(handler);
}

TEST_F(HttpsWebSocketTest, ShutdownClosesWith1001) {
  start(base_config());
  auto a = run(ws_connect());
  auto b = run(ws_connect());
  ASSERT_TRUE(a && b);
  int code_a = -1;
  int code_b = -1;
  asio::co_spawn(io, read_until_close(*a), [&](std::exception_ptr, int c) { code_a = c; });
  asio::co_spawn(io, read_until_close(*b), [&](std::exception_ptr, int c) { code_b = c; });
  pump(milliseconds(20));
  server->shutdown(seconds(2));
  io.restart();
  const auto deadline = Clock::now() + seconds(5);
  while ((code_a < 0 || code_b < 0) && Clock::now() < deadline) io.run_one_until(deadline);
  EXPECT_EQ(code_a, 1001);
  EXPECT_EQ(code_b, 1001);
  pump(milliseconds(100));
  ASSERT_EQ(handler.opened.size(), 2u);
  expect_each_closed_once(handler);
  EXPECT_EQ(server->counters().connections_open, 0u);
  // New connections are refused (the listener is closed).
  bool refused = run([this]() -> asio::awaitable<bool> {
    tcp::socket s(co_await asio::this_coro::executor);
    auto [ec] = co_await s.async_connect(endpoint(), kAwait);
    co_return static_cast<bool>(ec);
  }());
  EXPECT_TRUE(refused);
}

TEST_F(HttpsWebSocketTest, DestroyingTheServerDoesNotCallTheHandler) {
  start(base_config());
  auto ws = run(ws_connect());
  pump(milliseconds(20));
  ASSERT_EQ(handler.opened.size(), 1u);
  server.reset();
  pump(milliseconds(100));
  EXPECT_TRUE(handler.closes.empty());
}

}  // namespace
}  // namespace gw::gateway::test
