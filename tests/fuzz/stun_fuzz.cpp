// libFuzzer target for the STUN codec and server logic.
// Round trip: decode -> encode -> decode must give the same attribute list;
// the typed getters, integrity/fingerprint checks and the server must never
// crash on any input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "stun/attributes.hpp"
#include "stun/integrity.hpp"
#include "stun/message.hpp"
#include "stun/server.hpp"

namespace {

gw::stun::Server& server() {
  static gw::stun::Server s([] {
    gw::stun::ServerConfig c;
    c.primary = gw::SocketAddress::parse("198.51.100.1:3478").value();
    c.alternate = gw::SocketAddress::parse("198.51.100.2:3479").value();
    c.rate_limit = gw::stun::RateLimitConfig{1e9, 1e9, 64};
    return c;
  }());
  return s;
}

void exercise_getters(const gw::stun::Message& m, gw::ByteView packet) {
  using namespace gw::stun;
  for (auto t : {attr::xor_mapped_address, attr::mapped_address, attr::other_address,
                 attr::response_origin, attr::alternate_server}) {
    (void)get_address(m, t);
  }
  (void)get_error_code(m);
  (void)get_unknown_attributes(m);
  (void)get_change_request(m);
  (void)get_response_port(m);
  (void)get_priority(m);
  (void)get_password_algorithms(m);
  (void)get_password_algorithm(m);
  const gw::Bytes key{1, 2, 3};
  (void)check_integrity(packet, m, key);
  (void)check_message_integrity(packet, m, key);
  (void)check_fingerprint(packet, m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const gw::ByteView input(data, size);
  (void)gw::stun::looks_like_stun(input);
  auto first = gw::stun::decode(input, gw::stun::DecodeOptions{true});
  if (first) {
    exercise_getters(*first, input);
    const auto bytes = gw::stun::encode(*first);
    auto second = gw::stun::decode(bytes, gw::stun::DecodeOptions{true});
    if (!second || second->attributes != first->attributes ||
        second->transaction_id != first->transaction_id || second->cookie != first->cookie ||
        second->method != first->method || second->cls != first->cls) {
      std::abort();  // round trip broke
    }
  }
  static std::uint64_t n = 0;
  const auto from = gw::SocketAddress{gw::IpAddress::v4(0xCB007107U), static_cast<std::uint16_t>(n)};
  const auto on = static_cast<gw::stun::LocalSocket>(n++ % 4);
  if (auto r = server().handle(input, from, on, gw::TimePoint{})) {
    // Replies must themselves decode and never exceed what is needed.
    auto reply = gw::stun::decode(r->bytes, gw::stun::DecodeOptions{true});
    if (!reply) std::abort();
  }
  return 0;
}
