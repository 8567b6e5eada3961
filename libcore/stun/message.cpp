#include "stun/message.hpp"

#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace gw::stun {

const Attribute* Message::find(std::uint16_t type) const {
  for (const auto& a : attributes) {
    if (a.type == type) return &a;
  }
  return nullptr;
}

std::uint16_t message_type(Method method, Class cls) {
  const auto m = static_cast<std::uint16_t>(method);
  const auto c = static_cast<std::uint16_t>(cls);
  return static_cast<std::uint16_t>((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) |
                                    ((c & 1) << 4) | ((c & 2) << 7));
}

void split_message_type(std::uint16_t type, Method& method, Class& cls) {
  const auto m = (type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80);
  const auto c = ((type >> 4) & 1) | ((type >> 7) & 2);
  method = static_cast<Method>(m);
  cls = static_cast<Class>(c);
}

namespace {

Status check_header(ByteView p, const DecodeOptions& options) {
  if (p.size() < kHeaderSize) {
    return make_error("stun.truncated", "shorter than the 20-byte STUN header");
  }
  if ((p[0] & 0xC0) != 0) {  // RFC 8489 §6.3: top two bits must be zero
    return make_error("stun.not-stun", "first two bits are not zero");
  }
  if (load_be32(p.data() + 4) != kMagicCookie && !options.allow_rfc3489) {
    return make_error("stun.bad-cookie", "magic cookie missing");
  }
  const std::size_t length = load_be16(p.data() + 2);
  if (length % 4 != 0) {  // RFC 8489 §6.3: last two bits of the length are zero
    return make_error("stun.bad-length", "length is not a multiple of 4");
  }
  if (kHeaderSize + length != p.size()) {
    return make_error("stun.bad-length", "length field " + std::to_string(length) +
                                             " does not match " + std::to_string(p.size()) +
                                             " bytes received");
  }
  return {};
}

}  // namespace

Result<Message> decode(ByteView packet, DecodeOptions options) {
  if (auto st = check_header(packet, options); !st) return st.error();
  Message m;
  split_message_type(load_be16(packet.data()), m.method, m.cls);
  m.cookie = load_be32(packet.data() + 4);
  std::memcpy(m.transaction_id.data(), packet.data() + 8, m.transaction_id.size());
  std::size_t pos = kHeaderSize;
  while (pos < packet.size()) {
    if (packet.size() - pos < 4) {
      return make_error("stun.attribute-overflow", "attribute header runs past the end");
    }
    const std::uint16_t type = load_be16(packet.data() + pos);
    const std::size_t len = load_be16(packet.data() + pos + 2);
    const std::size_t padded = (len + 3) & ~std::size_t{3};  // RFC 8489 §14: 32-bit alignment
    if (packet.size() - pos - 4 < padded) {
      return make_error("stun.attribute-overflow",
                        "attribute 0x" + to_hex(packet.subspan(pos, 2)) + " runs past the end");
    }
    const auto* v = packet.data() + pos + 4;
    m.attributes.push_back(Attribute{type, Bytes(v, v + len), pos});
    pos += 4 + padded;
  }
  return m;
}

Bytes encode(const Message& message) {
  Bytes out;
  ByteWriter w(out);
  w.u16(message_type(message.method, message.cls));
  w.u16(0);  // fixed below
  w.u32(message.cookie);
  w.raw(message.transaction_id);
  for (const auto& a : message.attributes) {
    w.u16(a.type);
    w.u16(static_cast<std::uint16_t>(a.value.size()));
    w.raw(a.value);
    w.zeros((4 - a.value.size() % 4) % 4);
  }
  store_be16(out.data() + 2, static_cast<std::uint16_t>(out.size() - kHeaderSize));
  return out;
}

bool looks_like_stun(ByteView p) {
  return p.size() >= kHeaderSize && p[0] < 4 && load_be32(p.data() + 4) == kMagicCookie &&
         (load_be16(p.data() + 2) % 4) == 0;
}

std::optional<std::size_t> stream_message_size(ByteView data) {
  if (data.size() < 4) return std::nullopt;
  return kHeaderSize + load_be16(data.data() + 2);
}

TransactionId random_transaction_id() {
  TransactionId id{};
  if (RAND_bytes(id.data(), static_cast<int>(id.size())) != 1) {
    // The CSPRNG failing is not a per-packet condition; fall back to a fixed
    // pattern would be unsafe, so abort loudly.
    std::abort();
  }
  return id;
}

}  // namespace gw::stun
