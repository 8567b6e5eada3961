// ICE servers handed to browsers, with TURN credentials in coturn's REST
// scheme (draft-uberti-behave-turn-rest): username "<expiry>:<dn>",
// credential base64(HMAC-SHA1(secret, username)).
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

namespace gw::gateway {

struct TurnCredentials {
  std::string username;    // "<expiry unix seconds>:<dn>"
  std::string credential;  // base64 HMAC-SHA1
  std::int64_t expires_unix = 0;
  friend bool operator==(const TurnCredentials&, const TurnCredentials&) = default;
};

// expiry = now_unix + ttl_seconds.
TurnCredentials turn_credentials(std::string_view secret, std::string_view dn,
                                 std::int64_t now_unix, std::int64_t ttl_seconds);

// One RTCIceServer dictionary: {"urls":[...],"username"?,"credential"?}.
struct IceServer {
  std::vector<std::string> urls;  // "stun:host:3478", "turn:host:3478?transport=udp"
  std::optional<std::string> username;
  std::optional<std::string> credential;
  friend bool operator==(const IceServer&, const IceServer&) = default;
};

boost::json::object ice_server_to_json(const IceServer& s);

// A TURN entry with fresh credentials for `dn`.
IceServer turn_server(std::vector<std::string> urls, std::string_view secret, std::string_view dn,
                      std::int64_t now_unix, std::int64_t ttl_seconds);

}  // namespace gw::gateway
