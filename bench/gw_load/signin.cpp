#include "signin.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <map>

#include "stats.hpp"
#include "util/clock.hpp"

namespace gw::load {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
constexpr auto kAwait = asio::use_awaitable;

// Text of the response's error code, or "" when ok:true.
std::string response_error(const json::object& r) {
  if (auto* ok = r.if_contains("ok"); ok && ok->is_bool() && ok->as_bool()) return {};
  if (auto* e = r.if_contains("error"); e && e->is_object())
    if (auto* c = e->as_object().if_contains("code"); c && c->is_string()) return std::string(c->as_string());
  return "malformed-response";
}

class SigninRun {
 public:
  explicit SigninRun(const SigninOptions& o)
      : o_(o), ctx_(ssl::context::tls_client), go_(io_), end_(io_), deadline_(io_) {
    ctx_.set_verify_mode(ssl::verify_none);  // self-signed gateway certificate
    go_.expires_at(asio::steady_timer::time_point::max());
    end_.expires_at(asio::steady_timer::time_point::max());
  }

  json::object run() {
    for (std::uint32_t i = 0; i < o_.sessions; ++i) asio::co_spawn(io_, session(i), asio::detached);
    deadline_.expires_after(std::chrono::duration_cast<Duration>(
        std::chrono::duration<double>(o_.timeout_s + o_.sessions / o_.rate)));
    deadline_.async_wait([this](error_code ec) {
      if (ec) return;
      timed_out_ = true;
      release_all();
      for (auto& w : streams_)
        if (auto s = w.lock()) beast::get_lowest_layer(*s).close();
    });
    io_.run();
    return summary();
  }

 private:
  asio::awaitable<error_code> open(Ws& ws) {
    error_code ec;
    tcp::resolver resolver(io_);
    auto results = co_await resolver.async_resolve(o_.host, o_.port, asio::redirect_error(kAwait, ec));
    if (ec) co_return ec;
    beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(15));
    co_await beast::get_lowest_layer(ws).async_connect(results, asio::redirect_error(kAwait, ec));
    if (ec) co_return ec;
    co_await ws.next_layer().async_handshake(ssl::stream_base::client, asio::redirect_error(kAwait, ec));
    if (ec) co_return ec;
    beast::get_lowest_layer(ws).expires_never();  // websocket timeouts from here on
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    co_await ws.async_handshake(o_.host + ":" + o_.port, "/api/v1/ws", asio::redirect_error(kAwait, ec));
    co_return ec;
  }

  // Sends `request`, then reads frames (skipping events) until the response
  // with the same id; returns its error code ("" for ok) or a transport error.
  asio::awaitable<std::string> ask(Ws& ws, const json::object& request) {
    error_code ec;
    ws.text(true);
    co_await ws.async_write(asio::buffer(json::serialize(request)), asio::redirect_error(kAwait, ec));
    while (!ec) {
      beast::flat_buffer buf;
      co_await ws.async_read(buf, asio::redirect_error(kAwait, ec));
      if (ec) break;
      error_code pec;
      auto v = json::parse(beast::buffers_to_string(buf.data()), pec);
      if (pec || !v.is_object()) co_return "bad-json";
      const auto* id = v.as_object().if_contains("id");
      if (id && *id == request.at("id")) co_return response_error(v.as_object());
    }
    co_return "transport: " + ec.message();
  }

  asio::awaitable<void> session(std::uint32_t i) {
    asio::steady_timer pace(io_);
    pace.expires_after(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(i / o_.rate)));
    error_code ec;
    co_await pace.async_wait(asio::redirect_error(kAwait, ec));
    auto ws = std::make_shared<Ws>(io_, ctx_);
    streams_.push_back(ws);
    TimePoint t0 = Clock::now();
    if (ec = co_await open(*ws); ec || timed_out_) {
      failures_["connect: " + (ec ? ec.message() : std::string("timeout"))]++;
      connect_failed_++;
      maybe_go();
      co_return;
    }
    connect_ms_.push_back(to_ms(Clock::now() - t0));
    connected_++;
    maybe_go();
    if (!go_fired_) co_await go_.async_wait(asio::redirect_error(kAwait, ec));
    co_await sign_in(*ws, i);
    finished_++;
    if (finished_ == connected_ && connected_ + connect_failed_ == o_.sessions) release_all();
    if (!ended_) co_await end_.async_wait(asio::redirect_error(kAwait, ec));
    co_await ws->async_close(websocket::close_code::normal, asio::redirect_error(kAwait, ec));
  }

  asio::awaitable<void> sign_in(Ws& ws, std::uint32_t i) {
    if (timed_out_) co_return;
    TimePoint th = Clock::now();
    if (first_hello_ == TimePoint{}) first_hello_ = th;
    // Requests are built outside co_await: GCC 12 miscompiles brace-init temporaries there.
    json::object hello;
    hello["id"] = 1;
    hello["type"] = "hello";
    hello["versions"].emplace_array().push_back(1);
    auto err = co_await ask(ws, hello);
    if (!err.empty()) {
      failures_["hello: " + err]++;
      co_return;
    }
    hello_ms_.push_back(to_ms(Clock::now() - th));
    TimePoint ts = Clock::now();
    json::object signin;
    signin["id"] = 2;
    signin["type"] = "signin";
    signin["dn"] = o_.dn_prefix + std::to_string(i);
    err = co_await ask(ws, signin);
    if (!err.empty()) {
      failures_["signin: " + err]++;
      co_return;
    }
    TimePoint done = Clock::now();
    signin_ms_.push_back(to_ms(done - ts));
    last_ok_ = std::max(last_ok_, done);
    signed_in_++;
  }

  // Everyone connected (or failed): all say hello at once.
  void maybe_go() {
    if (go_fired_ || connected_ + connect_failed_ < o_.sessions) return;
    go_fired_ = true;
    go_.cancel();
    if (connected_ == 0) release_all();
  }

  void release_all() {
    go_fired_ = ended_ = true;
    go_.cancel();
    end_.cancel();
    deadline_.cancel();
  }

  json::object summary() const {
    double window = signed_in_ > 0 ? to_ms(last_ok_ - first_hello_) / 1000.0 : 0;
    json::object f;
    for (const auto& [k, v] : failures_) f[k] = v;
    return {{"mode", "signin"},
            {"sessions", o_.sessions},
            {"connected", connected_},
            {"signed_in", signed_in_},
            {"window_s", round_to(window, 0.001)},
            {"signins_per_s", window > 0 ? round_to(signed_in_ / window, 0.1) : 0.0},
            {"signin_ms", summary_json(signin_ms_)},
            {"hello_ms", summary_json(hello_ms_)},
            {"connect_ms", summary_json(connect_ms_)},
            {"failures", f},
            {"timed_out", timed_out_},
            {"ok", signed_in_ == o_.sessions}};
  }

  SigninOptions o_;
  asio::io_context io_;
  ssl::context ctx_;
  asio::steady_timer go_, end_, deadline_;
  std::vector<std::weak_ptr<Ws>> streams_;
  std::uint32_t connected_ = 0, connect_failed_ = 0, finished_ = 0, signed_in_ = 0;
  bool go_fired_ = false, ended_ = false, timed_out_ = false;
  std::map<std::string, std::uint64_t> failures_;
  std::vector<double> signin_ms_, hello_ms_, connect_ms_;
  TimePoint first_hello_{}, last_ok_{};
};

}  // namespace

json::object run_signin(const SigninOptions& o) {
  return SigninRun(o).run();
}

}  // namespace gw::load
