// The gateway's address plan (design brief §6): per side a bind address and
// an advertised one, used alike by ICE candidates, SDP and SIP Contact/Via.
// A wrong advertised address is the first cause of one-way audio, so the
// gateway checks its plan at start: it asks a STUN server (RFC 8489 Binding)
// from the public bind address what its reflexive address is, and compares.
// Thread: the io_context's thread (check_address_plan and its callback).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "util/socket_address.hpp"

namespace gw::gateway {

struct AddressPlan {
  IpAddress public_bind;
  std::vector<IpAddress> public_advertised;  // ICE candidates
  std::optional<IpAddress> private_bind;     // SIP mode only
  std::string private_advertised;            // SIP Contact/Via, SDP c=
  std::vector<std::string> stun_urls;        // "stun:host[:port]"
};

struct PlanFinding {
  bool ok = true;                 // false: a problem a person must fix
  std::string what;               // a sentence
};

struct PlanReport {
  std::optional<SocketAddress> reflexive;    // what the STUN server saw
  std::string stun_server;
  std::vector<PlanFinding> findings;
  [[nodiscard]] bool ok() const;
};

// Checks that need no network: addresses that cannot work (loopback
// advertised to browsers, private side equal to the public one, ...).
std::vector<PlanFinding> check_static_plan(const AddressPlan& plan);

// The STUN check (about 2 s at most when the server does not answer);
// `done` gets the static findings too. Keep the returned handle alive until then.
std::shared_ptr<void> check_address_plan(boost::asio::io_context& io, const AddressPlan& plan,
                                         std::function<void(const PlanReport&)> done);

// "stun:host[:port]" -> host and port (3478 by default); nullopt when unparsable.
std::optional<std::pair<std::string, std::uint16_t>> parse_stun_url(std::string_view url);
// "turn:host[:port][?transport=udp]" (RFC 7065) -> host and port; nullopt
// for TCP/TLS transports or when unparsable.
std::optional<std::pair<std::string, std::uint16_t>> parse_turn_udp_url(std::string_view url);
// "host[:port][?...]" after the scheme; IPv6 literals in brackets.
std::optional<std::pair<std::string, std::uint16_t>> parse_ice_url_host(std::string_view rest);

}  // namespace gw::gateway
