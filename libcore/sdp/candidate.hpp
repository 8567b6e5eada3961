// ICE candidate attribute (RFC 8839 §5.1, TCP per RFC 6544 §4.5):
//   candidate:<foundation> <component> <transport> <priority> <address> <port>
//             typ <host|srflx|prflx|relay> [raddr <a>] [rport <p>]
//             [tcptype <active|passive|so>] [<ext-name> <ext-value>]...
// Thread: any (pure functions).
//
// Usage:
//   auto c = gw::sdp::parse_candidate("candidate:1 1 udp 2122260223 198.51.100.7 5000 typ host");
//   std::string v = c->to_value();         // for a=candidate:<v>
//   std::string j = c->to_sdp_string();    // "candidate:..." (trickle / JSON)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace gw::sdp {

enum class CandidateType : std::uint8_t { host, srflx, prflx, relay };
enum class CandidateTransport : std::uint8_t { udp, tcp };
enum class TcpType : std::uint8_t { none, active, passive, so };

std::string_view to_string(CandidateType t);
std::string_view to_string(CandidateTransport t);
std::string_view to_string(TcpType t);

struct Candidate {
  std::string foundation;
  std::uint16_t component = 1;  // 1 RTP, 2 RTCP
  CandidateTransport transport = CandidateTransport::udp;
  std::uint32_t priority = 0;
  std::string address;  // IP literal, or FQDN / mDNS name as written
  std::uint16_t port = 0;
  CandidateType type = CandidateType::host;
  std::optional<std::string> raddr;
  std::optional<std::uint16_t> rport;
  TcpType tcptype = TcpType::none;
  // Extension pairs in order: generation, network-id, ufrag, network-cost...
  std::vector<std::pair<std::string, std::string>> extensions;

  [[nodiscard]] std::optional<std::uint32_t> generation() const;
  [[nodiscard]] std::string to_value() const;       // text after "a=candidate:"
  [[nodiscard]] std::string to_sdp_string() const;  // "candidate:" + to_value()
  friend bool operator==(const Candidate&, const Candidate&) = default;
};

// Accepts the attribute value, "candidate:<value>" or "a=candidate:<value>".
Result<Candidate> parse_candidate(std::string_view text);

// RFC 8445 §5.1.2.1 priority: (2^24)*type pref + (2^8)*local pref + (256 - component).
std::uint32_t candidate_priority(CandidateType type, std::uint16_t local_preference,
                                 std::uint16_t component);

}  // namespace gw::sdp
