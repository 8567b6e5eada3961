// Encodes STUN messages, appending MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256
// and FINGERPRINT last, in that order, with the length field fixed up before
// each one as RFC 8489 §14.5-§14.7 require.
// Thread: any (value type; one instance per thread).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "stun/attributes.hpp"
#include "stun/message.hpp"

namespace gw::stun {

class MessageBuilder {
 public:
  MessageBuilder(Method method, Class cls, const TransactionId& tid,
                 std::uint32_t cookie = kMagicCookie);
  // Same method, transaction id and cookie as `request`.
  static MessageBuilder reply_to(const Message& request, Class cls);

  MessageBuilder& add(std::uint16_t type, ByteView value);
  MessageBuilder& add_text(std::uint16_t type, std::string_view text);
  // XOR-encoded when type is XOR-MAPPED-ADDRESS, plain otherwise.
  MessageBuilder& add_address(std::uint16_t type, const SocketAddress& address);
  MessageBuilder& add_error(int code, std::string_view reason = {});
  MessageBuilder& add_u32(std::uint16_t type, std::uint32_t v);
  MessageBuilder& add_u64(std::uint16_t type, std::uint64_t v);
  MessageBuilder& add_flag(std::uint16_t type);  // empty value, e.g. USE-CANDIDATE
  MessageBuilder& add_change_request(ChangeRequest request);
  MessageBuilder& add_response_port(std::uint16_t port);
  MessageBuilder& add_padding(std::size_t size);  // RFC 5780 §7.6
  MessageBuilder& add_unknown_attributes(std::span<const std::uint16_t> types);

  MessageBuilder& with_integrity(ByteView key);         // HMAC-SHA1, 20 bytes
  MessageBuilder& with_integrity_sha256(ByteView key);  // HMAC-SHA256, 32 bytes
  MessageBuilder& with_fingerprint();
  // Byte used to pad attribute values; zero per RFC 8489 §14. Only test
  // vectors (RFC 5769 pads with spaces) need anything else.
  MessageBuilder& padding_byte(std::uint8_t b);

  [[nodiscard]] Bytes build() const;
  [[nodiscard]] const TransactionId& transaction_id() const { return tid_; }

 private:
  Method method_;
  Class cls_;
  TransactionId tid_;
  std::uint32_t cookie_;
  std::uint8_t pad_ = 0;
  Bytes body_;  // encoded attributes so far
  std::optional<Bytes> mi_key_;
  std::optional<Bytes> mi256_key_;
  bool fingerprint_ = false;
};

}  // namespace gw::stun
