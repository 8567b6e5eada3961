// STUN wire constants: magic cookie, methods, classes, attribute and error codes.
// Thread: any (constants only).
#pragma once

#include <cstddef>
#include <cstdint>

namespace gw::stun {

inline constexpr std::uint32_t kMagicCookie = 0x2112A442;      // RFC 8489 §5
inline constexpr std::size_t kHeaderSize = 20;
inline constexpr std::uint32_t kFingerprintXor = 0x5354554E;   // RFC 8489 §14.7
inline constexpr std::uint16_t kDefaultPort = 3478;            // RFC 8489 §9
inline constexpr std::uint16_t kDefaultTlsPort = 5349;

enum class Method : std::uint16_t { binding = 0x001 };

// RFC 8489 §5: the two class bits C1 C0.
enum class Class : std::uint8_t { request = 0, indication = 1, success = 2, error = 3 };

// Attribute types (RFC 8489 §18.3, RFC 5780 §7, RFC 3489 §11.2, RFC 8445 §16.1).
namespace attr {
inline constexpr std::uint16_t mapped_address = 0x0001;
inline constexpr std::uint16_t response_address = 0x0002;   // RFC 3489, deprecated
inline constexpr std::uint16_t change_request = 0x0003;     // RFC 5780 §7.2
inline constexpr std::uint16_t source_address = 0x0004;     // RFC 3489
inline constexpr std::uint16_t changed_address = 0x0005;    // RFC 3489
inline constexpr std::uint16_t username = 0x0006;
inline constexpr std::uint16_t message_integrity = 0x0008;
inline constexpr std::uint16_t error_code = 0x0009;
inline constexpr std::uint16_t unknown_attributes = 0x000A;
inline constexpr std::uint16_t realm = 0x0014;
inline constexpr std::uint16_t nonce = 0x0015;
inline constexpr std::uint16_t message_integrity_sha256 = 0x001C;
inline constexpr std::uint16_t password_algorithm = 0x001D;
inline constexpr std::uint16_t userhash = 0x001E;
inline constexpr std::uint16_t xor_mapped_address = 0x0020;
inline constexpr std::uint16_t priority = 0x0024;           // RFC 8445
inline constexpr std::uint16_t use_candidate = 0x0025;      // RFC 8445
inline constexpr std::uint16_t padding = 0x0026;            // RFC 5780 §7.6
inline constexpr std::uint16_t response_port = 0x0027;      // RFC 5780 §7.5
inline constexpr std::uint16_t password_algorithms = 0x8002;
inline constexpr std::uint16_t alternate_domain = 0x8003;
inline constexpr std::uint16_t software = 0x8022;
inline constexpr std::uint16_t alternate_server = 0x8023;
inline constexpr std::uint16_t fingerprint = 0x8028;
inline constexpr std::uint16_t ice_controlled = 0x8029;     // RFC 8445
inline constexpr std::uint16_t ice_controlling = 0x802A;    // RFC 8445
inline constexpr std::uint16_t response_origin = 0x802B;    // RFC 5780 §7.3
inline constexpr std::uint16_t other_address = 0x802C;      // RFC 5780 §7.4

// RFC 8489 §14: 0x0000-0x7FFF are comprehension-required.
inline constexpr bool comprehension_required(std::uint16_t type) { return type < 0x8000; }
}  // namespace attr

// Error codes (RFC 8489 §14.8, RFC 5780 §6).
namespace error {
inline constexpr int try_alternate = 300;
inline constexpr int bad_request = 400;
inline constexpr int unauthenticated = 401;
inline constexpr int unknown_attribute = 420;
inline constexpr int stale_nonce = 438;
inline constexpr int server_error = 500;
}  // namespace error

// PASSWORD-ALGORITHM values (RFC 8489 §18.5).
enum class PasswordAlgorithmId : std::uint16_t { md5 = 0x0001, sha256 = 0x0002 };

}  // namespace gw::stun
