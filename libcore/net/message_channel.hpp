// A channel that carries whole messages to one server over UDP, TCP or TLS.
// Stream transports are framed by a caller-given function (for STUN: the
// 20-byte header plus its length field, RFC 8489 §6.2.2). Used by clients
// such as stun-probe, which run transactions over any of the three.
// Thread: the io_context's thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "util/bytes.hpp"
#include "util/endpoint.hpp"
#include "util/result.hpp"
#include "util/socket_address.hpp"

namespace gw::net {

struct ChannelOptions {
  Transport transport = Transport::udp;
  SocketAddress remote;
  std::optional<SocketAddress> local;  // bind address (port 0 = any)
  std::string tls_server_name;         // SNI and certificate name check
  bool tls_verify = true;              // verify the chain with the system CAs
  std::string tls_ca_file;             // extra trust anchor (PEM)
  // Returns the size of the first complete message in `data`, 0 if more bytes
  // are needed, or nullopt if the stream cannot be a message stream.
  std::function<std::optional<std::size_t>(ByteView data)> frame;
};

class MessageChannel {
 public:
  using MessageHandler = std::function<void(ByteView message, const SocketAddress& from)>;
  using ErrorHandler = std::function<void(const Error& error)>;
  using ReadyHandler = std::function<void()>;

  virtual ~MessageChannel() = default;
  // Starts connecting (streams) or binds (UDP); `ready` runs once sending is possible.
  virtual void start(ReadyHandler ready, MessageHandler on_message, ErrorHandler on_error) = 0;
  // UDP: sends to `to` (default: the remote). Streams ignore `to`.
  virtual void send(ByteView message, const std::optional<SocketAddress>& to = {}) = 0;
  virtual void close() = 0;
  [[nodiscard]] virtual SocketAddress local_address() const = 0;
  [[nodiscard]] virtual Transport transport() const = 0;

  static std::unique_ptr<MessageChannel> create(boost::asio::io_context& io, ChannelOptions options);
};

}  // namespace gw::net
