#include "stun/integrity.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <string>

namespace gw::stun {

Bytes short_term_key(std::string_view password) {
  const auto b = as_bytes(password);
  return Bytes(b.begin(), b.end());
}

namespace {

Bytes digest(const EVP_MD* md, std::string_view text) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), out.data(), &len, md, nullptr);
  out.resize(len);
  return out;
}

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kCrcTable = make_crc_table();

// Copy of packet[0, end) whose length field says the message ends at `total_end`.
Bytes patched_prefix(ByteView packet, std::size_t end, std::size_t total_end) {
  Bytes prefix(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(end));
  store_be16(prefix.data() + 2, static_cast<std::uint16_t>(total_end - kHeaderSize));
  return prefix;
}

}  // namespace

Bytes long_term_key(std::string_view username, std::string_view realm,
                    std::string_view password, PasswordAlgorithmId algorithm) {
  std::string text;
  text.reserve(username.size() + realm.size() + password.size() + 2);
  text.append(username).append(":").append(realm).append(":").append(password);
  return digest(algorithm == PasswordAlgorithmId::sha256 ? EVP_sha256() : EVP_md5(), text);
}

Bytes userhash(std::string_view username, std::string_view realm) {
  std::string text(username);
  text.append(":").append(realm);
  return digest(EVP_sha256(), text);
}

std::uint32_t crc32(ByteView data) {
  std::uint32_t c = 0xFFFFFFFFU;
  for (auto b : data) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

Bytes integrity_hmac(ByteView packet, std::size_t attr_offset, std::size_t value_size,
                     ByteView key, bool sha256) {
  const auto prefix = patched_prefix(packet, attr_offset, attr_offset + 4 + value_size);
  Bytes mac(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  HMAC(sha256 ? EVP_sha256() : EVP_sha1(), key.data(), static_cast<int>(key.size()),
       prefix.data(), prefix.size(), mac.data(), &len);
  mac.resize(len);
  return mac;
}

std::uint32_t fingerprint_value(ByteView packet, std::size_t attr_offset) {
  return crc32(patched_prefix(packet, attr_offset, attr_offset + 8)) ^ kFingerprintXor;
}

std::string_view check_name(Check c) {
  switch (c) {
    case Check::absent: return "absent";
    case Check::ok: return "ok";
    case Check::mismatch: return "mismatch";
  }
  return "?";
}

namespace {

bool is_inside(ByteView packet, const Attribute& a) {
  return a.offset >= kHeaderSize && a.offset + 4 + a.value.size() <= packet.size();
}

Check check_hmac(ByteView packet, const Message& m, ByteView key, std::uint16_t type) {
  const auto* a = m.find(type);
  if (a == nullptr) return Check::absent;
  const bool sha256 = type == attr::message_integrity_sha256;
  // RFC 8489 §14.5: 20 bytes; §14.6: 16..32 bytes, a multiple of 4 (truncated HMAC).
  const bool size_ok = sha256 ? (a->value.size() >= 16 && a->value.size() <= 32 &&
                                 a->value.size() % 4 == 0)
                              : a->value.size() == 20;
  if (!size_ok || !is_inside(packet, *a)) return Check::mismatch;
  const auto mac = integrity_hmac(packet, a->offset, a->value.size(), key, sha256);
  return CRYPTO_memcmp(mac.data(), a->value.data(), a->value.size()) == 0 ? Check::ok
                                                                           : Check::mismatch;
}

}  // namespace

Check check_message_integrity(ByteView packet, const Message& message, ByteView key) {
  return check_hmac(packet, message, key, attr::message_integrity);
}

Check check_message_integrity_sha256(ByteView packet, const Message& message, ByteView key) {
  return check_hmac(packet, message, key, attr::message_integrity_sha256);
}

Check check_integrity(ByteView packet, const Message& message, ByteView key) {
  if (message.has(attr::message_integrity_sha256)) {
    return check_message_integrity_sha256(packet, message, key);
  }
  return check_message_integrity(packet, message, key);
}

Check check_fingerprint(ByteView packet, const Message& message) {
  const auto* a = message.find(attr::fingerprint);
  if (a == nullptr) return Check::absent;
  if (a != &message.attributes.back() || a->value.size() != 4 || !is_inside(packet, *a)) {
    return Check::mismatch;
  }
  return fingerprint_value(packet, a->offset) == load_be32(a->value.data()) ? Check::ok
                                                                             : Check::mismatch;
}

}  // namespace gw::stun
