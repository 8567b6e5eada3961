// STUN credentials, MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT (RFC 8489 §9,
// §14.4-§14.7). HMACs and hashes come from OpenSSL.
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <string_view>

#include "stun/message.hpp"

namespace gw::stun {

// RFC 8489 §9.1.2: key = OpaqueString(password). We do not run the PRECIS
// OpaqueString/SASLprep profile: the password bytes are used as given, so
// callers must pass an already-prepared UTF-8 password (true of ASCII ones).
Bytes short_term_key(std::string_view password);

// RFC 8489 §9.2.2: MD5 or SHA-256 of "username:realm:password" (the same
// caveat about SASLprep/OpaqueString applies to all three strings).
Bytes long_term_key(std::string_view username, std::string_view realm,
                    std::string_view password,
                    PasswordAlgorithmId algorithm = PasswordAlgorithmId::md5);

// RFC 8489 §14.4: USERHASH = SHA-256(username ":" realm).
Bytes userhash(std::string_view username, std::string_view realm);

// CRC-32 (ISO-HDLC, as in zlib), used by FINGERPRINT.
std::uint32_t crc32(ByteView data);

// HMAC over packet[0, attr_offset) with the length field patched to end just
// after an attribute of `value_size` bytes at attr_offset (RFC 8489 §14.5).
Bytes integrity_hmac(ByteView packet, std::size_t attr_offset, std::size_t value_size,
                     ByteView key, bool sha256);
// CRC-32 ^ 0x5354554E over packet[0, attr_offset) with the length patched (§14.7).
std::uint32_t fingerprint_value(ByteView packet, std::size_t attr_offset);

enum class Check { absent, ok, mismatch };
std::string_view check_name(Check c);  // "absent", "ok", "mismatch"

// `message` must be the result of decode(packet). Constant-time compare.
Check check_message_integrity(ByteView packet, const Message& message, ByteView key);
Check check_message_integrity_sha256(ByteView packet, const Message& message, ByteView key);
// Uses MESSAGE-INTEGRITY-SHA256 when present, else MESSAGE-INTEGRITY.
Check check_integrity(ByteView packet, const Message& message, ByteView key);
// FINGERPRINT must also be the last attribute (RFC 8489 §14.7).
Check check_fingerprint(ByteView packet, const Message& message);

}  // namespace gw::stun
