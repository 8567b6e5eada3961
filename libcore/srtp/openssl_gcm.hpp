// AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714) for libsrtp2 over OpenSSL.
// Debian's libsrtp2 does its AES-GCM through NSS, which per packet opens a
// PKCS#11 session, finds the key object in a hash table sized for a few keys
// and expands the AES key again: at 1000 calls that was ~40 % of a media
// shard's CPU. This cipher keeps one EVP context per libsrtp cipher (key
// schedule done once) and only sets the IV per packet. Installed through
// libsrtp's public srtp_replace_cipher_type, which self-tests it first
// (NIST GCM test cases 4 and 16). Same bytes on the wire.
// Thread: install once (srtp::ensure_initialized); the contexts are per
// session like libsrtp's own.
#pragma once

namespace gw::srtp {

// Replaces libsrtp's AES-GCM 128/256 cipher types. False when libsrtp
// refused one (its self-test failed): libsrtp's own stays in use.
bool install_openssl_gcm();

}  // namespace gw::srtp
