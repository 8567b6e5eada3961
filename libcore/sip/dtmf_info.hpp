// DTMF carried in SIP INFO bodies: application/dtmf-relay ("Signal=5\r\n
// Duration=160") and application/dtmf ("5"). Not standardised by an RFC;
// this is the de-facto format of Cisco/Asterisk/FreeSWITCH.
// Thread: any (pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gw::sip {

struct DtmfDigit {
  char digit = 0;          // 0-9 * # A-D
  unsigned duration_ms = 0;
};

// Normalises a digit ('a' -> 'A'); nullopt for anything else. RFC 4733 §3.2
// events 0-15 are the same 16 symbols.
std::optional<char> normalize_dtmf(char c);

std::optional<DtmfDigit> parse_dtmf_info(std::string_view content_type, std::string_view body);

// ("application/dtmf-relay", body) for sending.
std::string format_dtmf_relay(char digit, unsigned duration_ms);

}  // namespace gw::sip
