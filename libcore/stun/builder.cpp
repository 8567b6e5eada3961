#include "stun/builder.hpp"

#include <algorithm>

#include "stun/integrity.hpp"

namespace gw::stun {

MessageBuilder::MessageBuilder(Method method, Class cls, const TransactionId& tid,
                               std::uint32_t cookie)
    : method_(method), cls_(cls), tid_(tid), cookie_(cookie) {
  body_.reserve(96);  // typical replies fit: no regrowth per attribute
}

MessageBuilder MessageBuilder::reply_to(const Message& request, Class cls) {
  return MessageBuilder(request.method, cls, request.transaction_id, request.cookie);
}

MessageBuilder& MessageBuilder::add(std::uint16_t type, ByteView value) {
  // Values beyond 16 bits cannot be framed; callers keep well below this.
  const auto size = std::min<std::size_t>(value.size(), 0xFFFC);
  ByteWriter w(body_);
  w.u16(type);
  w.u16(static_cast<std::uint16_t>(size));
  w.raw(value.first(size));
  body_.insert(body_.end(), (4 - size % 4) % 4, pad_);
  return *this;
}

MessageBuilder& MessageBuilder::add_text(std::uint16_t type, std::string_view text) {
  return add(type, as_bytes(text));
}

MessageBuilder& MessageBuilder::add_address(std::uint16_t type, const SocketAddress& address) {
  return add(type, type == attr::xor_mapped_address ? encode_xor_address(address, tid_)
                                                    : encode_address(address));
}

MessageBuilder& MessageBuilder::add_error(int code, std::string_view reason) {
  return add(attr::error_code, encode_error_code(ErrorCode{code, std::string(reason)}));
}

MessageBuilder& MessageBuilder::add_u32(std::uint16_t type, std::uint32_t v) {
  return add(type, encode_u32(v));
}

MessageBuilder& MessageBuilder::add_u64(std::uint16_t type, std::uint64_t v) {
  return add(type, encode_u64(v));
}

MessageBuilder& MessageBuilder::add_flag(std::uint16_t type) { return add(type, {}); }

MessageBuilder& MessageBuilder::add_change_request(ChangeRequest request) {
  return add(attr::change_request, encode_change_request(request));
}

MessageBuilder& MessageBuilder::add_response_port(std::uint16_t port) {
  return add(attr::response_port, encode_response_port(port));
}

MessageBuilder& MessageBuilder::add_padding(std::size_t size) {
  return add(attr::padding, Bytes(size, 0));
}

MessageBuilder& MessageBuilder::add_unknown_attributes(std::span<const std::uint16_t> types) {
  return add(attr::unknown_attributes, encode_unknown_attributes(types));
}

MessageBuilder& MessageBuilder::with_integrity(ByteView key) {
  mi_key_ = Bytes(key.begin(), key.end());
  return *this;
}

MessageBuilder& MessageBuilder::with_integrity_sha256(ByteView key) {
  mi256_key_ = Bytes(key.begin(), key.end());
  return *this;
}

MessageBuilder& MessageBuilder::with_fingerprint() {
  fingerprint_ = true;
  return *this;
}

MessageBuilder& MessageBuilder::padding_byte(std::uint8_t b) {
  pad_ = b;
  return *this;
}

Bytes MessageBuilder::build() const {
  Bytes out;
  // Header + body + MI (24) + MI-SHA256 (36) + FINGERPRINT (8): one allocation.
  out.reserve(kHeaderSize + body_.size() + 68);
  ByteWriter w(out);
  w.u16(message_type(method_, cls_));
  w.u16(0);
  w.u32(cookie_);
  w.raw(tid_);
  w.raw(body_);
  auto set_length = [&out](std::size_t end) {
    store_be16(out.data() + 2, static_cast<std::uint16_t>(end - kHeaderSize));
  };
  // RFC 8489 §14.5/§14.6: each HMAC covers everything before it, with the
  // length counting up to the end of the integrity attribute itself.
  auto append_mac = [&](std::uint16_t type, const Bytes& key, bool sha256) {
    const std::size_t at = out.size();
    const auto mac = integrity_hmac(out, at, sha256 ? 32 : 20, key, sha256);
    w.u16(type);
    w.u16(static_cast<std::uint16_t>(mac.size()));
    w.raw(mac);
  };
  if (mi_key_) append_mac(attr::message_integrity, *mi_key_, false);
  if (mi256_key_) append_mac(attr::message_integrity_sha256, *mi256_key_, true);
  if (fingerprint_) {  // RFC 8489 §14.7: last, CRC over all before it
    const std::size_t at = out.size();
    const auto crc = fingerprint_value(out, at);
    w.u16(attr::fingerprint);
    w.u16(4);
    w.u32(crc);
  }
  set_length(out.size());
  return out;
}

}  // namespace gw::stun
