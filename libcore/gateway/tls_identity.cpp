#include "gateway/tls_identity.hpp"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dtls/certificate.hpp"
#include "util/log.hpp"
#include "util/socket_address.hpp"

namespace gw::gateway {
namespace {

namespace fs = std::filesystem;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("tls.file", "cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes through a temporary file and rename(), so a crash never leaves half a key.
Status write_private_file(const fs::path& path, const std::string& text) {
  const std::string tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("tls.write", "cannot create " + tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return make_error("tls.write", "cannot write " + path.string() + ": " + why);
  }
  return {};
}

std::string pem_of(X509* x) {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (!b || PEM_write_bio_X509(b.get(), x) != 1) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string pem_of(EVP_PKEY* k) {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (!b || PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr) != 1) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

X509Ptr parse_leaf(const std::string& pem) {
  BioPtr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(b ? PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr) : nullptr);
}

KeyPtr parse_key(const std::string& pem) {
  BioPtr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return KeyPtr(b ? PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr) : nullptr);
}

// Parses, checks the key against the leaf and fills in the fingerprint.
Result<TlsIdentity> make_identity(std::string cert_pem, std::string key_pem, const std::string& where) {
  X509Ptr leaf = parse_leaf(cert_pem);
  if (!leaf) return make_error("tls.pem", "no PEM certificate in " + where);
  KeyPtr key = parse_key(key_pem);
  if (!key) return make_error("tls.pem", "no PEM private key in " + where);
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    return make_error("tls.key-mismatch", "the private key does not match the certificate in " + where);
  }
  auto fp = dtls::Fingerprint::of(leaf.get());
  if (!fp) return fp.error();
  return TlsIdentity{std::move(cert_pem), std::move(key_pem), fp->to_string()};
}

bool is_dns_name(std::string_view n) {
  if (n.starts_with("*.")) n.remove_prefix(2);
  if (n.empty() || n.size() > 253 || n.front() == '.' || n.front() == '-' || n.back() == '.') return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

bool set_random_serial(X509* x) {
  BIGNUM* bn = BN_new();
  bool ok = bn != nullptr && BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != nullptr;
  BN_free(bn);
  return ok;
}

bool add_extension(X509* x, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(x, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

std::string san_value(const std::vector<std::string>& names) {
  std::string san;
  for (const auto& n : names) {
    if (!san.empty()) san += ',';
    san += (IpAddress::parse(n).ok() ? "IP:" : "DNS:") + n;
  }
  return san;
}

// Why a stored self-signed certificate cannot be reused, or "" when it can.
std::string stale_reason(const TlsIdentity& id, const std::vector<std::string>& names) {
  X509Ptr leaf = parse_leaf(id.cert_pem);
  if (!leaf) return "it does not parse";
  std::time_t soon = std::time(nullptr) + 86400;
  if (X509_cmp_time(X509_get0_notAfter(leaf.get()), &soon) < 0) return "it expires within a day";
  for (const auto& n : names) {
    bool covered = IpAddress::parse(n).ok()
                       ? X509_check_ip_asc(leaf.get(), n.c_str(), 0) == 1
                       : X509_check_host(leaf.get(), n.data(), n.size(), 0, nullptr) == 1;
    if (!covered) return "it does not name " + n;
  }
  return {};
}

int select_http11(SSL* /*ssl*/, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                  unsigned int inlen, void* /*arg*/) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;  // no ALPN: HTTP/1.1 is assumed anyway
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

Result<std::vector<std::string>> self_signed_names(const std::vector<std::string>& extra) {
  std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && is_dns_name(host)) names.emplace_back(host);
  for (const auto& n : extra) {
    if (!IpAddress::parse(n).ok() && !is_dns_name(n)) {
      return make_error("tls.bad-name", "'" + n + "' is neither an IP address nor a DNS name");
    }
    names.push_back(n);
  }
  std::vector<std::string> unique;
  for (auto& n : names) {
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(std::move(n));
  }
  return unique;
}

Result<TlsIdentity> generate_self_signed(const std::vector<std::string>& names, int days) {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return make_error("tls.keygen", "EC P-256 key generation failed");
  X509Ptr x(X509_new());
  const std::string cn = names.empty() ? std::string("webrtc-gw") : names.front();
  bool ok = x && X509_set_version(x.get(), 2) == 1 && set_random_serial(x.get()) &&
            X509_gmtime_adj(X509_getm_notBefore(x.get()), -86400) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400L * days) != nullptr &&
            X509_set_pubkey(x.get(), key.get()) == 1;
  if (ok) {
    X509_NAME* name = X509_get_subject_name(x.get());
    ok = X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>("webrtc-gw"), -1, -1, 0) == 1 &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) == 1 &&
         X509_set_issuer_name(x.get(), name) == 1;
  }
  ok = ok && add_extension(x.get(), NID_basic_constraints, "critical,CA:FALSE") &&
       add_extension(x.get(), NID_key_usage, "critical,digitalSignature") &&
       add_extension(x.get(), NID_ext_key_usage, "serverAuth") &&
       (names.empty() || add_extension(x.get(), NID_subject_alt_name, san_value(names))) &&
       X509_sign(x.get(), key.get(), EVP_sha256()) > 0;
  if (!ok) return make_error("tls.certificate", "self-signed certificate creation failed");
  return make_identity(pem_of(x.get()), pem_of(key.get()), "the generated certificate");
}

Result<TlsIdentity> load_tls_identity(const std::string& cert_file, const std::string& key_file) {
  auto cert = read_text(cert_file);
  if (!cert) return cert.error();
  auto key = read_text(key_file);
  if (!key) return key.error();
  return make_identity(std::move(*cert), std::move(*key), cert_file + " / " + key_file);
}

Result<TlsIdentity> load_or_create_self_signed(const std::string& state_dir,
                                               const std::vector<std::string>& extra_names) {
  auto names = self_signed_names(extra_names);
  if (!names) return names.error();
  const fs::path dir(state_dir);
  const fs::path cert_path = dir / kSelfSignedCertFile;
  const fs::path key_path = dir / kSelfSignedKeyFile;
  std::error_code ec;
  if (fs::exists(cert_path, ec) || fs::exists(key_path, ec)) {
    auto old = load_tls_identity(cert_path.string(), key_path.string());
    std::string why = old ? stale_reason(*old, *names) : old.error().message;
    if (why.empty()) return old;
    GW_LOG(warn) << "making a new self-signed certificate in " << state_dir << ": " << why;
  }
  if (!fs::exists(dir, ec)) {
    if (!fs::create_directories(dir, ec) && ec) {
      return make_error("tls.state-dir", "cannot create " + state_dir + ": " + ec.message());
    }
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  auto fresh = generate_self_signed(*names);
  if (!fresh) return fresh.error();
  if (auto s = write_private_file(key_path, fresh->key_pem); !s) return s.error();
  if (auto s = write_private_file(cert_path, fresh->cert_pem); !s) return s.error();
  GW_LOG(info) << "self-signed TLS certificate " << cert_path.string() << " (" << fresh->fingerprint << ")";
  return fresh;
}

Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const TlsIdentity& identity) {
  namespace ssl = boost::asio::ssl;
  std::shared_ptr<ssl::context> ctx;
  try {
    ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return make_error("tls.context", std::string("cannot create a TLS context: ") + e.what());
  }
  SSL_CTX* c = ctx->native_handle();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // TLS 1.2 suites: forward secrecy and AEAD only (TLS 1.3 suites are all fine).
  if (SSL_CTX_set_cipher_list(c, "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20") != 1) {
    return make_error("tls.context", "no usable TLS 1.2 cipher suite");
  }
  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(identity.cert_pem), ec);
  if (ec) return make_error("tls.certificate", "cannot use the certificate: " + ec.message());
  ctx->use_private_key(boost::asio::buffer(identity.key_pem), ssl::context::pem, ec);
  if (ec) return make_error("tls.key", "cannot use the private key: " + ec.message());
  if (SSL_CTX_check_private_key(c) != 1) {
    return make_error("tls.key-mismatch", "the private key does not match the certificate");
  }
  SSL_CTX_set_alpn_select_cb(c, select_http11, nullptr);
  return ctx;
}

}  // namespace gw::gateway
