// HTTPS side of gateway::HttpsServer: certificates, static files, the API
// hand-off, limits and rate limiting, reload. WebSocket tests are in
// https_websocket_test.cpp.
#include "gateway/https_server.hpp"

#include <gtest/gtest.h>

#include "gateway/tls_identity.hpp"
#include "https_test_util.hpp"

namespace gw::gateway::test {
namespace {

using HttpsServerTest = HttpsFixture;

TEST_F(HttpsServerTest, SelfSignedCertificateIsMadeThenReused) {
  auto c = base_config();
  start(c);
  const std::string first = server->certificate_fingerprint();
  EXPECT_TRUE(first.starts_with("sha-256 "));
  auto s = run(tls_connect());
  ASSERT_TRUE(s);
  EXPECT_EQ(peer_fingerprint(*s), first);
  s.reset();
  server.reset();

  const fs::path state = dir.path / "state";
  struct stat st {};
  ASSERT_EQ(::stat((state / "tls-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(state.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  start(c);
  EXPECT_EQ(server->certificate_fingerprint(), first);
}

TEST_F(HttpsServerTest, BadCertificateFilesAreErrors) {
  auto c = base_config();
  c.cert_file = (dir.path / "missing-cert.pem").string();
  c.key_file = (dir.path / "missing-key.pem").string();
  auto r = HttpsServer::create(io, c, handler);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("missing-cert.pem"), std::string::npos);

  auto a = generate_self_signed({"localhost"});
  auto b = generate_self_signed({"localhost"});
  ASSERT_TRUE(a && b);
  write_file(dir.path / "a.pem", a->cert_pem);
  write_file(dir.path / "b.key", b->key_pem);
  c.cert_file = (dir.path / "a.pem").string();
  c.key_file = (dir.path / "b.key").string();
  auto mismatch = HttpsServer::create(io, c, handler);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, "tls.key-mismatch");

  c.key_file.reset();
  EXPECT_FALSE(HttpsServer::create(io, c, handler).ok());
}

TEST_F(HttpsServerTest, ServesStaticFilesWithTypesAndSecurityHeaders) {
  write_file(dir.path / "web" / "index.html", "<h1>hi</h1>");
  write_file(dir.path / "web" / "js" / "app.js", "console.log(1);");
  start(base_config());
  auto index = run(fetch(http::verb::get, "/"));
  EXPECT_EQ(index.result_int(), 200u);
  EXPECT_EQ(index.body(), "<h1>hi</h1>");
  EXPECT_EQ(index[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(index[http::field::server], "webrtc-gw");
  EXPECT_EQ(index[http::field::cache_control], "no-cache");
  EXPECT_EQ(index["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(index["Referrer-Policy"], "no-referrer");
  EXPECT_NE(index["Content-Security-Policy"].find("connect-src 'self' wss:"), std::string::npos);

  auto js = run(fetch(http::verb::get, "/js/app.js?v=3"));
  EXPECT_EQ(js.result_int(), 200u);
  EXPECT_EQ(js[http::field::content_type], "text/javascript; charset=utf-8");
  auto head = run(fetch(http::verb::head, "/js/app.js"));
  EXPECT_EQ(head.result_int(), 200u);
  EXPECT_EQ(head[http::field::content_length], "15");

  EXPECT_EQ(run(fetch(http::verb::get, "/nothing.css")).result_int(), 404u);
  auto post = run(fetch(http::verb::post, "/index.html", "x"));
  EXPECT_EQ(post.result_int(), 405u);
  EXPECT_EQ(post[http::field::allow], "GET, HEAD");
}

TEST_F(HttpsServerTest, PathTraversalIsRefused) {
  write_file(dir.path / "web" / "index.html", "ok");
  write_file(dir.path / "secret.txt", "secret");
  start(base_config());
  for (const char* target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt",
        "/a/../../secret.txt", "/%00index.html", "/.hidden", "/%zz"}) {
    auto res = run(fetch(http::verb::get, target));
    EXPECT_TRUE(res.result_int() == 403 || res.result_int() == 404) << target << " -> " << res.result_int();
    EXPECT_EQ(res.body().find("secret"), std::string::npos) << target;
  }
}

TEST_F(HttpsServerTest, HealthAndApiRouting) {
  start(base_config());
  auto health = run(fetch(http::verb::get, "/healthz"));
  EXPECT_EQ(health.result_int(), 200u);
  EXPECT_EQ(health.body(), R"({"status":"ok"})");
  // HEAD then GET on one connection: the HEAD reply must carry no body.
  auto pair = run([this]() -> asio::awaitable<std::pair<Response, Response>> {
    auto s = co_await tls_connect();
    auto head = co_await request(*s, http::verb::head, "/healthz");
    auto get = co_await request(*s, http::verb::get, "/healthz");
    co_return std::pair{std::move(head), std::move(get)};
  }());
  EXPECT_EQ(pair.first.result_int(), 200u);
  EXPECT_EQ(pair.first[http::field::content_length], "15");
  EXPECT_EQ(pair.second.body(), R"({"status":"ok"})");

  auto unknown = run(fetch(http::verb::get, "/api/v1/nothing"));
  EXPECT_EQ(unknown.result_int(), 404u);
  EXPECT_NE(unknown.body().find("\"error\""), std::string::npos);
  auto wrong = run(fetch(http::verb::get, "/api/v1/calls"));
  EXPECT_EQ(wrong.result_int(), 405u);
  EXPECT_EQ(wrong[http::field::allow], "POST");
  auto wrong_delete = run(fetch(http::verb::put, "/api/v1/calls/c-1"));
  EXPECT_EQ(wrong_delete.result_int(), 405u);
  EXPECT_EQ(wrong_delete[http::field::allow], "DELETE");
  EXPECT_EQ(run(fetch(http::verb::get, "/api/v1/ws")).result_int(), 426u);
  EXPECT_TRUE(handler.api.empty());
}

TEST_F(HttpsServerTest, ApiRequestGetsAnAsyncReply) {
  start(base_config());
  asio::steady_timer later(io);
  handler.api_reply = [&](HttpApiRequest, std::function<void(HttpReply)> reply) {
    later.expires_after(milliseconds(50));
    later.async_wait([reply](boost::system::error_code) {
      reply(HttpReply{201,
                      R"({"call_id":"c-7","sdp":"v=0"})",
                      "application/json",
                      {{"Location", "/api/v1/calls/c-7"}, {"Bad\r\nHeader", "x"}}});
      reply(HttpReply{500, "twice", "text/plain", {}});  // ignored
    });
  };
  const std::string offer = R"({"target":"echo","sdp":"v=0\r\n"})";
  auto created = run(fetch(http::verb::post, "/api/v1/calls", offer));
  EXPECT_EQ(created.result_int(), 201u);
  EXPECT_EQ(created.body(), R"({"call_id":"c-7","sdp":"v=0"})");
  EXPECT_EQ(created[http::field::location], "/api/v1/calls/c-7");
  ASSERT_EQ(handler.api.size(), 1u);
  EXPECT_EQ(handler.api[0].route.kind, HttpRoute::Kind::create_call);
  EXPECT_EQ(handler.api[0].body, offer);
  EXPECT_EQ(handler.api[0].client.to_string(), "127.0.0.1");

  handler.api_reply = [](HttpApiRequest, std::function<void(HttpReply)> reply) {
    reply(HttpReply{204, "", "", {}});
  };
  auto deleted = run(fetch(http::verb::delete_, "/api/v1/calls/c-7"));
  EXPECT_EQ(deleted.result_int(), 204u);
  ASSERT_EQ(handler.api.size(), 2u);
  EXPECT_EQ(handler.api[1].route.kind, HttpRoute::Kind::delete_call);
  EXPECT_EQ(handler.api[1].route.call_id, "c-7");
}

TEST_F(HttpsServerTest, KeepAliveServesSeveralRequests) {
  start(base_config());
  auto statuses = run([this]() -> asio::awaitable<std::vector<unsigned>> {
    auto s = co_await tls_connect();
    std::vector<unsigned> out;
    for (int i = 0; i < 3; ++i)
      out.push_back((co_await request(*s, http::verb::get, "/healthz")).result_int());
    co_return out;
  }());
  EXPECT_EQ(statuses, (std::vector<unsigned>{200, 200, 200}));
  EXPECT_EQ(server->counters().connections_accepted, 1u);
}

TEST_F(HttpsServerTest, OversizedBodyIs413) {
  auto c = base_config();
  c.limits.max_frame_bytes = 1024;
  start(c);
  auto res = run(fetch(http::verb::post, "/api/v1/calls", std::string(2000, 'x')));
  EXPECT_EQ(res.result_int(), 413u);
  EXPECT_NE(res.body().find("\"too-large\""), std::string::npos);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(handler.api.empty());
}

TEST_F(HttpsServerTest, BadRequestsAnd431) {
  start(base_config());
  auto raw = [this](std::string bytes) -> asio::awaitable<Response> {
    auto s = co_await tls_connect();
    co_await asio::async_write(*s, asio::buffer(bytes), asio::use_awaitable);
    beast::flat_buffer buf;
    Response res;
    co_await http::async_read(*s, buf, res, asio::use_awaitable);
    co_return res;
  };
  EXPECT_EQ(run(raw("GARBAGE\r\n\r\n")).result_int(), 400u);
  std::string big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n";
  EXPECT_EQ(run(raw(big)).result_int(), 431u);
  EXPECT_GE(server->counters().http_4xx, 2u);
}

TEST_F(HttpsServerTest, PlainHttpOnTheTlsPortFailsTheHandshake) {
  start(base_config());
  bool closed = run([this]() -> asio::awaitable<bool> {
    tcp::socket sock(co_await asio::this_coro::executor);
    co_await sock.async_connect(endpoint(), asio::use_awaitable);
    std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    co_await asio::async_write(sock, asio::buffer(req), asio::use_awaitable);
    char b[512];
    auto [ec, n] = co_await sock.async_read_some(asio::buffer(b), kAwait);
    for (;;) {
      if (ec) co_return true;
      std::tie(ec, n) = co_await sock.async_read_some(asio::buffer(b), kAwait);
    }
  }());
  EXPECT_TRUE(closed);
  EXPECT_EQ(server->counters().tls_handshake_failures, 1u);
  EXPECT_EQ(run(fetch(http::verb::get, "/healthz")).result_int(), 200u);
}

TEST_F(HttpsServerTest, SlowHeadersAreCut) {
  auto c = base_config();
  c.header_timeout = milliseconds(300);
  start(c);
  const auto t0 = Clock::now();
  bool closed = run([this]() -> asio::awaitable<bool> {
    auto s = co_await tls_connect();
    std::string part = "GET / HTTP/1.1\r\nHost: x\r\n";  // never finished
    co_await asio::async_write(*s, asio::buffer(part), asio::use_awaitable);
    beast::get_lowest_layer(*s).expires_after(seconds(5));
    char b[64];
    auto [ec, n] = co_await s->async_read_some(asio::buffer(b), kAwait);
    co_return ec&& ec != beast::error::timeout;
  }());
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - t0, seconds(3));
  EXPECT_EQ(server->counters().http_timeouts, 1u);
}

TEST_F(HttpsServerTest, ConnectionFloodGets429ThenRecovers) {
  auto c = base_config();
  c.connections_per_ip_per_s = 5;
  c.connection_burst = 5;
  start(c);
  auto statuses = run([this]() -> asio::awaitable<std::vector<unsigned>> {
    std::vector<unsigned> out;
    for (int i = 0; i < 15; ++i) out.push_back((co_await fetch(http::verb::get, "/healthz")).result_int());
    co_return out;
  }());
  const auto ok = std::count(statuses.begin(), statuses.end(), 200u);
  const auto limited = std::count(statuses.begin(), statuses.end(), 429u);
  EXPECT_EQ(ok + limited, 15);
  EXPECT_GE(limited, 5);
  EXPECT_LE(ok, 9);
  EXPECT_EQ(server->counters().connections_refused_rate, static_cast<std::uint64_t>(limited));
  auto refused = run(fetch(http::verb::get, "/healthz"));
  if (refused.result_int() == 429) {
    EXPECT_NE(refused.body().find("\"rate-limited\""), std::string::npos);
  }

  pump(milliseconds(500));  // 2.5 tokens back
  EXPECT_EQ(run(fetch(http::verb::get, "/healthz")).result_int(), 200u);
}

TEST_F(HttpsServerTest, ConnectionsOverTheCapAreClosed) {
  auto c = base_config();
  c.max_connections = 2;
  start(c);
  auto result = run([this]() -> asio::awaitable<bool> {
    auto a = co_await tls_connect();
    auto b = co_await tls_connect();
    auto third = std::make_unique<ClientTls>(co_await asio::this_coro::executor, client_ctx);
    beast::get_lowest_layer(*third).expires_after(seconds(5));
    co_await beast::get_lowest_layer(*third).async_connect(endpoint(), asio::use_awaitable);
    auto [ec] = co_await third->async_handshake(ssl::stream_base::client, kAwait);
    co_return static_cast<bool>(ec);
  }());
  EXPECT_TRUE(result);
  EXPECT_EQ(server->counters().connections_refused_limit, 1u);
  pump(milliseconds(50));  // the two held connections are gone now
  EXPECT_EQ(run(fetch(http::verb::get, "/healthz")).result_int(), 200u);
}

TEST_F(HttpsServerTest, ReloadServesTheNewCertificateToNewConnections) {
  auto a = generate_self_signed({"localhost"});
  auto b = generate_self_signed({"localhost"});
  ASSERT_TRUE(a && b);
  const fs::path cert = dir.path / "cert.pem";
  const fs::path key = dir.path / "key.pem";
  write_file(cert, a->cert_pem);
  write_file(key, a->key_pem);
  auto c = base_config();
  c.cert_file = cert.string();
  c.key_file = key.string();
  start(c);
  EXPECT_EQ(server->certificate_fingerprint(), a->fingerprint);
  auto old_conn = run(tls_connect());
  ASSERT_TRUE(old_conn);
  EXPECT_EQ(peer_fingerprint(*old_conn), a->fingerprint);

  write_file(cert, b->cert_pem);
  write_file(key, b->key_pem);
  ASSERT_TRUE(server->reload_certificates().ok());
  EXPECT_EQ(server->certificate_fingerprint(), b->fingerprint);
  auto fresh = run(tls_connect());
  ASSERT_TRUE(fresh);
  EXPECT_EQ(peer_fingerprint(*fresh), b->fingerprint);
  // The connection made before the reload still works.
  EXPECT_EQ(run(request(*old_conn, http::verb::get, "/healthz")).result_int(), 200u);

  write_file(key, a->key_pem);  // mismatch: the reload fails, b stays
  EXPECT_FALSE(server->reload_certificates().ok());
  EXPECT_EQ(server->certificate_fingerprint(), b->fingerprint);
  auto still = run(tls_connect());
  ASSERT_TRUE(still);
  EXPECT_EQ(peer_fingerprint(*still), b->fingerprint);
}

TEST_F(HttpsServerTest, ShutdownLetsTheLoopRunOutOfWork) {
  start(base_config());
  EXPECT_EQ(run(fetch(http::verb::get, "/healthz")).result_int(), 200u);
  auto idle = run(tls_connect());  // an idle keep-alive connection
  server->shutdown(seconds(2));
  idle.reset();
  io.restart();
  const auto t0 = Clock::now();
  io.run_for(seconds(5));
  EXPECT_TRUE(io.stopped());
  EXPECT_LT(Clock::now() - t0, seconds(3));
  EXPECT_EQ(server->counters().connections_open, 0u);
}

}  // namespace
}  // namespace gw::gateway::test
