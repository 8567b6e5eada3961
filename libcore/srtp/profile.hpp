// SRTP protection profiles / crypto suites and their parameters:
// RFC 5764 §4.1.2 (DTLS-SRTP), RFC 4568 §6.2 (SDES), RFC 6188 (AES-256-CM),
// RFC 7714 §14 (AEAD AES-GCM).
// Thread: any (constants and pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace gw::srtp {

enum class Profile : std::uint8_t {
  aes_cm_128_hmac_sha1_80,  // RFC 3711; DTLS 0x0001
  aes_cm_128_hmac_sha1_32,  // RFC 3711; DTLS 0x0002 (SRTCP keeps an 80-bit tag)
  aead_aes_128_gcm,         // RFC 7714; DTLS 0x0007
  aead_aes_256_gcm,         // RFC 7714; DTLS 0x0008
  aes_256_cm_hmac_sha1_80,  // RFC 6188; SDES only (no DTLS-SRTP profile)
};

struct ProfileInfo {
  Profile profile;
  std::string_view sdes_name;     // RFC 4568 / 6188 / 7714 crypto-suite name
  std::string_view dtls_name;     // OpenSSL's use_srtp name, empty when none
  std::uint16_t dtls_id;          // RFC 5764 §4.1.2 / RFC 7714 §14.2, 0 when none
  std::size_t key_length;         // master key octets
  std::size_t salt_length;        // master salt octets
  std::size_t rtp_tag_length;     // SRTP auth tag octets
};

const ProfileInfo& info(Profile p);
inline std::size_t key_salt_length(Profile p) { return info(p).key_length + info(p).salt_length; }

// Every profile, in our default preference order: GCM first (cheaper with
// Debian's NSS-backed libsrtp2: ~0.75 µs vs ~2.6 µs per 172-byte packet).
const std::vector<Profile>& all_profiles();
// The default DTLS-SRTP offer: the four profiles DTLS can negotiate.
std::vector<Profile> default_dtls_profiles();

// Accepts the SDES name ("AEAD_AES_128_GCM"), the DTLS name
// ("SRTP_AEAD_AES_128_GCM", "SRTP_AES128_CM_SHA1_80"), any case.
std::optional<Profile> profile_from_name(std::string_view name);
std::optional<Profile> profile_from_dtls_id(std::uint16_t id);

// "AEAD_AES_128_GCM,AES_CM_128_HMAC_SHA1_80" -> list (no duplicates).
Result<std::vector<Profile>> parse_profile_list(std::string_view text);
// OpenSSL's colon list for SSL_CTX_set_tlsext_use_srtp; skips SDES-only profiles.
std::string openssl_profile_list(const std::vector<Profile>& profiles);

}  // namespace gw::srtp
