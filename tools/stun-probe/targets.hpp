// Turning SERVER arguments into resolved probe targets, and the request spec
// shared by every mode. Thread: main thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "net/message_channel.hpp"
#include "stun/client_transaction.hpp"

namespace stun_probe {

struct Target {
  std::string label;           // as the user wrote it
  gw::Transport transport = gw::Transport::udp;
  gw::SocketAddress address;
  std::string host;            // for TLS name checks
};

// Expands SERVER arguments (and --transport) into targets; errors name the argument.
gw::Result<std::vector<Target>> resolve_targets(const ClientOptions& options);
gw::stun::RequestSpec make_request(const ClientOptions& options);
// `mode_default_s` is the overall timeout when --timeout was not given.
gw::stun::TransactionConfig make_config(const ClientOptions& options, double mode_default_s = 39.5);
gw::net::ChannelOptions make_channel(const ClientOptions& options, const Target& target);
// --bind as a socket address of the given family (port 0 when not given).
gw::Result<std::optional<gw::SocketAddress>> bind_address(const ClientOptions& options);

}  // namespace stun_probe
