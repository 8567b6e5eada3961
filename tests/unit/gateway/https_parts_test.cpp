// The sans-network parts of the HTTPS server: static file resolution and
// the TLS identity (self-signed generation, reuse, SANs).
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "gateway/static_files.hpp"
#include "gateway/tls_identity.hpp"

namespace gw::gateway {
namespace {

namespace fs = std::filesystem;

struct Dir {
  fs::path path;
  Dir() {
    std::string tmpl = (fs::temp_directory_path() / "gw-parts-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path = tmpl;
  }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void put(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST(HttpsStaticFiles, ResolvesFilesIndexesAndTypes) {
  Dir d;
  put(d.path / "web" / "index.html", "i");
  put(d.path / "web" / "sub" / "index.html", "s");
  put(d.path / "web" / "a.JS", "j");
  put(d.path / "web" / "ring.wav", "w");
  const fs::path root = d.path / "web";
  auto index = resolve_static(root, "/");
  ASSERT_EQ(index.kind, StaticTarget::Kind::file);
  EXPECT_EQ(index.path.filename(), "index.html");
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(resolve_static(root, "/sub/").kind, StaticTarget::Kind::file);
  EXPECT_EQ(resolve_static(root, "/sub").kind, StaticTarget::Kind::file);
  EXPECT_EQ(resolve_static(root, "/a.JS?x=1").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(resolve_static(root, "/ring.wav").content_type, "audio/wav");
  EXPECT_EQ(resolve_static(root, "/ring%2Ewav").kind, StaticTarget::Kind::file);
  EXPECT_EQ(resolve_static(root, "/nope.js").kind, StaticTarget::Kind::not_found);
  EXPECT_EQ(resolve_static(d.path / "missing-root", "/").kind, StaticTarget::Kind::not_found);
  EXPECT_EQ(content_type_for(".mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for(".bin"), "application/octet-stream");
}

TEST(HttpsStaticFiles, RefusesEverythingOutsideTheRoot) {
  Dir d;
  put(d.path / "web" / "index.html", "i");
  put(d.path / "secret", "s");
  const fs::path root = d.path / "web";
  fs::create_symlink(d.path / "secret", root / "link");
  for (const char* t :
       {"/../secret", "/%2e%2e/secret", "/%2E%2E%2Fsecret", "/sub/../../secret", "/.", "/.git/x", "/a%00b",
        "/a\\..\\secret", "/%", "/%g1", "//etc/passwd", "relative", "", "/link"}) {
    EXPECT_EQ(resolve_static(root, t).kind, StaticTarget::Kind::forbidden) << t;
  }
}

TEST(HttpsTlsIdentity, SelfSignedHasTheNames) {
  auto names = self_signed_names({"gw.example.com", "198.51.100.7", "localhost"});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ((*names)[0], "localhost");
  EXPECT_EQ(std::count(names->begin(), names->end(), "localhost"), 1);
  auto id = generate_self_signed(*names);
  ASSERT_TRUE(id.ok()) << id.error().message;
  BIO* b = BIO_new_mem_buf(id->cert_pem.data(), static_cast<int>(id->cert_pem.size()));
  X509* x = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(X509_check_host(x, "gw.example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(x, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(x, "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(x, "198.51.100.7", 0), 1);
  EXPECT_NE(X509_check_host(x, "other.example.com", 0, 0, nullptr), 1);
  std::time_t in_300_days = std::time(nullptr) + 300L * 86400;
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(x), &in_300_days), 0);
  X509_free(x);
  EXPECT_FALSE(self_signed_names({"bad,name"}).ok());
  EXPECT_FALSE(self_signed_names({"IP:1.2.3.4"}).ok());
}

TEST(HttpsTlsIdentity, StateDirPairIsReusedOrRemade) {
  Dir d;
  const std::string state = (d.path / "a" / "state").string();
  auto first = load_or_create_self_signed(state, {});
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto again = load_or_create_self_signed(state, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->fingerprint, first->fingerprint);
  // A new name makes a new certificate that has it.
  auto named = load_or_create_self_signed(state, {"gw.example.com"});
  ASSERT_TRUE(named.ok());
  EXPECT_NE(named->fingerprint, first->fingerprint);
  // A broken file is replaced.
  put(fs::path(state) / kSelfSignedCertFile, "garbage");
  auto remade = load_or_create_self_signed(state, {"gw.example.com"});
  ASSERT_TRUE(remade.ok());
  EXPECT_NE(remade->fingerprint, named->fingerprint);
  struct stat st {};
  ASSERT_EQ(::stat((fs::path(state) / kSelfSignedKeyFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(HttpsTlsIdentity, ContextRefusesOldTls) {
  auto id = generate_self_signed({"localhost"});
  ASSERT_TRUE(id.ok());
  auto ctx = make_server_tls_context(*id);
  ASSERT_TRUE(ctx.ok()) << ctx.error().message;
  EXPECT_EQ(SSL_CTX_get_min_proto_version((*ctx)->native_handle()), TLS1_2_VERSION);
  TlsIdentity broken = *id;
  broken.key_pem = generate_self_signed({"localhost"})->key_pem;
  EXPECT_FALSE(make_server_tls_context(broken).ok());
}

}  // namespace
}  // namespace gw::gateway
