#include "net/message_channel.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "net/asio_address.hpp"
#include "util/log.hpp"

namespace gw::net {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

Error net_error(const std::string& code, const std::string& what, const error_code& ec) {
  return make_error(code, what + ": " + ec.message());
}

class UdpChannel final : public MessageChannel {
 public:
  UdpChannel(asio::io_context& io, ChannelOptions options) : socket_(io), options_(std::move(options)) {}

  void start(ReadyHandler ready, MessageHandler on_message, ErrorHandler on_error) override {
    on_message_ = std::move(on_message);
    on_error_ = std::move(on_error);
    auto remote = asio::ip::udp::endpoint(to_asio(options_.remote.ip), options_.remote.port);
    error_code ec;
    socket_.open(remote.protocol(), ec);
    auto local = options_.local ? asio::ip::udp::endpoint(to_asio(options_.local->ip), options_.local->port)
                                : asio::ip::udp::endpoint(remote.protocol(), 0);
    if (!ec) socket_.bind(local, ec);
    if (ec) {
      on_error_(net_error("net.bind", "cannot bind UDP socket", ec));
      return;
    }
    receive();
    ready();
  }

  void send(ByteView message, const std::optional<SocketAddress>& to) override {
    const auto& dest = to ? *to : options_.remote;
    error_code ec;
    socket_.send_to(asio::buffer(message.data(), message.size()),
                    asio::ip::udp::endpoint(to_asio(dest.ip), dest.port), 0, ec);
    if (ec) GW_LOG(debug) << "udp send to " << dest.to_string() << ": " << ec.message();
  }

  void close() override {
    error_code ec;
    socket_.close(ec);
  }
  [[nodiscard]] SocketAddress local_address() const override {
    error_code ec;
    auto ep = socket_.local_endpoint(ec);
    return ec ? SocketAddress{} : from_asio_endpoint(ep);
  }
  [[nodiscard]] Transport transport() const override { return Transport::udp; }

 private:
  void receive() {
    socket_.async_receive_from(asio::buffer(buffer_), sender_, [this](error_code ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      // ICMP port unreachable shows up as connection_refused on Linux: the
      // transaction's timer decides, so keep reading.
      if (!ec) on_message_(ByteView(buffer_.data(), n), from_asio_endpoint(sender_));
      if (socket_.is_open()) receive();  // closed by on_message_ (a finished probe): stop
    });
  }

  asio::ip::udp::socket socket_;
  ChannelOptions options_;
  asio::ip::udp::endpoint sender_;
  std::array<std::uint8_t, 65536> buffer_{};
  MessageHandler on_message_;
  ErrorHandler on_error_;
};

// TCP or TLS: connect, then read a byte stream cut into messages by `frame`.
class StreamChannel final : public MessageChannel {
 public:
  StreamChannel(asio::io_context& io, ChannelOptions options)
      : options_(std::move(options)), tls_context_(asio::ssl::context::tls_client), stream_(io, tls_context_) {}

  void start(ReadyHandler ready, MessageHandler on_message, ErrorHandler on_error) override {
    on_message_ = std::move(on_message);
    on_error_ = std::move(on_error);
    auto& tcp = stream_.next_layer();
    auto remote = asio::ip::tcp::endpoint(to_asio(options_.remote.ip), options_.remote.port);
    error_code ec;
    tcp.open(remote.protocol(), ec);
    if (!ec && options_.local) tcp.bind({to_asio(options_.local->ip), options_.local->port}, ec);
    if (ec) return on_error_(net_error("net.bind", "cannot bind TCP socket", ec));
    if (options_.transport == Transport::tls) configure_tls();
    tcp.async_connect(remote, [this, ready = std::move(ready)](error_code cec) {
      if (cec == asio::error::operation_aborted) return;
      if (cec) return on_error_(net_error("net.connect", "cannot connect to " + options_.remote.to_string(), cec));
      if (options_.transport != Transport::tls) return on_connected(ready);
      stream_.async_handshake(asio::ssl::stream_base::client, [this, ready](error_code hec) {
        if (hec == asio::error::operation_aborted) return;
        if (hec) return on_error_(net_error("net.tls", "TLS handshake with " + options_.remote.to_string() + " failed", hec));
        on_connected(ready);
      });
    });
  }

  void send(ByteView message, const std::optional<SocketAddress>&) override {
    queue_.emplace_back(message.begin(), message.end());
    if (connected_ && !writing_) write_next();
  }

  void close() override {
    closed_ = true;
    error_code ec;
    stream_.next_layer().close(ec);
  }
  [[nodiscard]] SocketAddress local_address() const override {
    error_code ec;
    auto ep = stream_.next_layer().local_endpoint(ec);
    return ec ? SocketAddress{} : from_asio_endpoint(ep);
  }
  [[nodiscard]] Transport transport() const override { return options_.transport; }

 private:
  void configure_tls() {
    if (options_.tls_verify) {
      tls_context_.set_default_verify_paths();
      if (!options_.tls_ca_file.empty()) tls_context_.load_verify_file(options_.tls_ca_file);
      stream_.set_verify_mode(asio::ssl::verify_peer);
      if (!options_.tls_server_name.empty()) {
        stream_.set_verify_callback(asio::ssl::host_name_verification(options_.tls_server_name));
      }
    } else {
      stream_.set_verify_mode(asio::ssl::verify_none);
    }
    if (!options_.tls_server_name.empty() && !IpAddress::parse(options_.tls_server_name).ok()) {
      // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
      SSL_ctrl(stream_.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(options_.tls_server_name.c_str()));
    }
  }

  void on_connected(const ReadyHandler& ready) {
    connected_ = true;
    read();
    ready();
    if (!queue_.empty() && !writing_) write_next();
  }

  template <class Fn>
  void with_stream(Fn fn) {
    if (options_.transport == Transport::tls) fn(stream_); else fn(stream_.next_layer());
  }

  void write_next() {
    writing_ = true;
    with_stream([this](auto& s) {
      asio::async_write(s, asio::buffer(queue_.front()), [this](error_code ec, std::size_t) {
        writing_ = false;
        if (ec) {
          if (!closed_) on_error_(net_error("net.write", "write failed", ec));
          return;
        }
        queue_.pop_front();
        if (!queue_.empty() && !closed_) write_next();
      });
    });
  }

  void read() {
    with_stream([this](auto& s) {
      s.async_read_some(asio::buffer(chunk_), [this](error_code ec, std::size_t n) {
        if (ec) {
          if (!closed_) on_error_(net_error("net.read", "connection to " + options_.remote.to_string() + " closed", ec));
          return;
        }
        pending_.insert(pending_.end(), chunk_.begin(), chunk_.begin() + static_cast<std::ptrdiff_t>(n));
        if (!deliver()) return;
        read();
      });
    });
  }

  // Hands every complete message to the handler; false when the stream is garbage.
  bool deliver() {
    for (;;) {
      auto size = options_.frame(ByteView(pending_));
      if (!size) {
        on_error_(make_error("net.framing", "the server sent bytes that are not a message stream"));
        return false;
      }
      if (*size == 0 || *size > pending_.size()) return true;
      on_message_(ByteView(pending_.data(), *size), options_.remote);
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(*size));
    }
  }

  ChannelOptions options_;
  asio::ssl::context tls_context_;
  asio::ssl::stream<asio::ip::tcp::socket> stream_;
  std::deque<Bytes> queue_;
  Bytes pending_;
  std::array<std::uint8_t, 16384> chunk_{};
  MessageHandler on_message_;
  ErrorHandler on_error_;
  bool connected_ = false;
  bool writing_ = false;  // one async_write at a time
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<MessageChannel> MessageChannel::create(asio::io_context& io, ChannelOptions options) {
  if (options.transport == Transport::udp) return std::make_unique<UdpChannel>(io, std::move(options));
  return std::make_unique<StreamChannel>(io, std::move(options));
}

}  // namespace gw::net
