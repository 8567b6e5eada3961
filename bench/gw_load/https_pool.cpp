#include "https_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <deque>
#include <optional>

namespace gw::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Stream = beast::ssl_stream<beast::tcp_stream>;

namespace {

constexpr auto kTimeout = std::chrono::seconds(15);

struct Job {
  HttpsPool::Method method;
  std::string target, body;
  HttpsPool::Done done;
};

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

struct HttpsPool::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io_, std::string host_, std::string port_)
      : io(io_), host(std::move(host_)), port(std::move(port_)), ctx(ssl::context::tls_client), wake(io_) {
    ctx.set_verify_mode(ssl::verify_none);  // self-signed gateway certificate
    wake.expires_at(asio::steady_timer::time_point::max());
  }

  asio::io_context& io;
  std::string host, port;
  ssl::context ctx;
  asio::steady_timer wake;  // cancel_one() wakes an idle connection
  std::deque<Job> queue;
  bool stopped = false;
  std::size_t connects = 0;
  std::vector<std::weak_ptr<Stream>> streams;

  asio::awaitable<error_code> connect(std::shared_ptr<Stream>& s);
  asio::awaitable<HttpReply> exchange(Stream& s, const Job& job);
  asio::awaitable<void> worker();
};

asio::awaitable<error_code> HttpsPool::Impl::connect(std::shared_ptr<Stream>& s) {
  error_code ec;
  tcp::resolver resolver(io);
  auto results = co_await resolver.async_resolve(host, port, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  s = std::make_shared<Stream>(io, ctx);
  streams.push_back(s);
  beast::get_lowest_layer(*s).expires_after(kTimeout);
  co_await beast::get_lowest_layer(*s).async_connect(results, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  (void)beast::get_lowest_layer(*s).socket().set_option(tcp::no_delay(true), ec);
  error_code not_ip;
  (void)asio::ip::make_address(host, not_ip);
  if (not_ip) {  // SNI for names only (RFC 6066 §3); SSL_set_tlsext_host_name is a casting macro
    SSL_ctrl(s->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, host.data());
  }
  ec = {};
  co_await s->async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) connects++;
  co_return ec;
}

asio::awaitable<HttpReply> HttpsPool::Impl::exchange(Stream& s, const Job& job) {
  http::request<http::string_body> req{job.method == Method::post ? http::verb::post : http::verb::delete_,
                                       job.target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "gw_load");
  req.keep_alive(true);
  if (job.method == Method::post) {
    req.set(http::field::content_type, "application/json");
    req.body() = job.body;
  }
  req.prepare_payload();
  HttpReply out;
  error_code ec;
  auto t0 = std::chrono::steady_clock::now();
  beast::get_lowest_layer(s).expires_after(kTimeout);
  co_await http::async_write(s, req, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    co_await http::async_read(s, buf, res, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      out.status = static_cast<int>(res.result_int());
      out.body = std::move(res.body());
      out.ms = ms_since(t0);
      if (!res.keep_alive()) out.error = "closed";  // the caller reconnects
    }
  }
  if (ec) out.error = ec.message();
  co_return out;
}

// One connection: takes jobs from the queue, reconnecting when needed. A
// request that fails on a reused connection (the server closed it while idle)
// is retried once on a fresh one.
asio::awaitable<void> HttpsPool::Impl::worker() {
  auto self = shared_from_this();
  std::shared_ptr<Stream> s;
  while (!stopped) {
    if (queue.empty()) {
      error_code ec;
      co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    Job job = std::move(queue.front());
    queue.pop_front();
    HttpReply reply;
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool reused = s != nullptr;
      if (!s) {
        if (auto ec = co_await connect(s); ec) {
          reply.error = "connect: " + ec.message();
          s.reset();
          break;
        }
      }
      reply = co_await exchange(*s, job);
      if (!reply.error.empty()) s.reset();
      if (reply.status != 0 || !reused) break;
    }
    if (reply.status != 0 && reply.error == "closed") reply.error.clear();
    job.done(std::move(reply));
  }
}

HttpsPool::HttpsPool(asio::io_context& io, std::string host, std::string port, std::size_t connections)
    : impl_(std::make_shared<Impl>(io, std::move(host), std::move(port))) {
  for (std::size_t i = 0; i < connections; ++i) asio::co_spawn(io, impl_->worker(), asio::detached);
}

HttpsPool::~HttpsPool() {
  shutdown();
}

void HttpsPool::request(Method method, std::string target, std::string body, Done done) {
  if (impl_->stopped) {
    HttpReply r;
    r.error = "pool shut down";
    return done(std::move(r));
  }
  impl_->queue.push_back(Job{method, std::move(target), std::move(body), std::move(done)});
  impl_->wake.cancel_one();
}

void HttpsPool::shutdown() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->wake.cancel();
  for (auto& w : impl_->streams)
    if (auto s = w.lock()) beast::get_lowest_layer(*s).close();
  auto queued = std::move(impl_->queue);
  for (auto& j : queued) {
    HttpReply r;
    r.error = "pool shut down";
    j.done(std::move(r));
  }
}

std::size_t HttpsPool::connects() const {
  return impl_->connects;
}

}  // namespace gw::load
