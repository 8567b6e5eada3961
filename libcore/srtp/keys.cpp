#include "srtp/keys.hpp"

#include <string>

namespace gw::srtp {

Result<SrtpKeys> split_dtls_keying_material(Profile profile, ByteView material, bool is_dtls_client) {
  const auto& pi = info(profile);
  if (material.size() != exporter_length(profile)) {
    return make_error("srtp.exporter-length", "DTLS-SRTP keying material must be " +
                                                  std::to_string(exporter_length(profile)) + " octets");
  }
  const std::size_t k = pi.key_length;
  const std::size_t s = pi.salt_length;
  ByteView client_key = material.subspan(0, k);
  ByteView server_key = material.subspan(k, k);
  ByteView client_salt = material.subspan(2 * k, s);
  ByteView server_salt = material.subspan(2 * k + s, s);

  auto join = [](ByteView key, ByteView salt) {
    Bytes out(key.begin(), key.end());
    out.insert(out.end(), salt.begin(), salt.end());
    return out;
  };
  SrtpKeys keys;
  keys.profile = profile;
  Bytes client = join(client_key, client_salt);
  Bytes server = join(server_key, server_salt);
  keys.local = is_dtls_client ? client : server;
  keys.remote = is_dtls_client ? server : client;
  return keys;
}

}  // namespace gw::srtp
