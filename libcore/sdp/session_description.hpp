// Generic SDP model (RFC 8866): session-level lines, media sections and an
// ordered attribute list. Unknown attributes are kept in order so that
// parse -> serialize -> parse gives back the same model.
// Thread: any (plain value types, pure functions).
//
// Usage:
//   auto sd = gw::sdp::parse(text);            // CRLF or LF, <= 64 KiB, <= 2000 lines
//   if (!sd) log(sd.error().message);           // "line 7: m= ... port 'x' is not a number"
//   const auto* mid = gw::sdp::find_attribute(sd->media[0].attributes, "mid");
//   std::string out = gw::sdp::serialize(*sd);  // CRLF line endings
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace gw::sdp {

inline constexpr std::size_t kMaxSdpBytes = 64 * 1024;
inline constexpr std::size_t kMaxSdpLines = 2000;

// a=<name>[:<value>] (RFC 8866 §5.13). value is nullopt for property
// attributes such as "a=rtcp-mux"; the value text is kept verbatim.
struct Attribute {
  std::string name;
  std::optional<std::string> value;
  int line = 0;  // 1-based source line, 0 when built in code; not compared

  Attribute() = default;
  Attribute(std::string n, std::optional<std::string> v = std::nullopt, int l = 0)
      : name(std::move(n)), value(std::move(v)), line(l) {}
  friend bool operator==(const Attribute& a, const Attribute& b) {
    return a.name == b.name && a.value == b.value;
  }
};
using Attributes = std::vector<Attribute>;

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> (§5.2)
struct Origin {
  std::string username = "-";
  std::string session_id = "0";  // kept as text: may exceed 64 bits in the wild
  std::uint64_t session_version = 0;
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address = "127.0.0.1";
  friend bool operator==(const Origin&, const Origin&) = default;
};

// c=<nettype> <addrtype> <connection-address> (§5.7); the address may carry
// "/ttl[/n]" for multicast and is kept verbatim.
struct Connection {
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address;
  friend bool operator==(const Connection&, const Connection&) = default;
};

// b=<bwtype>:<bandwidth> (§5.8)
struct Bandwidth {
  std::string type;
  std::uint64_t value = 0;
  friend bool operator==(const Bandwidth&, const Bandwidth&) = default;
};

// t=<start> <stop> (§5.9) with its r= lines (§5.10), kept verbatim.
struct Timing {
  std::uint64_t start = 0;
  std::uint64_t stop = 0;
  std::vector<std::string> repeats;
  friend bool operator==(const Timing&, const Timing&) = default;
};

// m=<media> <port>[/<number of ports>] <proto> <fmt> ... (§5.14) and its lines.
struct MediaDescription {
  std::string media;  // audio, video, application, ...
  std::uint16_t port = 0;
  std::optional<std::uint32_t> port_count;
  std::string proto;                 // RTP/AVP, UDP/TLS/RTP/SAVPF, ...
  std::vector<std::string> formats;  // payload types for RTP protos
  std::optional<std::string> info;   // i=
  std::vector<Connection> connections;
  std::vector<Bandwidth> bandwidths;
  std::optional<std::string> key;  // k= (obsolete, kept)
  Attributes attributes;
  int line = 0;  // source line of m=; not compared

  friend bool operator==(const MediaDescription& a, const MediaDescription& b) {
    return a.media == b.media && a.port == b.port && a.port_count == b.port_count &&
           a.proto == b.proto && a.formats == b.formats && a.info == b.info &&
           a.connections == b.connections && a.bandwidths == b.bandwidths &&
           a.key == b.key && a.attributes == b.attributes;
  }
};

struct SessionDescription {
  int version = 0;
  Origin origin;
  std::string session_name = "-";
  std::optional<std::string> info;  // i=
  std::optional<std::string> uri;   // u=
  std::vector<std::string> emails;  // e=
  std::vector<std::string> phones;  // p=
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::vector<Timing> timings{Timing{}};
  std::optional<std::string> zone;  // z=
  std::optional<std::string> key;   // k=
  Attributes attributes;
  std::vector<MediaDescription> media;
  friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

// Parses SDP text (CRLF or LF line ends). Errors name the line:
// code "sdp.syntax" / "sdp.too-large", message "line N: ...".
Result<SessionDescription> parse(std::string_view text);

// Serializes with CRLF line ends in RFC 8866 §5 order.
std::string serialize(const SessionDescription& sd);

// ---- attribute list helpers ----
const Attribute* find_attribute(const Attributes& list, std::string_view name);
bool has_attribute(const Attributes& list, std::string_view name);
std::vector<const Attribute*> find_attributes(const Attributes& list, std::string_view name);
void remove_attributes(Attributes& list, std::string_view name);

// The c= that applies to a media section: its own first, else the session's.
const Connection* effective_connection(const SessionDescription& sd,
                                       const MediaDescription& m);

// "line N: what" (N omitted when 0), code "sdp.<code>".
Error line_error(std::string_view code, int line, std::string_view what);

}  // namespace gw::sdp
