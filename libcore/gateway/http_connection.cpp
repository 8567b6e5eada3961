// One accepted TLS connection speaking HTTP/1.1 until it closes or upgrades
// to a WebSocket: routing, the API hand-off, static files, limits.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <optional>
#include <type_traits>

#include "gateway/api_http.hpp"
#include "gateway/https_session.hpp"
#include "gateway/static_files.hpp"
#include "util/log.hpp"

namespace gw::gateway::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;

constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr std::size_t kFirstRead = 4096;
constexpr std::string_view kWsPath = "/api/v1/ws";
constexpr std::string_view kCallsPath = "/api/v1/calls";
constexpr std::string_view kHealthPath = "/healthz";
constexpr const char* kCsp =
    "default-src 'self'; connect-src 'self' wss:; img-src 'self' data:; media-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

std::string error_json(std::string code, std::string message) {
  return http_error_body(Error{std::move(code), std::move(message)});
}

std::string error_json(ErrorCode code, std::string message) {
  return http_error_body(make_api_error(code, std::move(message)));
}

// Header text from the app must not be able to split the response.
bool header_safe(std::string_view s) {
  return !s.empty() && s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

bool no_body_status(unsigned status) {
  return status / 100 == 1 || status == 204 || status == 304;
}

bool quiet_read_end(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::operation_aborted ||
         ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset;
}

class HttpConnection final : public Connection, public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(const std::shared_ptr<ServerCore>& core, tcp::socket socket, const IpAddress& client,
                 bool rate_limited)
      : core_(core),
        tls_(core->tls),
        stream_(std::move(socket), *tls_),
        client_(client),
        rate_limited_(rate_limited),
        slot_(core, rate_limited),
        reply_timer_(core->io) {}

  void start();
  void begin_shutdown() override;
  void abort() override;

 private:
  enum class State : std::uint8_t { handshake, idle, reading, waiting_app, writing, closing, upgraded };

  void on_handshake(error_code ec);
  void read_request();
  void read_header();
  void on_header(error_code ec);
  void read_body();
  void on_read_error(error_code ec);
  void dispatch();
  void handle_api(HttpRoute route);
  void on_app_reply(std::uint64_t serial, HttpReply reply);
  void serve_static(bool head);
  void upgrade();
  void reply_json(unsigned status, std::string body, bool close = false,
                  std::optional<std::string> allow = std::nullopt);
  template <class Message>
  void send_response(Message&& msg);
  void on_written(error_code ec, bool close);
  void close_connection();

  template <class Body>
  http::response<Body> make_head(unsigned status) const;
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  // Runs a step of the connection; an exception ends the connection, never the loop.
  template <class F>
  void safely(F&& f) noexcept {
    try {
      f();
    } catch (const std::exception& e) {
      GW_LOG(error) << "https: connection from " << client_.to_string() << ": " << e.what();
      abort();
    } catch (...) {
      abort();
    }
  }

  std::shared_ptr<ServerCore> core_;
  std::shared_ptr<asio::ssl::context> tls_;  // before stream_, which uses it
  TlsStream stream_;
  IpAddress client_;
  bool rate_limited_;
  ConnectionSlot slot_;
  asio::steady_timer reply_timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> response_;  // the message being written
  State state_ = State::handshake;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;  // HEAD request: headers only
  bool first_request_ = true;
  bool draining_ = false;           // server shutdown: close after the current reply
  std::uint64_t reply_serial_ = 0;  // tells a late app reply from the current one
};

void HttpConnection::start() {
  slot_.bind(weak_from_this());
  tcp().expires_after(core_->config.header_timeout);
  stream_.async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](error_code ec) {
    self->safely([&] { self->on_handshake(ec); });
  });
}

void HttpConnection::on_handshake(error_code ec) {
  if (ec) {
    ++core_->counters.tls_handshake_failures;
    if (ec == beast::error::timeout) ++core_->counters.http_timeouts;
    GW_LOG(debug) << "https: TLS handshake with " << client_.to_string() << " failed: " << ec.message();
    return;  // the socket closes with this object
  }
  read_request();
}

// Keep-alive: wait up to http_idle_timeout for the next request's first
// bytes; from then on the header must arrive within header_timeout.
void HttpConnection::read_request() {
  state_ = State::idle;
  if (first_request_ || buffer_.size() > 0) {
    read_header();
    return;
  }
  tcp().expires_after(core_->config.http_idle_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstRead),
                          [self = shared_from_this()](error_code ec, std::size_t n) {
                            self->safely([&] {
                              self->buffer_.commit(n);
                              if (ec) return;  // idle timeout or the client went away: just close
                              self->read_header();
                            });
                          });
}

void HttpConnection::read_header() {
  state_ = State::reading;
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(core_->config.limits.max_frame_bytes);
  tcp().expires_after(core_->config.header_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](error_code ec, std::size_t) {
                            self->safely([&] { self->on_header(ec); });
                          });
}

void HttpConnection::on_header(error_code ec) {
  if (ec) {
    on_read_error(ec);
    return;
  }
  ++core_->counters.http_requests;
  const auto& req = parser_->get();
  version_ = req.version();
  head_ = req.method() == http::verb::head;
  keep_alive_ = req.keep_alive();
  if (rate_limited_) {
    reply_json(
        429, error_json(ErrorCode::rate_limited, "Too many new connections from your address; retry later."),
        true);
    return;
  }
  auto length = parser_->content_length();
  if (length && *length > core_->config.limits.max_frame_bytes) {
    reply_json(413, error_json(ErrorCode::too_large, "The request body is over the size limit."), true);
    return;
  }
  if (parser_->is_done()) {
    dispatch();
    return;
  }
  if (!beast::iequals(req[http::field::expect], "100-continue")) {
    read_body();
    return;
  }
  // curl sends "Expect: 100-continue" for larger bodies and waits for this.
  auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
  response_ = cont;
  tcp().expires_after(core_->config.header_timeout);
  http::async_write(stream_, *cont, [self = shared_from_this()](error_code wec, std::size_t) {
    self->safely([&] {
      self->response_.reset();
      if (!wec) self->read_body();
    });
  });
}

void HttpConnection::read_body() {
  tcp().expires_after(core_->config.header_timeout);
  http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](error_code ec, std::size_t) {
    self->safely([&] {
      if (ec) {
        self->on_read_error(ec);
      } else {
        self->dispatch();
      }
    });
  });
}

void HttpConnection::on_read_error(error_code ec) {
  if (quiet_read_end(ec)) return;
  if (ec == beast::error::timeout) {
    ++core_->counters.http_timeouts;  // slowloris or a dead peer: no answer, just close
    return;
  }
  if (ec == http::error::header_limit) {
    ++core_->counters.http_requests;
    reply_json(431, error_json(ErrorCode::bad_request, "The request header is over 8 KiB."), true);
  } else if (ec == http::error::body_limit) {
    reply_json(413, error_json(ErrorCode::too_large, "The request body is over the size limit."), true);
  } else if (ec.category() == make_error_code(http::error::bad_target).category()) {
    ++core_->counters.http_requests;
    reply_json(400, error_json(ErrorCode::bad_request, "Malformed HTTP request: " + ec.message() + "."),
               true);
  } else {
    GW_LOG(debug) << "https: read from " << client_.to_string() << ": " << ec.message();
  }
}

void HttpConnection::dispatch() {
  state_ = State::waiting_app;
  tcp().expires_never();
  auto& req = parser_->get();
  const std::string target(sv(req.target()));
  const std::string_view path = std::string_view(target).substr(0, target.find('?'));
  const bool get = req.method() == http::verb::get;
  const bool head = req.method() == http::verb::head;
  if (path == kWsPath) {
    if (get && boost::beast::websocket::is_upgrade(req)) {
      upgrade();
    } else {
      reply_json(426, error_json(ErrorCode::bad_request, "This path takes a WebSocket upgrade."));
    }
  } else if (path.starts_with(kCallsPath)) {
    handle_api(route_http(sv(req.method_string()), target));
  } else if (path == kHealthPath) {
    if (get || head) {
      reply_json(200, R"({"status":"ok"})");
    } else {
      reply_json(405, error_json("method-not-allowed", "Use GET."), false, "GET, HEAD");
    }
  } else if (path.starts_with("/api/")) {
    reply_json(404, error_json("not-found", "No such API path."));
  } else if (get || head) {
    serve_static(head);
  } else {
    reply_json(405, error_json("method-not-allowed", "Use GET."), false, "GET, HEAD");
  }
}

void HttpConnection::handle_api(HttpRoute route) {
  if (route.kind == HttpRoute::Kind::not_found) {
    reply_json(404, error_json("not-found", "No such API path."));
    return;
  }
  if (route.kind == HttpRoute::Kind::method_not_allowed) {
    reply_json(405, error_json("method-not-allowed", "Use " + route.allow + "."), false, route.allow);
    return;
  }
  if (core_->handler == nullptr || core_->shutting_down) {
    reply_json(503, error_json(ErrorCode::shutting_down, "The gateway is stopping."), true);
    return;
  }
  const std::uint64_t serial = ++reply_serial_;
  reply_timer_.expires_after(core_->config.api_reply_timeout);
  reply_timer_.async_wait([self = shared_from_this(), serial](error_code ec) {
    if (ec || self->reply_serial_ != serial || self->state_ != State::waiting_app) return;
    self->safely([&] { self->reply_json(504, error_json(ErrorCode::internal, "No answer in time."), true); });
  });
  std::weak_ptr<HttpConnection> weak = shared_from_this();
  auto reply = [weak, serial](HttpReply r) {
    if (auto self = weak.lock()) self->safely([&] { self->on_app_reply(serial, std::move(r)); });
  };
  HttpApiRequest request{std::move(route), std::move(parser_->get().body()), client_};
  try {
    core_->handler->on_http_api(std::move(request), std::move(reply));
  } catch (const std::exception& e) {
    GW_LOG(error) << "https: API handler: " << e.what();
    on_app_reply(serial, HttpReply{500, error_json(ErrorCode::internal, e.what()), "application/json", {}});
  }
}

void HttpConnection::on_app_reply(std::uint64_t serial, HttpReply reply) {
  if (serial != reply_serial_ || state_ != State::waiting_app) return;  // late, twice, or timed out
  reply_timer_.cancel();
  const unsigned status =
      reply.status >= 100 && reply.status <= 599 ? static_cast<unsigned>(reply.status) : 500;
  auto res = make_head<http::string_body>(status);
  if (!no_body_status(status)) {
    if (header_safe(reply.content_type)) res.set(http::field::content_type, reply.content_type);
    res.body() = std::move(reply.body);
  }
  for (const auto& [name, value] : reply.headers) {
    if (header_safe(name) && header_safe(value) && !beast::iequals(name, "content-length") &&
        !beast::iequals(name, "transfer-encoding") && !beast::iequals(name, "connection")) {
      res.set(name, value);
    }
  }
  res.prepare_payload();
  send_response(std::move(res));
}

void HttpConnection::serve_static(bool head) {
  const auto& cfg = core_->config;
  StaticTarget t;
  if (!cfg.web_root.empty()) t = resolve_static(cfg.web_root, sv(parser_->get().target()));
  if (t.kind == StaticTarget::Kind::forbidden) {
    reply_json(403, error_json("forbidden", "This path is not served."));
    return;
  }
  http::file_body::value_type file;
  error_code ec;
  if (t.kind == StaticTarget::Kind::file) file.open(t.path.c_str(), beast::file_mode::scan, ec);
  if (t.kind != StaticTarget::Kind::file || ec) {
    reply_json(404, error_json("not-found", "No such file."));
    return;
  }
  auto add_headers = [&](auto& res) {
    res.set(http::field::content_type, t.content_type);
    res.set(http::field::cache_control, "no-cache");
    res.set("Content-Security-Policy", kCsp);
    res.set("Referrer-Policy", "no-referrer");
  };
  if (head) {
    auto res = make_head<http::empty_body>(200);
    add_headers(res);
    res.content_length(t.size);
    send_response(std::move(res));
    return;
  }
  auto res = make_head<http::file_body>(200);
  add_headers(res);
  res.body() = std::move(file);
  res.prepare_payload();
  send_response(std::move(res));
}

void HttpConnection::upgrade() {
  if (core_->shutting_down || core_->handler == nullptr) {
    reply_json(503, error_json(ErrorCode::shutting_down, "The gateway is stopping."), true);
    return;
  }
  state_ = State::upgraded;
  reply_timer_.cancel();
  start_websocket(core_, tls_, std::move(stream_), parser_->release(), std::move(slot_), client_);
}

template <class Body>
http::response<Body> HttpConnection::make_head(unsigned status) const {
  http::response<Body> res;
  res.version(version_);
  res.result(status);
  res.set(http::field::server, kServerName);
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(keep_alive_);
  return res;
}

void HttpConnection::reply_json(unsigned status, std::string body, bool close,
                                std::optional<std::string> allow) {
  auto res = make_head<http::string_body>(status);
  res.set(http::field::content_type, "application/json");
  if (allow) res.set(http::field::allow, *allow);
  if (close) res.keep_alive(false);
  res.body() = std::move(body);
  res.prepare_payload();
  if (head_) {  // same headers, Content-Length included, but no body on the wire
    send_response(http::response<http::empty_body>(std::move(res.base())));
    return;
  }
  send_response(std::move(res));
}

template <class Message>
void HttpConnection::send_response(Message&& msg) {
  state_ = State::writing;
  const bool close = !msg.keep_alive() || draining_ || core_->shutting_down;
  if (close) msg.keep_alive(false);
  const unsigned status = msg.result_int();
  if (status >= 400 && status < 500) ++core_->counters.http_4xx;
  if (status >= 500) ++core_->counters.http_5xx;
  auto sp = std::make_shared<std::decay_t<Message>>(std::forward<Message>(msg));
  response_ = sp;
  tcp().expires_after(core_->config.http_idle_timeout);
  http::async_write(stream_, *sp, [self = shared_from_this(), close](error_code ec, std::size_t) {
    self->safely([&] { self->on_written(ec, close); });
  });
}

void HttpConnection::on_written(error_code ec, bool close) {
  response_.reset();
  if (ec) return;
  if (close || draining_) {
    close_connection();
    return;
  }
  first_request_ = false;
  read_request();
}

// TLS close_notify, bounded: the peer usually just drops the TCP connection.
void HttpConnection::close_connection() {
  state_ = State::closing;
  tcp().expires_after(std::min<Duration>(core_->config.header_timeout, seconds(2)));
  stream_.async_shutdown([self = shared_from_this()](error_code) { self->tcp().close(); });
}

void HttpConnection::begin_shutdown() {
  draining_ = true;
  if (state_ == State::handshake || state_ == State::idle || state_ == State::reading) abort();
}

void HttpConnection::abort() {
  if (state_ == State::upgraded) return;  // the stream now belongs to the WebSocket
  reply_timer_.cancel();
  tcp().close();
}

}  // namespace

void start_http_connection(const std::shared_ptr<ServerCore>& core, tcp::socket socket,
                           const IpAddress& client, bool rate_limited) {
  try {
    std::make_shared<HttpConnection>(core, std::move(socket), client, rate_limited)->start();
  } catch (const std::exception& e) {
    GW_LOG(error) << "https: cannot start a connection: " << e.what();
  }
}

}  // namespace gw::gateway::detail
