// Runs one STUN Binding transaction (stun::ClientTransaction) over a
// MessageChannel (UDP, TCP or TLS) and reports what the server said. Used by
// stun-probe and by anything that must learn its reflexive address.
// Thread: the io_context's thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/message_channel.hpp"
#include "stun/client_transaction.hpp"

namespace gw::net {

struct BindingResult {
  Transport transport = Transport::udp;
  SocketAddress server;
  SocketAddress local;
  bool ok = false;                        // a success response arrived
  std::string failure;                    // "timeout", "connect", "tls", "error-response", ...
  std::string detail;                     // a sentence for a person
  std::optional<SocketAddress> xor_mapped;       // XOR-MAPPED-ADDRESS
  std::optional<SocketAddress> mapped;           // MAPPED-ADDRESS (an ALG rewrites only this)
  std::optional<SocketAddress> response_origin;  // RFC 5780 §7.3
  std::optional<SocketAddress> other_address;    // RFC 5780 §7.4
  std::optional<SocketAddress> changed_address;  // RFC 3489
  std::optional<SocketAddress> source;           // where the response came from (UDP)
  std::string software;
  std::optional<stun::ErrorCode> error_response;
  Duration rtt{};
  int transmissions = 0;
  std::size_t request_bytes = 0;
  std::size_t response_bytes = 0;
};

class BindingProbe {
 public:
  using Done = std::function<void(const BindingResult&)>;

  // The probe owns its channel (a socket of its own, or a TCP/TLS connection).
  BindingProbe(boost::asio::io_context& io, ChannelOptions channel, stun::RequestSpec request,
               stun::TransactionConfig config, Done done);
  // Several UDP probes on one shared socket (so their mappings compare): the
  // owner starts the channel and hands every datagram to deliver().
  BindingProbe(boost::asio::io_context& io, std::shared_ptr<MessageChannel> shared, SocketAddress server,
               stun::RequestSpec request, stun::TransactionConfig config, Done done);
  ~BindingProbe();
  BindingProbe(const BindingProbe&) = delete;
  BindingProbe& operator=(const BindingProbe&) = delete;

  void start();
  void cancel();
  // For shared channels: a datagram that may answer this probe.
  void deliver(ByteView data, const SocketAddress& from) { on_message(data, from); }

 private:
  void on_ready();
  void send(ByteView bytes) { channel_->send(bytes, result_.server); }
  void on_message(ByteView data, const SocketAddress& from);
  void on_channel_error(const Error& error);
  void arm_timer();
  void finish();

  boost::asio::io_context& io_;
  std::shared_ptr<MessageChannel> channel_;
  bool shared_ = false;
  stun::ClientTransaction transaction_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer connect_timer_;
  Done done_;
  BindingResult result_;
  std::size_t last_request_size_ = 0;
  bool finished_ = false;
};

}  // namespace gw::net
