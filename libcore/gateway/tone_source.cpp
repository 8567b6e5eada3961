#include "gateway/tone_source.hpp"

#include <cmath>
#include <numbers>
#include <openssl/rand.h>

#include "rtp/packet.hpp"

namespace gw::gateway {

namespace {
std::uint32_t random_u32() {
  std::uint32_t v = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}
}  // namespace

// G.711 §3.2 mu-law: bias 0x84, segment from the highest set bit, inverted.
std::uint8_t linear_to_ulaw(std::int16_t sample) {
  constexpr int kBias = 0x84, kClip = 32635;
  int s = sample;
  int sign = (s >> 8) & 0x80;
  if (sign != 0) s = -s;
  if (s > kClip) s = kClip;
  s += kBias;
  int exponent = 7;
  for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) --exponent;
  int mantissa = (s >> (exponent + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa));
}

// G.711 §3.1 A-law: 13-bit magnitude, segment, even bits inverted (0x55).
std::uint8_t linear_to_alaw(std::int16_t sample) {
  int s = sample;
  int sign = s >= 0 ? 0x80 : 0;
  if (sign == 0) s = -s - 1;
  if (s > 32767) s = 32767;
  s >>= 3;  // 13 bits
  int value = 0;
  if (s < 32) {
    value = s >> 1;
  } else {
    int exponent = 1;
    for (int v = s >> 5; v > 1 && exponent < 7; v >>= 1) ++exponent;
    value = (exponent << 4) | ((s >> exponent) & 0x0F);
  }
  return static_cast<std::uint8_t>((value | sign) ^ 0x55);
}

ToneSource::ToneSource(std::uint8_t payload_type, Law law, std::uint32_t ssrc)
    : pt_(payload_type), ssrc_(ssrc), seq_(static_cast<std::uint16_t>(random_u32())), ts_(random_u32()) {
  // -12 dBFS: loud enough to hear, far from clipping.
  constexpr double kAmplitude = 8000.0;
  for (std::size_t i = 0; i < table_.size(); ++i) {
    double v = kAmplitude * std::sin(2.0 * std::numbers::pi * kFrequencyHz * static_cast<double>(i) / 8000.0);
    auto s = static_cast<std::int16_t>(std::lround(v));
    table_[i] = law == Law::ulaw ? linear_to_ulaw(s) : linear_to_alaw(s);
  }
}

Bytes ToneSource::next_packet() {
  std::array<std::uint8_t, kSamplesPerPacket> payload{};
  for (auto& b : payload) {
    b = table_[phase_];
    phase_ = (phase_ + 1) % table_.size();
  }
  Bytes packet = rtp::build_rtp(pt_, seq_, ts_, ssrc_, payload, first_);  // RFC 3551 §4.1: marker on the first
  first_ = false;
  ++seq_;
  ts_ += kSamplesPerPacket;
  return packet;
}

}  // namespace gw::gateway
