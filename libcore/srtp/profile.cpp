#include "srtp/profile.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace gw::srtp {

namespace {

constexpr std::array<ProfileInfo, 5> kProfiles{{
    {Profile::aead_aes_128_gcm, "AEAD_AES_128_GCM", "SRTP_AEAD_AES_128_GCM", 0x0007, 16, 12, 16},
    {Profile::aead_aes_256_gcm, "AEAD_AES_256_GCM", "SRTP_AEAD_AES_256_GCM", 0x0008, 32, 12, 16},
    {Profile::aes_cm_128_hmac_sha1_80, "AES_CM_128_HMAC_SHA1_80", "SRTP_AES128_CM_SHA1_80", 0x0001, 16, 14, 10},
    {Profile::aes_cm_128_hmac_sha1_32, "AES_CM_128_HMAC_SHA1_32", "SRTP_AES128_CM_SHA1_32", 0x0002, 16, 14, 4},
    {Profile::aes_256_cm_hmac_sha1_80, "AES_256_CM_HMAC_SHA1_80", "", 0, 32, 14, 10},
}};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

const ProfileInfo& info(Profile p) {
  for (const auto& i : kProfiles) {
    if (i.profile == p) return i;
  }
  return kProfiles[0];  // unreachable with a valid enum value
}

const std::vector<Profile>& all_profiles() {
  static const std::vector<Profile> all = [] {
    std::vector<Profile> v;
    for (const auto& i : kProfiles) v.push_back(i.profile);
    return v;
  }();
  return all;
}

std::vector<Profile> default_dtls_profiles() {
  return {Profile::aead_aes_128_gcm, Profile::aead_aes_256_gcm, Profile::aes_cm_128_hmac_sha1_80,
          Profile::aes_cm_128_hmac_sha1_32};
}

std::optional<Profile> profile_from_name(std::string_view name) {
  name = trim(name);
  for (const auto& i : kProfiles) {
    if (iequals(name, i.sdes_name) || (!i.dtls_name.empty() && iequals(name, i.dtls_name))) return i.profile;
  }
  return std::nullopt;
}

std::optional<Profile> profile_from_dtls_id(std::uint16_t id) {
  for (const auto& i : kProfiles) {
    if (i.dtls_id != 0 && i.dtls_id == id) return i.profile;
  }
  return std::nullopt;
}

Result<std::vector<Profile>> parse_profile_list(std::string_view text) {
  std::vector<Profile> out;
  while (!text.empty()) {
    auto comma = text.find_first_of(",:");
    std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    auto p = profile_from_name(item);
    if (!p) return make_error("srtp.unknown-profile", "unknown SRTP profile '" + std::string(item) + "'");
    if (std::find(out.begin(), out.end(), *p) == out.end()) out.push_back(*p);
  }
  if (out.empty()) return make_error("srtp.no-profile", "empty SRTP profile list");
  return out;
}

std::string openssl_profile_list(const std::vector<Profile>& profiles) {
  std::string out;
  for (auto p : profiles) {
    const auto& i = info(p);
    if (i.dtls_name.empty()) continue;
    if (!out.empty()) out += ':';
    out += i.dtls_name;
  }
  return out;
}

}  // namespace gw::srtp
