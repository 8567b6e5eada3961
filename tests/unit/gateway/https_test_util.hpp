// Test client and fixture for the HTTPS/WSS server: the server and a Beast
// client (coroutines) share one io_context on the test thread, so the
// handler needs no locks; every run is bounded in time.
#pragma once

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dtls/certificate.hpp"
#include "gateway/https_server.hpp"
#include "net/asio_address.hpp"

namespace gw::gateway::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using ClientTls = beast::ssl_stream<beast::tcp_stream>;
using ClientWs = websocket::stream<ClientTls>;
using Response = http::response<http::string_body>;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "gw-https-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

inline void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Records every call; echoes WebSocket text; answers the API as told.
class TestHandler : public ApiHandler {
 public:
  HttpsServer* server = nullptr;
  bool echo = true;
  std::vector<ConnectionId> opened;
  std::map<ConnectionId, int> closes;
  std::vector<std::string> messages;
  std::vector<HttpApiRequest> api;
  std::function<void(HttpApiRequest, std::function<void(HttpReply)>)> api_reply;  // default: 201 at once

  void on_ws_open(ConnectionId id, const IpAddress& /*client*/) override { opened.push_back(id); }
  void on_ws_message(ConnectionId id, std::string_view text) override {
    messages.emplace_back(text);
    if (echo && server != nullptr) server->send(id, std::string(text));
  }
  void on_ws_close(ConnectionId id) override { ++closes[id]; }
  void on_http_api(HttpApiRequest request, std::function<void(HttpReply)> reply) override {
    api.push_back(request);
    if (api_reply) {
      api_reply(std::move(request), std::move(reply));
    } else {
      reply(HttpReply{
          201, R"({"call_id":"c-1","sdp":"v=0"})", "application/json", {{"Location", "/api/v1/calls/c-1"}}});
    }
  }
};

inline std::string peer_fingerprint(ClientTls& s) {
  X509* x = SSL_get1_peer_certificate(s.native_handle());
  if (x == nullptr) return {};
  auto f = dtls::Fingerprint::of(x);
  X509_free(x);
  return f ? f->to_string() : std::string();
}

class HttpsFixture : public ::testing::Test {
 protected:
  asio::io_context io;
  TempDir dir;
  TestHandler handler;
  std::unique_ptr<HttpsServer> server;
  ssl::context client_ctx{ssl::context::tls_client};  // verify_none: self-signed

  HttpsServerConfig base_config() {
    HttpsServerConfig c;
    c.listen = *SocketAddress::parse("127.0.0.1:0");
    c.state_dir = (dir.path / "state").string();
    c.web_root = (dir.path / "web").string();
    return c;
  }

  void start(const HttpsServerConfig& c) {
    auto r = HttpsServer::create(io, c, handler);
    ASSERT_TRUE(r.ok()) << r.error().code << ": " << r.error().message;
    server = std::move(*r);
    handler.server = server.get();
    server->start();
  }

  tcp::endpoint endpoint() const {
    auto a = server->local_address();
    return {net::to_asio(a.ip), a.port};
  }

  // Runs `coro` to its end (bounded), the server running alongside.
  template <class T>
  T run(asio::awaitable<T> coro, Duration limit = seconds(10)) {
    std::optional<T> out;
    std::string failure;
    bool done = false;
    asio::co_spawn(io, std::move(coro), [&](std::exception_ptr e, T v) {
      done = true;
      if (!e) {
        out = std::move(v);
        return;
      }
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        failure = x.what();
      }
    });
    io.restart();
    const auto deadline = Clock::now() + limit;
    while (!done && Clock::now() < deadline) io.run_one_until(deadline);
    EXPECT_TRUE(done) << "client did not finish in time";
    EXPECT_EQ(failure, "");
    return out ? std::move(*out) : T{};
  }

  // Lets the loop run (server-side work) for `d`.
  void pump(Duration d) {
    io.restart();
    io.run_for(d);
  }

  asio::awaitable<std::unique_ptr<ClientTls>> tls_connect() {
    auto s = std::make_unique<ClientTls>(co_await asio::this_coro::executor, client_ctx);
    beast::get_lowest_layer(*s).expires_after(seconds(5));
    co_await beast::get_lowest_layer(*s).async_connect(endpoint(), asio::use_awaitable);
    // SSL_set_tlsext_host_name is a macro with an old-style cast.
    SSL_ctrl(s->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>("localhost"));
    co_await s->async_handshake(ssl::stream_base::client, asio::use_awaitable);
    co_return s;
  }

  static asio::awaitable<Response> request(ClientTls& s, http::verb method, std::string target,
                                           std::string body = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost");
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    beast::get_lowest_layer(s).expires_after(seconds(5));
    co_await http::async_write(s, req, asio::use_awaitable);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    parser.skip(method == http::verb::head);
    co_await http::async_read(s, buf, parser, asio::use_awaitable);
    co_return parser.release();
  }

  // One request on a fresh connection.
  asio::awaitable<Response> fetch(http::verb method, std::string target, std::string body = {}) {
    auto s = co_await tls_connect();
    co_return co_await request(*s, method, std::move(target), std::move(body));
  }

  asio::awaitable<std::unique_ptr<ClientWs>> ws_connect() {
    auto tls = co_await tls_connect();
    auto ws = std::make_unique<ClientWs>(std::move(*tls));
    beast::get_lowest_layer(*ws).expires_never();
    ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    co_await ws->async_handshake("localhost", "/api/v1/ws", asio::use_awaitable);
    co_return ws;
  }

  // Reads until the server closes; returns the close code (0: no close frame).
  static asio::awaitable<int> read_until_close(ClientWs& ws) {
    beast::flat_buffer buf;
    for (;;) {
      auto [ec, n] = co_await ws.async_read(buf, kAwait);
      buf.consume(n);
      // A close frame may come with a teardown error (e.g. no TLS close_notify): the code counts.
      if (ec) {
        if (ec != websocket::error::closed) std::fprintf(stderr, "client read: %s\n", ec.message().c_str());
        co_return static_cast<int>(ws.reason().code);
      }
    }
  }
};

}  // namespace gw::gateway::test
