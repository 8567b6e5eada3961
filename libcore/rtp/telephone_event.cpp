#include "rtp/telephone_event.hpp"

#include <string_view>

namespace gw::rtp {

namespace {
constexpr std::string_view kDigits = "0123456789*#ABCD!";  // index = event code
}

Result<TelephoneEvent> parse_telephone_event(ByteView payload) {
  if (payload.size() < kTelephoneEventSize) {
    return make_error("rtp.telephone-event", "telephone-event payload shorter than 4 octets");
  }
  TelephoneEvent ev;
  ev.event = payload[0];
  ev.end = (payload[1] & 0x80) != 0;
  // payload[1] & 0x40 is the reserved R bit: ignored on receipt (RFC 4733 §2.3).
  ev.volume = payload[1] & 0x3f;
  ev.duration = load_be16(payload.data() + 2);
  return ev;
}

std::array<std::uint8_t, kTelephoneEventSize> encode_telephone_event(const TelephoneEvent& ev) {
  std::array<std::uint8_t, kTelephoneEventSize> out{};
  out[0] = ev.event;
  out[1] = static_cast<std::uint8_t>((ev.end ? 0x80 : 0) | (ev.volume & 0x3f));
  store_be16(out.data() + 2, ev.duration);
  return out;
}

std::optional<std::uint8_t> dtmf_event_code(char digit) {
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  auto pos = kDigits.find(digit);
  if (pos == std::string_view::npos) return std::nullopt;
  return static_cast<std::uint8_t>(pos);
}

std::optional<char> dtmf_digit(std::uint8_t event) {
  if (event >= kDigits.size()) return std::nullopt;
  return kDigits[event];
}

}  // namespace gw::rtp
