// One WebSocket after the upgrade: text frames in and out, a bounded and
// serialized send queue, pings, idle timeout, close codes.
//
// Invariant: from the accept until the end, an async_read is pending (it is
// re-armed before a frame is handed to the app), or else a write or the
// close handshake is (after an oversized or binary message), so every way out (close
// handshake, peer gone, abort()) ends in a completion that calls finish(),
// which calls on_ws_close exactly once.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>

#include "gateway/https_session.hpp"
#include "util/log.hpp"

namespace gw::gateway::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using error_code = boost::system::error_code;

constexpr std::size_t kMaxCloseReason = 123;
constexpr std::size_t kHardMessageCap = 16 * 1024 * 1024;  // RFC 6455 §5.5: 125-byte control payload

bool valid_close_code(std::uint16_t c) {
  return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
}

websocket::close_reason make_reason(std::uint16_t code, std::string reason) {
  if (reason.size() > kMaxCloseReason) {
    reason.resize(kMaxCloseReason);
    // Do not leave half a UTF-8 character at the end.
    while (!reason.empty() && (static_cast<unsigned char>(reason.back()) & 0xC0) == 0x80) reason.pop_back();
    if (!reason.empty() && static_cast<unsigned char>(reason.back()) >= 0xC0) reason.pop_back();
  }
  websocket::close_reason r(static_cast<websocket::close_code>(valid_close_code(code) ? code : 1000));
  r.reason = std::move(reason);
  return r;
}

class WebSocketConnection final : public Connection,
                                  public std::enable_shared_from_this<WebSocketConnection> {
 public:
  WebSocketConnection(const std::shared_ptr<ServerCore>& core, std::shared_ptr<asio::ssl::context> tls,
                      TlsStream stream, ConnectionSlot slot, const IpAddress& client)
      : core_(core),
        tls_(std::move(tls)),
        ws_(std::move(stream)),
        slot_(std::move(slot)),
        client_(client),
        timer_(core->io) {}

  void accept(HttpRequest upgrade);
  bool send_text(std::string text) override;
  void close_ws(std::uint16_t code, std::string reason) override;
  void begin_shutdown() override;
  void abort() override;

 private:
  void on_accept(error_code ec);
  void read_next();
  void on_read(error_code ec);
  void write_next();
  void on_write(error_code ec);
  void start_close(websocket::close_reason reason);
  void arm_timer();
  void on_timer(error_code ec);
  void finish();

  template <class F>
  void safely(F&& f) noexcept {
    try {
      f();
    } catch (const std::exception& e) {
      GW_LOG(error) << "wss: connection " << id_ << ": " << e.what();
      abort();
    } catch (...) {
      abort();
    }
  }

  std::shared_ptr<ServerCore> core_;
  std::shared_ptr<asio::ssl::context> tls_;
  websocket::stream<TlsStream> ws_;
  ConnectionSlot slot_;
  IpAddress client_;
  asio::steady_timer timer_;
  HttpRequest upgrade_;    // kept until the accept completes
  beast::flat_buffer in_;  // one message, at most max_frame_bytes + 1
  std::deque<std::string> out_;
  std::size_t out_bytes_ = 0;
  websocket::close_reason close_reason_;
  ConnectionId id_ = 0;
  TimePoint last_activity_{};
  bool opened_ = false;
  bool finished_ = false;
  bool writing_ = false;
  bool pinging_ = false;
  bool close_requested_ = false;  // no more sends; close once the queue is written
  bool closing_ = false;          // async_close started
};

void WebSocketConnection::accept(HttpRequest upgrade) {
  slot_.bind(weak_from_this());
  beast::get_lowest_layer(ws_).expires_never();  // the websocket stream's own timeouts take over
  websocket::stream_base::timeout t{};
  t.handshake_timeout = core_->config.header_timeout;  // also bounds the close handshake
  t.idle_timeout = websocket::stream_base::none();     // our timer: pings + idle
  t.keep_alive_pings = false;
  ws_.set_option(t);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, kServerName); }));
  // read_next() enforces max_frame_bytes with a clean 1009 close; Beast's
  // own limit only stops absurd frame headers without reading them.
  ws_.read_message_max(std::max<std::size_t>(kHardMessageCap, 2 * core_->config.limits.max_frame_bytes));
  ws_.control_callback([this](websocket::frame_type, beast::string_view) { last_activity_ = Clock::now(); });
  upgrade_ = std::move(upgrade);
  ws_.async_accept(
      upgrade_, [self = shared_from_this()](error_code ec) { self->safely([&] { self->on_accept(ec); }); });
}

void WebSocketConnection::on_accept(error_code ec) {
  upgrade_ = {};
  if (ec) {
    GW_LOG(debug) << "wss: upgrade from " << client_.to_string() << " failed: " << ec.message();
    return;
  }
  if (core_->handler == nullptr || core_->shutting_down) {
    abort();
    return;
  }
  opened_ = true;
  id_ = core_->next_id++;
  core_->websockets[id_] = weak_from_this();
  ++core_->counters.ws_opened;
  ++core_->counters.ws_open;
  last_activity_ = Clock::now();
  read_next();
  arm_timer();
  try {
    core_->handler->on_ws_open(id_, client_);
  } catch (const std::exception& e) {
    GW_LOG(error) << "wss: on_ws_open: " << e.what();
    start_close(make_reason(1011, "internal error"));
  }
}

// Reads a message piece by piece, at most one byte past the limit, so an
// oversized or binary message is refused while the stream is still healthy:
// the close handshake (1009/1003) then drains the rest of the message.
void WebSocketConnection::read_next() {
  const std::size_t max = core_->config.limits.max_frame_bytes;
  const std::size_t room = max + 1 - std::min(in_.size(), max);
  ws_.async_read_some(in_, room, [self = shared_from_this()](error_code ec, std::size_t) {
    self->safely([&] { self->on_read(ec); });
  });
}

void WebSocketConnection::on_read(error_code ec) {
  if (ec) {
    if (ec == websocket::error::message_too_big) {
      ++core_->counters.ws_oversized;  // a frame header over the hard cap: Beast failed the connection (1009)
    } else if (ec != websocket::error::closed && ec != asio::error::operation_aborted) {
      GW_LOG(debug) << "wss: connection " << id_ << ": " << ec.message();
    }
    finish();
    return;
  }
  last_activity_ = Clock::now();
  if (ws_.got_binary() || in_.size() > core_->config.limits.max_frame_bytes) {
    const bool binary = ws_.got_binary();
    ++(binary ? core_->counters.ws_binary_refused : core_->counters.ws_oversized);
    GW_LOG(info) << "wss: connection " << id_ << " from " << client_.to_string() << ": "
                 << (binary ? "binary message" : "message too big") << ", closing";
    in_.consume(in_.size());
    // No read re-armed: the close below (or the one already under way) drains the stream.
    if (close_requested_) {
      if (!writing_ && !closing_) {
        abort();
        finish();
      }
    } else {
      start_close(binary ? make_reason(1003, "binary frames are not supported")
                         : make_reason(1009, "message too big"));
    }
    return;
  }
  if (!ws_.is_message_done()) {
    read_next();
    return;
  }
  std::string text = beast::buffers_to_string(in_.data());
  in_.consume(in_.size());
  read_next();  // before the app runs, so a close from inside it has a read to end in
  ++core_->counters.ws_frames_in;
  if (close_requested_ || core_->handler == nullptr) return;  // closing: later frames are dropped
  try {
    core_->handler->on_ws_message(id_, text);
  } catch (const std::exception& e) {
    GW_LOG(error) << "wss: on_ws_message: " << e.what();
    start_close(make_reason(1011, "internal error"));
  }
}

bool WebSocketConnection::send_text(std::string text) {
  if (!opened_ || finished_ || close_requested_) return false;
  if (out_bytes_ + text.size() > core_->config.max_ws_queue_bytes) {
    ++core_->counters.ws_slow_consumers;
    GW_LOG(warn) << "wss: connection " << id_ << " from " << client_.to_string() << " does not read ("
                 << out_bytes_ << " bytes queued): closed";
    close_requested_ = true;  // later sends fail quietly
    abort();                  // the read then fails and finish() runs from the loop, not inside this call
    return false;
  }
  out_bytes_ += text.size();
  out_.push_back(std::move(text));
  write_next();
  return true;
}

void WebSocketConnection::write_next() {
  if (writing_ || finished_) return;
  if (out_.empty()) {
    if (close_requested_ && !closing_) {
      closing_ = true;
      ws_.async_close(close_reason_, [self = shared_from_this()](error_code ec) {
        if (ec && ec != asio::error::operation_aborted) {
          GW_LOG(debug) << "wss: close of " << self->id_ << ": " << ec.message();
        }
        self->safely([&] { self->finish(); });
      });
    }
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(out_.front()), [self = shared_from_this()](error_code ec, std::size_t) {
    self->safely([&] { self->on_write(ec); });
  });
}

void WebSocketConnection::on_write(error_code ec) {
  writing_ = false;
  if (ec) {
    if (ec != asio::error::operation_aborted)
      GW_LOG(debug) << "wss: write to " << id_ << ": " << ec.message();
    abort();
    finish();  // a pending read would end the same way; there may be none while closing
    return;
  }
  out_bytes_ -= out_.front().size();
  out_.pop_front();
  ++core_->counters.ws_frames_out;
  write_next();
}

void WebSocketConnection::start_close(websocket::close_reason reason) {
  if (!opened_ || finished_ || close_requested_) return;
  close_requested_ = true;
  close_reason_ = std::move(reason);
  write_next();
}

void WebSocketConnection::close_ws(std::uint16_t code, std::string reason) {
  start_close(make_reason(code, std::move(reason)));
}

void WebSocketConnection::begin_shutdown() {
  if (!opened_) {
    abort();
    return;
  }
  start_close(make_reason(1001, "server shutdown"));
}

void WebSocketConnection::abort() {
  timer_.cancel();
  beast::get_lowest_layer(ws_).close();
}

void WebSocketConnection::arm_timer() {
  const auto& cfg = core_->config;
  const Duration idle_left = cfg.ws_idle_timeout - (Clock::now() - last_activity_);
  timer_.expires_after(std::max(Duration::zero(), std::min(cfg.ws_ping_interval, idle_left)));
  timer_.async_wait(
      [self = shared_from_this()](error_code ec) { self->safely([&] { self->on_timer(ec); }); });
}

// Idle check and keep-alive ping (a pong or any frame counts as activity).
void WebSocketConnection::on_timer(error_code ec) {
  if (ec || finished_) return;
  if (Clock::now() - last_activity_ >= core_->config.ws_idle_timeout) {
    ++core_->counters.ws_idle_closed;
    GW_LOG(info) << "wss: connection " << id_ << " from " << client_.to_string() << " idle: closed";
    abort();
    return;
  }
  if (!pinging_ && !close_requested_) {
    pinging_ = true;
    ws_.async_ping({}, [self = shared_from_this()](error_code pec) {
      self->pinging_ = false;
      if (pec && pec != asio::error::operation_aborted) {
        GW_LOG(debug) << "wss: ping to " << self->id_ << ": " << pec.message();
      }
    });
  }
  arm_timer();
}

void WebSocketConnection::finish() {
  if (finished_) return;
  finished_ = true;
  timer_.cancel();
  out_.clear();
  out_bytes_ = 0;
  if (!opened_) return;
  core_->websockets.erase(id_);
  ++core_->counters.ws_closed;
  --core_->counters.ws_open;
  if (core_->handler == nullptr) return;
  try {
    core_->handler->on_ws_close(id_);
  } catch (const std::exception& e) {
    GW_LOG(error) << "wss: on_ws_close: " << e.what();
  }
}

}  // namespace

void start_websocket(const std::shared_ptr<ServerCore>& core, std::shared_ptr<asio::ssl::context> tls,
                     TlsStream stream, HttpRequest upgrade, ConnectionSlot slot, const IpAddress& client) {
  try {
    auto c = std::make_shared<WebSocketConnection>(core, std::move(tls), std::move(stream), std::move(slot),
                                                   client);
    c->accept(std::move(upgrade));
  } catch (const std::exception& e) {
    GW_LOG(error) << "wss: cannot start a WebSocket: " << e.what();
  }
}

}  // namespace gw::gateway::detail
