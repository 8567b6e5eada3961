// Typed STUN attribute values: decoders (wire value -> type) and encoders
// (type -> wire value), plus Message-level getters.
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stun/message.hpp"
#include "util/socket_address.hpp"

namespace gw::stun {

struct ErrorCode {
  int code = 0;        // 300..699
  std::string reason;  // UTF-8 reason phrase
  friend bool operator==(const ErrorCode&, const ErrorCode&) = default;
};

struct ChangeRequest {  // RFC 5780 §7.2
  bool change_ip = false;
  bool change_port = false;
  friend bool operator==(const ChangeRequest&, const ChangeRequest&) = default;
};

struct PasswordAlgorithm {  // RFC 8489 §14.11/§14.12
  std::uint16_t id = 0;
  Bytes parameters;
  friend bool operator==(const PasswordAlgorithm&, const PasswordAlgorithm&) = default;
};

// --- value codecs. Decoders return stun.bad-attribute on malformed values. ---
// MAPPED-ADDRESS, ALTERNATE-SERVER, RESPONSE-ORIGIN, OTHER-ADDRESS,
// CHANGED-ADDRESS, SOURCE-ADDRESS share this layout (RFC 8489 §14.1).
Result<SocketAddress> decode_address(ByteView value);
Bytes encode_address(const SocketAddress& address);
// XOR-MAPPED-ADDRESS (RFC 8489 §14.2): port ^ cookie>>16, address ^ cookie||tid.
Result<SocketAddress> decode_xor_address(ByteView value, const TransactionId& tid);
Bytes encode_xor_address(const SocketAddress& address, const TransactionId& tid);

Result<ErrorCode> decode_error_code(ByteView value);  // RFC 8489 §14.8
Bytes encode_error_code(const ErrorCode& error);
std::string_view default_reason(int code);            // "Bad Request", ...

Result<std::vector<std::uint16_t>> decode_unknown_attributes(ByteView value);  // §14.9
Bytes encode_unknown_attributes(std::span<const std::uint16_t> types);

Result<ChangeRequest> decode_change_request(ByteView value);  // RFC 5780 §7.2
Bytes encode_change_request(ChangeRequest request);
Result<std::uint16_t> decode_response_port(ByteView value);   // RFC 5780 §7.5
Bytes encode_response_port(std::uint16_t port);

Result<std::uint32_t> decode_u32(ByteView value);  // PRIORITY
Bytes encode_u32(std::uint32_t v);
Result<std::uint64_t> decode_u64(ByteView value);  // ICE-CONTROLLED/-CONTROLLING
Bytes encode_u64(std::uint64_t v);

Result<PasswordAlgorithm> decode_password_algorithm(ByteView value);
Bytes encode_password_algorithm(const PasswordAlgorithm& alg);
Result<std::vector<PasswordAlgorithm>> decode_password_algorithms(ByteView value);
Bytes encode_password_algorithms(std::span<const PasswordAlgorithm> algs);

// --- Message-level getters: nullopt when absent or malformed. ---
// XOR decoding is applied for XOR-MAPPED-ADDRESS, plain decoding otherwise.
std::optional<SocketAddress> get_address(const Message& m, std::uint16_t type);
// USERNAME, REALM, NONCE, SOFTWARE, ... as text (bytes as they are).
std::optional<std::string> get_text(const Message& m, std::uint16_t type);
std::optional<ErrorCode> get_error_code(const Message& m);
std::optional<std::vector<std::uint16_t>> get_unknown_attributes(const Message& m);
std::optional<ChangeRequest> get_change_request(const Message& m);
std::optional<std::uint16_t> get_response_port(const Message& m);
std::optional<std::uint32_t> get_priority(const Message& m);
std::optional<std::uint64_t> get_u64(const Message& m, std::uint16_t type);
std::optional<std::vector<PasswordAlgorithm>> get_password_algorithms(const Message& m);
std::optional<PasswordAlgorithm> get_password_algorithm(const Message& m);

// A short name for logs and JSON ("XOR-MAPPED-ADDRESS", or "0x1234").
std::string attribute_name(std::uint16_t type);

}  // namespace gw::stun
