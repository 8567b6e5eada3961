// An independent SRTP reference written from the RFC text with OpenSSL's raw
// AES/HMAC, so that libsrtp's output can be checked against RFC vectors even
// where libsrtp's API never exposes session keys:
//   RFC 3711 §4.3.1 KDF (AES-CM PRF), §4.1.1 AES-CM IV, §4.2 HMAC-SHA1 tag;
//   RFC 7714 §8.1 AES-GCM IV / AAD.
// Test-only code.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>

#include "util/bytes.hpp"

namespace srtp_ref {

using gw::Bytes;
using gw::ByteView;

inline Bytes aes_ctr(ByteView key, ByteView iv16, ByteView data) {
  const EVP_CIPHER* c = key.size() == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(data.size() + 16);
  int n = 0, m = 0;
  EVP_EncryptInit_ex(ctx, c, nullptr, key.data(), iv16.data());
  EVP_EncryptUpdate(ctx, out.data(), &n, data.data(), static_cast<int>(data.size()));
  EVP_EncryptFinal_ex(ctx, out.data() + n, &m);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<std::size_t>(n + m));
  return out;
}

// RFC 3711 §4.3.1 with key_derivation_rate 0: x = (label << 48) XOR salt,
// keystream from IV = x * 2^16. A 96-bit (GCM) salt is right-padded to 112.
inline Bytes kdf(ByteView master_key, ByteView master_salt, std::uint8_t label, std::size_t len) {
  Bytes iv(16, 0);
  for (std::size_t i = 0; i < master_salt.size() && i < 14; ++i) iv[i] = master_salt[i];
  iv[7] ^= label;
  return aes_ctr(master_key, iv, Bytes(len, 0));
}

inline Bytes hmac_sha1(ByteView key, ByteView data) {
  unsigned int len = 0;
  Bytes out(EVP_MAX_MD_SIZE);
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
  out.resize(len);
  return out;
}

// RFC 3711 §4.1.1 + §4.2: AES-CM encryption of the payload (after a plain
// 12-byte header), then HMAC-SHA1 over header||ciphertext||ROC, truncated.
inline Bytes protect_cm(ByteView enc_key, ByteView salt14, ByteView auth_key, std::size_t tag_len,
                        ByteView rtp, std::uint32_t roc) {
  std::uint32_t ssrc = gw::load_be32(rtp.data() + 8);
  std::uint64_t index = (std::uint64_t{roc} << 16) | gw::load_be16(rtp.data() + 2);
  Bytes iv(16, 0);
  for (std::size_t i = 0; i < 14; ++i) iv[i] = salt14[i];
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  for (int i = 0; i < 6; ++i) iv[8 + i] ^= static_cast<std::uint8_t>(index >> (40 - 8 * i));
  Bytes out(rtp.begin(), rtp.begin() + 12);
  Bytes enc = aes_ctr(enc_key, iv, rtp.subspan(12));
  out.insert(out.end(), enc.begin(), enc.end());
  Bytes auth = out;
  for (int i = 0; i < 4; ++i) auth.push_back(static_cast<std::uint8_t>(roc >> (24 - 8 * i)));
  Bytes tag = hmac_sha1(auth_key, auth);
  out.insert(out.end(), tag.begin(), tag.begin() + static_cast<long>(tag_len));
  return out;
}

// RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt; AAD = header.
inline Bytes protect_gcm(ByteView enc_key, ByteView salt12, ByteView rtp, std::uint32_t roc) {
  Bytes iv(12, 0);
  for (int i = 0; i < 4; ++i) iv[2 + i] = rtp[8 + i];
  for (int i = 0; i < 4; ++i) iv[6 + i] = static_cast<std::uint8_t>(roc >> (24 - 8 * i));
  iv[10] = rtp[2];
  iv[11] = rtp[3];
  for (std::size_t i = 0; i < 12; ++i) iv[i] ^= salt12[i];
  const EVP_CIPHER* c = enc_key.size() == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int n = 0;
  EVP_EncryptInit_ex(ctx, c, nullptr, nullptr, nullptr);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr);
  EVP_EncryptInit_ex(ctx, nullptr, nullptr, enc_key.data(), iv.data());
  EVP_EncryptUpdate(ctx, nullptr, &n, rtp.data(), 12);
  Bytes out(rtp.begin(), rtp.begin() + 12);
  out.resize(rtp.size() + 16);
  EVP_EncryptUpdate(ctx, out.data() + 12, &n, rtp.data() + 12, static_cast<int>(rtp.size() - 12));
  int m = 0;
  EVP_EncryptFinal_ex(ctx, out.data() + 12 + n, &m);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out.data() + rtp.size());
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

}  // namespace srtp_ref
