// STUN message model and decoder (RFC 8489 §5, §6.3, §14).
// Thread: any (pure functions and value types).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "stun/constants.hpp"
#include "util/bytes.hpp"
#include "util/result.hpp"

namespace gw::stun {

using TransactionId = std::array<std::uint8_t, 12>;

// One attribute as it appeared on the wire (value without its padding).
struct Attribute {
  std::uint16_t type = 0;
  Bytes value;
  std::size_t offset = 0;  // of the attribute header in the decoded packet
  friend bool operator==(const Attribute& a, const Attribute& b) {
    return a.type == b.type && a.value == b.value;  // offset is bookkeeping
  }
};

struct Message {
  Method method = Method::binding;
  Class cls = Class::request;
  // RFC 3489 messages carry a 128-bit transaction id in place of the cookie:
  // `cookie` keeps those first 4 bytes so replies can echo them unchanged.
  std::uint32_t cookie = kMagicCookie;
  TransactionId transaction_id{};
  std::vector<Attribute> attributes;  // in wire order

  [[nodiscard]] bool is_rfc3489() const { return cookie != kMagicCookie; }
  [[nodiscard]] const Attribute* find(std::uint16_t type) const;  // first occurrence
  [[nodiscard]] bool has(std::uint16_t type) const { return find(type) != nullptr; }
};

struct DecodeOptions {
  bool allow_rfc3489 = false;  // accept a header without the magic cookie
};

// Full RFC 8489 §6.3 header and attribute framing checks. Error codes:
// stun.truncated, stun.not-stun, stun.bad-cookie, stun.bad-length,
// stun.attribute-overflow. Never throws; bounded by the input size.
Result<Message> decode(ByteView packet, DecodeOptions options = {});

// Re-encodes the attributes as they are (zero padding, no integrity update).
Bytes encode(const Message& message);

// Cheap demux test (RFC 7983 §7: first byte 0..3; plus cookie and length).
bool looks_like_stun(ByteView packet);

// Stream transports: size of the STUN message starting at `data`, once the
// 4 bytes holding the length are there (RFC 8489 §6.2.2 framing).
std::optional<std::size_t> stream_message_size(ByteView data);

// RFC 8489 §5 bit layout: M11..M7 C1 M6..M4 C0 M3..M0.
std::uint16_t message_type(Method method, Class cls);
void split_message_type(std::uint16_t type, Method& method, Class& cls);

// 96 random bits from OpenSSL's CSPRNG (RFC 8489 §6: cryptographically random).
TransactionId random_transaction_id();

}  // namespace gw::stun
