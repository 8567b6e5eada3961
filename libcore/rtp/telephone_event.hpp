// RFC 4733 §2.3 telephone-event payload (DTMF): event, E bit, volume,
// duration. Thread: any (pure functions).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "util/bytes.hpp"
#include "util/result.hpp"

namespace gw::rtp {

struct TelephoneEvent {
  std::uint8_t event = 0;      // RFC 4733 §3.2: 0-9, 10 '*', 11 '#', 12-15 A-D, 16 flash
  bool end = false;            // E bit
  std::uint8_t volume = 10;    // 0..63, dBm0 below zero (6 bits)
  std::uint16_t duration = 0;  // timestamp units since the event began
  friend bool operator==(const TelephoneEvent&, const TelephoneEvent&) = default;
};

inline constexpr std::size_t kTelephoneEventSize = 4;

// Parses the first event of a payload (4 octets; more are ignored as RFC 4733
// allows only one per packet unless RFC 2198 redundancy wraps it).
Result<TelephoneEvent> parse_telephone_event(ByteView payload);
std::array<std::uint8_t, kTelephoneEventSize> encode_telephone_event(const TelephoneEvent& ev);

// DTMF digit <-> event code ("0"-"9", "*", "#", "A"-"D", flash as '!').
std::optional<std::uint8_t> dtmf_event_code(char digit);
std::optional<char> dtmf_digit(std::uint8_t event);

}  // namespace gw::rtp
