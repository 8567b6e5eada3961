// SRTP master keys for the two directions of a call, from DTLS-SRTP keying
// material (RFC 5764 §4.2) or from SDES lines (RFC 4568).
// Thread: any (value types, pure functions).
#pragma once

#include <cstddef>

#include "srtp/profile.hpp"
#include "util/bytes.hpp"
#include "util/result.hpp"

namespace gw::srtp {

// The keys one endpoint uses: `local` (master key || salt) protects what it
// sends, `remote` unprotects what it receives.
struct SrtpKeys {
  Profile profile = Profile::aead_aes_128_gcm;
  Bytes local;
  Bytes remote;
};

// Octets to ask SSL_export_keying_material("EXTRACTOR-dtls_srtp") for:
// 2 * (key + salt).
inline std::size_t exporter_length(Profile p) { return 2 * key_salt_length(p); }

// RFC 5764 §4.2 layout: client_write_key | server_write_key |
// client_write_salt | server_write_salt. The DTLS client sends with the
// client key and salt, the server with the server's.
Result<SrtpKeys> split_dtls_keying_material(Profile profile, ByteView material, bool is_dtls_client);

}  // namespace gw::srtp
