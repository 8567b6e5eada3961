#include "dtls/certificate.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace gw::dtls {

namespace {

const EVP_MD* digest_for(std::string_view algorithm) {
  std::string a;
  for (char c : algorithm) a.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (a == "sha-1") return EVP_sha1();
  if (a == "sha-224") return EVP_sha224();
  if (a == "sha-256") return EVP_sha256();
  if (a == "sha-384") return EVP_sha384();
  if (a == "sha-512") return EVP_sha512();
  return nullptr;
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string bio_string(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("dtls.file", "cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool set_random_serial(X509* x) {
  BIGNUM* bn = BN_new();
  bool ok = bn != nullptr && BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != nullptr;
  BN_free(bn);
  return ok;
}

}  // namespace

std::string Fingerprint::hex() const {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string s;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    if (i != 0) s.push_back(':');
    s.push_back(digits[digest[i] >> 4]);
    s.push_back(digits[digest[i] & 0xf]);
  }
  return s;
}

Result<Fingerprint> Fingerprint::parse(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  Fingerprint f;
  auto space = text.find(' ');
  if (space != std::string_view::npos) {
    f.algorithm.clear();
    for (char c : text.substr(0, space)) f.algorithm.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    text = text.substr(space + 1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  }
  const EVP_MD* md = digest_for(f.algorithm);
  if (md == nullptr) return make_error("dtls.fingerprint-algorithm", "unsupported hash '" + f.algorithm + "'");
  if (text.find(' ') != std::string_view::npos || !from_hex(text, f.digest)) {
    return make_error("dtls.fingerprint-syntax", "fingerprint must be hex pairs separated by ':'");
  }
  if (f.digest.size() != static_cast<std::size_t>(EVP_MD_get_size(md))) {
    return make_error("dtls.fingerprint-length", "digest length does not match " + f.algorithm);
  }
  return f;
}

Result<Fingerprint> Fingerprint::of(X509* cert, std::string_view algorithm) {
  const EVP_MD* md = digest_for(algorithm);
  if (md == nullptr) return make_error("dtls.fingerprint-algorithm", "unsupported hash '" + std::string(algorithm) + "'");
  Fingerprint f;
  f.algorithm = std::string(algorithm);
  std::transform(f.algorithm.begin(), f.algorithm.end(), f.algorithm.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  unsigned int len = 0;
  f.digest.resize(EVP_MAX_MD_SIZE);
  if (cert == nullptr || X509_digest(cert, md, f.digest.data(), &len) != 1) {
    return make_error("dtls.fingerprint", "X509_digest failed");
  }
  f.digest.resize(len);
  return f;
}

void Certificate::X509Free::operator()(X509* p) const { X509_free(p); }
void Certificate::KeyFree::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }

Certificate::Certificate(X509* cert, EVP_PKEY* key) : cert_(cert), key_(key) {
  auto f = Fingerprint::of(cert_.get());
  if (f.ok()) fingerprint_ = std::move(f.value());
}

Result<Certificate> Certificate::generate(std::string_view common_name, int days) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return make_error("dtls.keygen", "EC P-256 key generation failed");
  X509* x = X509_new();
  std::string cn(common_name);
  bool ok = x != nullptr && X509_set_version(x, 2) == 1 && set_random_serial(x) &&
            X509_gmtime_adj(X509_getm_notBefore(x), -86400) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(x), 86400L * days) != nullptr && X509_set_pubkey(x, key) == 1;
  if (ok) {
    X509_NAME* name = X509_get_subject_name(x);
    ok = X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) == 1 &&  // NOLINT
         X509_set_issuer_name(x, name) == 1 && X509_sign(x, key, EVP_sha256()) > 0;
  }
  if (!ok) {
    X509_free(x);
    EVP_PKEY_free(key);
    return make_error("dtls.certificate", "self-signed certificate creation failed");
  }
  return Certificate(x, key);
}

Result<Certificate> Certificate::from_pem(std::string_view cert_pem, std::string_view key_pem) {
  BioPtr cb(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  BioPtr kb(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  X509* x = cb ? PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr) : nullptr;
  if (x == nullptr) return make_error("dtls.pem", "no PEM certificate found");
  EVP_PKEY* key = kb ? PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr) : nullptr;
  if (key == nullptr) {
    X509_free(x);
    return make_error("dtls.pem", "no PEM private key found");
  }
  if (X509_check_private_key(x, key) != 1) {
    X509_free(x);
    EVP_PKEY_free(key);
    return make_error("dtls.key-mismatch", "private key does not match the certificate");
  }
  return Certificate(x, key);
}

Result<Certificate> Certificate::load(const std::string& cert_path, const std::string& key_path) {
  auto c = read_file(cert_path);
  if (!c) return c.error();
  auto k = read_file(key_path);
  if (!k) return k.error();
  return from_pem(*c, *k);
}

std::string Certificate::cert_pem() const {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (!b || PEM_write_bio_X509(b.get(), cert_.get()) != 1) return {};
  return bio_string(b.get());
}

std::string Certificate::key_pem() const {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (!b || PEM_write_bio_PrivateKey(b.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) return {};
  return bio_string(b.get());
}

}  // namespace gw::dtls
