#include "srtp/openssl_gcm.hpp"

#include <openssl/evp.h>
#include <srtp2/cipher.h>

#include <cstdint>
#include <cstring>
#include <new>

namespace gw::srtp {
namespace {

constexpr int kMaxTag = 16;

struct GcmState {
  EVP_CIPHER_CTX* ctx = nullptr;
  const EVP_CIPHER* evp = nullptr;
  int tag_len = kMaxTag;
  srtp_cipher_direction_t dir = srtp_direction_any;
  srtp_cipher_direction_t ctx_dir = srtp_direction_any;  // what ctx was last initialised for
  std::uint8_t tag[kMaxTag] = {};  // of the last encryption, for get_tag
};

GcmState* state_of(void* v) { return static_cast<GcmState*>(v); }

extern const srtp_cipher_type_t kGcm128;
extern const srtp_cipher_type_t kGcm256;

srtp_err_status_t gcm_alloc(srtp_cipher_t** c, int key_len, int tag_len) {
  bool is128 = key_len == SRTP_AES_GCM_128_KEY_LEN_WSALT;
  if ((!is128 && key_len != SRTP_AES_GCM_256_KEY_LEN_WSALT) || (tag_len != 16 && tag_len != 8)) {
    return srtp_err_status_bad_param;
  }
  auto* cipher = new (std::nothrow) srtp_cipher_t{};
  auto* state = new (std::nothrow) GcmState{};
  EVP_CIPHER_CTX* ctx = cipher != nullptr && state != nullptr ? EVP_CIPHER_CTX_new() : nullptr;
  if (ctx == nullptr) {
    delete cipher;
    delete state;
    return srtp_err_status_alloc_fail;
  }
  state->ctx = ctx;
  state->evp = is128 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
  state->tag_len = tag_len;
  cipher->type = is128 ? &kGcm128 : &kGcm256;
  cipher->algorithm = is128 ? SRTP_AES_GCM_128 : SRTP_AES_GCM_256;
  cipher->key_len = key_len;
  cipher->state = state;
  *c = cipher;
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_dealloc(srtp_cipher_t* c) {
  if (auto* s = state_of(c->state)) {
    EVP_CIPHER_CTX_free(s->ctx);  // clears the key schedule
    OPENSSL_cleanse(s->tag, sizeof s->tag);
    delete s;
  }
  delete c;
  return srtp_err_status_ok;
}

// The key schedule is computed here once; set_iv only changes the IV.
srtp_err_status_t gcm_init(void* v, const std::uint8_t* key) {
  auto* s = state_of(v);
  s->dir = srtp_direction_any;
  s->ctx_dir = srtp_direction_any;
  if (EVP_CipherInit_ex(s->ctx, s->evp, nullptr, key, nullptr, 0) != 1) return srtp_err_status_init_fail;
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_set_iv(void* v, std::uint8_t* iv, srtp_cipher_direction_t direction) {
  auto* s = state_of(v);
  if (direction != srtp_direction_encrypt && direction != srtp_direction_decrypt) return srtp_err_status_bad_param;
  s->dir = direction;
  // Same direction as before (every packet of a session): set only the IV;
  // a re-init also queries the IV length through OpenSSL 3's parameters.
  if (s->ctx_dir == direction) {
    if (EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_IV_FIXED, -1, iv) != 1) return srtp_err_status_init_fail;
    return srtp_err_status_ok;
  }
  int enc = direction == srtp_direction_encrypt ? 1 : 0;
  if (EVP_CipherInit_ex(s->ctx, nullptr, nullptr, nullptr, iv, enc) != 1) return srtp_err_status_init_fail;
  s->ctx_dir = direction;
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_set_aad(void* v, const std::uint8_t* aad, std::uint32_t aad_len) {
  int out = 0;
  if (aad_len > 0 && EVP_CipherUpdate(state_of(v)->ctx, nullptr, &out, aad, static_cast<int>(aad_len)) != 1) {
    return srtp_err_status_algo_fail;
  }
  return srtp_err_status_ok;
}

// Encrypts in place and keeps the tag for get_tag (libsrtp's split API).
srtp_err_status_t gcm_encrypt(void* v, std::uint8_t* buf, unsigned int* len) {
  auto* s = state_of(v);
  if (s->dir != srtp_direction_encrypt) return srtp_err_status_bad_param;
  int out = 0;
  if (*len > 0 && EVP_CipherUpdate(s->ctx, buf, &out, buf, static_cast<int>(*len)) != 1) {
    return srtp_err_status_cipher_fail;
  }
  std::uint8_t none[16];
  if (EVP_CipherFinal_ex(s->ctx, none, &out) != 1 ||
      EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_GET_TAG, s->tag_len, s->tag) != 1) {
    return srtp_err_status_cipher_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t gcm_get_tag(void* v, std::uint8_t* tag, std::uint32_t* len) {
  auto* s = state_of(v);
  std::memcpy(tag, s->tag, static_cast<std::size_t>(s->tag_len));
  *len = static_cast<std::uint32_t>(s->tag_len);
  return srtp_err_status_ok;
}

// `buf` holds the ciphertext and then the tag; a wrong tag is auth_fail.
srtp_err_status_t gcm_decrypt(void* v, std::uint8_t* buf, unsigned int* len) {
  auto* s = state_of(v);
  auto tag_len = static_cast<unsigned int>(s->tag_len);
  if (s->dir != srtp_direction_decrypt || *len < tag_len) return srtp_err_status_bad_param;
  unsigned int data_len = *len - tag_len;
  if (EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_TAG, s->tag_len, buf + data_len) != 1) {
    return srtp_err_status_auth_fail;
  }
  int out = 0;
  if (data_len > 0 && EVP_CipherUpdate(s->ctx, buf, &out, buf, static_cast<int>(data_len)) != 1) {
    return srtp_err_status_auth_fail;
  }
  std::uint8_t none[16];
  if (EVP_CipherFinal_ex(s->ctx, none, &out) != 1) return srtp_err_status_auth_fail;
  *len = data_len;
  return srtp_err_status_ok;
}

// NIST GCM test cases 4 (AES-128) and 16 (AES-256), with a 16- and an
// 8-octet tag; the key buffers carry libsrtp's 12 salt octets after the key.
std::uint8_t kIv[12] = {0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88};
const std::uint8_t kPlain[60] = {
    0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5, 0x26, 0x9a,
    0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda, 0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72,
    0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
    0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39};
const std::uint8_t kAad[20] = {0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed,
                               0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2};
const std::uint8_t kKey128[28] = {0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a,
                                  0x8f, 0x94, 0x67, 0x30, 0x83, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
const std::uint8_t kKey256[44] = {0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f,
                                  0x94, 0x67, 0x30, 0x83, 0x08, 0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65,
                                  0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
                                  1,    2,    3,    4,    5,    6,    7,    8,    9,    10,   11,   12};
const std::uint8_t kCipher128[76] = {
    0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b, 0x72, 0x21, 0xb7, 0x84, 0xd0, 0xd4, 0x9c,
    0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0, 0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e,
    0x21, 0xd5, 0x14, 0xb2, 0x54, 0x66, 0x93, 0x1c, 0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05,
    0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a, 0xac, 0x97, 0x3d, 0x58, 0xe0, 0x91,  // then the tag:
    0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47};
const std::uint8_t kCipher256[76] = {
    0x52, 0x2d, 0xc1, 0xf0, 0x99, 0x56, 0x7d, 0x07, 0xf4, 0x7f, 0x37, 0xa3, 0x2a, 0x84, 0x42, 0x7d,
    0x64, 0x3a, 0x8c, 0xdc, 0xbf, 0xe5, 0xc0, 0xc9, 0x75, 0x98, 0xa2, 0xbd, 0x25, 0x55, 0xd1, 0xaa,
    0x8c, 0xb0, 0x8e, 0x48, 0x59, 0x0d, 0xbb, 0x3d, 0xa7, 0xb0, 0x8b, 0x10, 0x56, 0x82, 0x88, 0x38,
    0xc5, 0xf6, 0x1e, 0x63, 0x93, 0xba, 0x7a, 0x0a, 0xbc, 0xc9, 0xf6, 0x62,  // then the tag:
    0x76, 0xfc, 0x6e, 0xce, 0x0f, 0x4e, 0x17, 0x68, 0xcd, 0xdf, 0x88, 0x53, 0xbb, 0x2d, 0x55, 0x1b};

constexpr srtp_cipher_test_case_t test_case(const std::uint8_t* key, int key_len, const std::uint8_t* cipher,
                                            int tag_len, const srtp_cipher_test_case_t* next) {
  return {key_len, key,  kIv, sizeof kPlain, kPlain, static_cast<unsigned>(sizeof kPlain) + static_cast<unsigned>(tag_len),
          cipher,  sizeof kAad, kAad, tag_len, next};
}
const srtp_cipher_test_case_t kTest128Short = test_case(kKey128, 28, kCipher128, 8, nullptr);
const srtp_cipher_test_case_t kTest128 = test_case(kKey128, 28, kCipher128, 16, &kTest128Short);
const srtp_cipher_test_case_t kTest256Short = test_case(kKey256, 44, kCipher256, 8, nullptr);
const srtp_cipher_test_case_t kTest256 = test_case(kKey256, 44, kCipher256, 16, &kTest256Short);

constexpr srtp_cipher_type_t gcm_type(const char* description, const srtp_cipher_test_case_t* test,
                                       srtp_cipher_type_id_t id) {
  return {gcm_alloc,  gcm_dealloc, gcm_init,   gcm_set_aad, gcm_encrypt, gcm_decrypt,
          gcm_set_iv, gcm_get_tag, description, test,        id};
}
const srtp_cipher_type_t kGcm128 = gcm_type("AES-128 GCM using OpenSSL (webrtc-gw)", &kTest128, SRTP_AES_GCM_128);
const srtp_cipher_type_t kGcm256 = gcm_type("AES-256 GCM using OpenSSL (webrtc-gw)", &kTest256, SRTP_AES_GCM_256);

}  // namespace

bool install_openssl_gcm() {
  return srtp_replace_cipher_type(&kGcm128, SRTP_AES_GCM_128) == srtp_err_status_ok &&
         srtp_replace_cipher_type(&kGcm256, SRTP_AES_GCM_256) == srtp_err_status_ok;
}

}  // namespace gw::srtp
