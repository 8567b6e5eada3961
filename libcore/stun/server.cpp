#include "stun/server.hpp"

#include <algorithm>

#include "stun/attributes.hpp"
#include "stun/builder.hpp"
#include "stun/integrity.hpp"

namespace gw::stun {

std::string_view local_socket_name(LocalSocket s) {
  switch (s) {
    case LocalSocket::primary: return "primary";
    case LocalSocket::alt_port: return "alt-port";
    case LocalSocket::alt_ip: return "alt-ip";
    case LocalSocket::alt_ip_port: return "alt-ip-port";
  }
  return "?";
}

namespace {

DropReason drop_reason_for(const Error& e) {
  if (e.code == "stun.truncated") return DropReason::truncated;
  if (e.code == "stun.not-stun") return DropReason::not_stun;
  if (e.code == "stun.bad-cookie") return DropReason::bad_cookie;
  if (e.code == "stun.bad-length") return DropReason::bad_length;
  return DropReason::attribute_overflow;
}

// Comprehension-required attributes a Binding request may carry here.
bool understood_in_request(std::uint16_t type) {
  switch (type) {
    case attr::username:
    case attr::message_integrity:
    case attr::message_integrity_sha256:
    case attr::realm:
    case attr::nonce:
    case attr::userhash:
    case attr::password_algorithm:
    case attr::priority:
    case attr::use_candidate:
    case attr::change_request:
    case attr::response_port:
    case attr::padding:
      return true;
    default:
      return !attr::comprehension_required(type);
  }
}

constexpr std::size_t kMaxUnknownListed = 32;  // bounds the 420 reply size

}  // namespace

Server::Server(ServerConfig config) : config_(std::move(config)), limiter_(config_.rate_limit) {}

SocketAddress Server::address_of(LocalSocket s) const {
  const auto bits = static_cast<unsigned>(s);
  if (!config_.alternate || bits == 0) return config_.primary;
  SocketAddress a = config_.primary;
  if ((bits & 2U) != 0) a.ip = config_.alternate->ip;
  if ((bits & 1U) != 0) a.port = config_.alternate->port;
  return a;
}

std::vector<LocalSocket> Server::sockets() const {
  if (!config_.alternate) return {LocalSocket::primary};
  return {LocalSocket::primary, LocalSocket::alt_port, LocalSocket::alt_ip,
          LocalSocket::alt_ip_port};
}

ServerReply Server::count(ServerReply reply) {
  ++counters_.responses;
  counters_.bytes_out += reply.bytes.size();
  return reply;
}

std::optional<ServerReply> Server::handle(ByteView packet, const SocketAddress& source,
                                          LocalSocket arrived_on, TimePoint now) {
  ++counters_.received;
  counters_.bytes_in += packet.size();
  // Rate limit before parsing: a flood costs one hash lookup per packet.
  if (!limiter_.allow(source.ip, now)) {
    counters_.drop(DropReason::rate_limited);
    return std::nullopt;
  }
  auto m = decode(packet, DecodeOptions{config_.answer_rfc3489});
  if (!m) {
    counters_.drop(drop_reason_for(m.error()));
    return std::nullopt;
  }
  if (m->cls != Class::request) {  // RFC 8489 §6.3.2/§6.3.3: never answered
    counters_.drop(m->cls == Class::indication ? DropReason::indication
                                               : DropReason::not_request);
    return std::nullopt;
  }
  if (check_fingerprint(packet, *m) == Check::mismatch) {
    counters_.drop(DropReason::bad_fingerprint);
    return std::nullopt;
  }
  ++counters_.requests;
  if (m->is_rfc3489()) ++counters_.rfc3489_requests;
  return answer(packet, *m, source, arrived_on);
}

ServerReply Server::error_reply(const Message& request, int code, const SocketAddress& source,
                                LocalSocket arrived_on,
                                const std::vector<std::uint16_t>& unknown) {
  (code == error::unknown_attribute ? counters_.error_420 : counters_.error_400)++;
  auto b = MessageBuilder::reply_to(request, Class::error);
  b.add_error(code);
  if (!unknown.empty()) b.add_unknown_attributes(unknown);  // RFC 8489 §14.9
  if (!request.is_rfc3489() && (config_.fingerprint == FingerprintPolicy::always ||
                                request.has(attr::fingerprint))) {
    b.with_fingerprint();
  }
  return count(ServerReply{b.build(), arrived_on, source});
}

std::optional<ServerReply> Server::answer(ByteView packet, const Message& request,
                                          const SocketAddress& source, LocalSocket arrived_on) {
  if (request.method != Method::binding) {
    return error_reply(request, error::bad_request, source, arrived_on);
  }
  // RFC 8489 §6.3.1: unknown comprehension-required attributes -> 420.
  std::vector<std::uint16_t> unknown;
  for (const auto& a : request.attributes) {
    if (!understood_in_request(a.type) && unknown.size() < kMaxUnknownListed &&
        std::find(unknown.begin(), unknown.end(), a.type) == unknown.end()) {
      unknown.push_back(a.type);
    }
  }
  ChangeRequest change;
  if (const auto* cr = request.find(attr::change_request)) {
    auto parsed = decode_change_request(cr->value);
    if (!parsed) return error_reply(request, error::bad_request, source, arrived_on);
    change = *parsed;
    // RFC 5780 §6.1: no alternate address -> 420 naming CHANGE-REQUEST.
    if ((change.change_ip || change.change_port) && !config_.alternate) {
      unknown.push_back(attr::change_request);
    }
  }
  if (!unknown.empty()) {
    return error_reply(request, error::unknown_attribute, source, arrived_on, unknown);
  }
  SocketAddress to = source;
  if (const auto* rp = request.find(attr::response_port)) {
    auto port = decode_response_port(rp->value);
    if (!port) return error_reply(request, error::bad_request, source, arrived_on);
    to.port = *port;  // RFC 5780 §6.1: same IP, port from RESPONSE-PORT
    ++counters_.response_port;
  }
  auto from_bits = static_cast<unsigned>(arrived_on);
  if (change.change_ip) from_bits ^= 2U;
  if (change.change_port) from_bits ^= 1U;
  const auto from = static_cast<LocalSocket>(from_bits);
  if (from != arrived_on) ++counters_.change_requests;
  const SocketAddress origin = address_of(from);
  const bool legacy = request.is_rfc3489();

  auto b = MessageBuilder::reply_to(request, Class::success);
  if (!legacy) b.add_address(attr::xor_mapped_address, source);
  if (legacy || config_.always_mapped_address) b.add_address(attr::mapped_address, source);
  b.add_address(legacy ? attr::source_address : attr::response_origin, origin);
  if (config_.alternate) {  // RFC 5780 §7.4: IP and port both changed from the arrival socket
    b.add_address(legacy ? attr::changed_address : attr::other_address,
                  address_of(static_cast<LocalSocket>(static_cast<unsigned>(arrived_on) ^ 3U)));
  }
  if (!config_.software.empty()) b.add_text(attr::software, config_.software);
  const bool fingerprint = !legacy && (config_.fingerprint == FingerprintPolicy::always ||
                                       request.has(attr::fingerprint));
  if (request.has(attr::padding)) {
    // Pad up to the request size, never beyond: no amplification.
    const std::size_t now_size = b.build().size() + (fingerprint ? 8 : 0) + 4;
    if (packet.size() > now_size) {
      b.add_padding((packet.size() - now_size) & ~std::size_t{3});
      ++counters_.padded;
    }
  }
  if (fingerprint) b.with_fingerprint();
  ++counters_.success;
  return count(ServerReply{b.build(), from, to});
}

}  // namespace gw::stun
