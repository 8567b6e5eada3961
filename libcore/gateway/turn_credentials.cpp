#include "gateway/turn_credentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <utility>

namespace gw::gateway {
namespace {

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(len > 0 ? static_cast<std::size_t>(len) : 0);
  return out;
}

}  // namespace

TurnCredentials turn_credentials(std::string_view secret, std::string_view dn, std::int64_t now_unix,
                                 std::int64_t ttl_seconds) {
  TurnCredentials c;
  c.expires_unix = now_unix + ttl_seconds;
  c.username = std::to_string(c.expires_unix) + ":" + std::string(dn);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  const unsigned char* ok =
      HMAC(EVP_sha1(), secret.empty() ? "" : secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(c.username.data()), c.username.size(), mac.data(), &mac_len);
  if (ok != nullptr) c.credential = base64(mac.data(), mac_len);
  return c;
}

boost::json::object ice_server_to_json(const IceServer& s) {
  boost::json::object o;
  boost::json::array urls;
  for (const auto& u : s.urls) urls.emplace_back(u);
  o["urls"] = std::move(urls);
  if (s.username) o["username"] = *s.username;
  if (s.credential) o["credential"] = *s.credential;
  return o;
}

IceServer turn_server(std::vector<std::string> urls, std::string_view secret, std::string_view dn,
                      std::int64_t now_unix, std::int64_t ttl_seconds) {
  TurnCredentials c = turn_credentials(secret, dn, now_unix, ttl_seconds);
  return IceServer{std::move(urls), std::move(c.username), std::move(c.credential)};
}

}  // namespace gw::gateway
