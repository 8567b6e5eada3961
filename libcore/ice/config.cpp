#include "ice/config.hpp"

#include <algorithm>

namespace gw::ice {

std::string_view to_string(Role r) { return r == Role::controlling ? "controlling" : "controlled"; }

Result<AddressMapping> parse_address_mapping(std::string_view text) {
  AddressMapping m;
  std::string_view pub = text;
  if (auto eq = text.find('='); eq != std::string_view::npos) {
    auto local = IpAddress::parse(text.substr(0, eq));
    if (!local) return make_error("ice.bad-advertise", "bad local address in '" + std::string(text) + "'");
    m.local = *local;
    pub = text.substr(eq + 1);
  }
  auto advertised = IpAddress::parse(pub);
  if (!advertised) {
    return make_error("ice.bad-advertise", "'" + std::string(text) + "' is not IP or LOCAL_IP=PUBLIC_IP");
  }
  m.advertised = *advertised;
  if (m.local && m.local->family != m.advertised.family) {
    return make_error("ice.bad-advertise", "'" + std::string(text) + "' maps between address families");
  }
  return m;
}

std::optional<IpAddress> advertised_for(const std::vector<AddressMapping>& plan, const IpAddress& local) {
  for (const auto& m : plan) {
    if (m.local && *m.local == local) return m.advertised;
  }
  for (const auto& m : plan) {
    if (!m.local && m.advertised.family == local.family) return m.advertised;
  }
  return std::nullopt;
}

namespace {
bool ice_chars(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
  });
}
}  // namespace

Status check_credentials(std::string_view ufrag, std::string_view pwd) {
  if (ufrag.size() < 4 || ufrag.size() > 256 || !ice_chars(ufrag)) {
    return make_error("ice.bad-ufrag", "ice-ufrag must be 4..256 characters of [A-Za-z0-9+/] (RFC 8839 §5.4)");
  }
  if (pwd.size() < 22 || pwd.size() > 256 || !ice_chars(pwd)) {
    return make_error("ice.bad-pwd", "ice-pwd must be 22..256 characters of [A-Za-z0-9+/] (RFC 8839 §5.4)");
  }
  return {};
}

}  // namespace gw::ice
