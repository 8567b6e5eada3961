// gw_load's SDP side: a Chromium-like audio offer (one host candidate, all
// candidates in the offer, no trickle) and the parts of the gateway's answer
// a "browser" needs: ICE credentials and candidates, DTLS fingerprint and
// setup, the chosen payload type.
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dtls/certificate.hpp"
#include "dtls/endpoint.hpp"
#include "util/result.hpp"
#include "util/socket_address.hpp"

namespace gw::load {

struct OfferParams {
  std::string ufrag, pwd;         // ours (RFC 8839 §5.4)
  dtls::Fingerprint fingerprint;  // of the shared certificate
  SocketAddress candidate;        // this call's own UDP socket
  std::uint32_t ssrc = 0;
  std::string codec = "PCMU";  // PCMU (PT 0) or PCMA (PT 8), plus telephone-event/8000 PT 126
};

std::string make_offer(const OfferParams& p);

struct AnswerParams {
  bool ice_lite = false;
  std::string ufrag, pwd;
  std::vector<SocketAddress> candidates;  // UDP, highest priority first
  dtls::Fingerprint fingerprint;
  dtls::Role setup = dtls::Role::passive;
  std::uint8_t pt = 0;  // the chosen audio codec's payload type
  std::string codec;    // its name as answered
};

// Errors name what is missing (code "answer.*"). Candidates of the other IP
// family than `family` are left out.
Result<AnswerParams> parse_answer(std::string_view sdp, IpAddress::Family family);

// `n` random ice-chars (RFC 8839 §5.4: ALPHA / DIGIT / "+" / "/"; we use alnum).
std::string random_ice_string(std::size_t n);
std::uint32_t random_u32();
std::uint64_t random_u64();

}  // namespace gw::load
