// One direction of SRTP/SRTCP (RFC 3711) over libsrtp2, RAII. An inbound
// session unprotects, an outbound one protects; any SSRC is accepted
// (libsrtp's ssrc_any_* templates), the rollover counter is libsrtp's.
// Per-packet failures come back as a PacketStatus for the caller to count;
// nothing here throws. libsrtp2 types stay out of this header.
// Thread: a Session is used by one thread at a time (its call's media loop);
// different Sessions may run on different threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "srtp/profile.hpp"
#include "util/bytes.hpp"
#include "util/result.hpp"

struct srtp_ctx_t_;  // libsrtp2's session, opaque here

namespace gw::srtp {

// Room protect_* needs after the packet (libsrtp's SRTP_MAX_TRAILER_LEN:
// tag plus an MKI we never use; SRTCP's 4-byte index fits inside).
inline constexpr std::size_t kMaxTrailer = 144;

enum class PacketStatus : std::uint8_t {
  ok,
  auth_fail,    // authentication tag did not verify
  replay_fail,  // replayed or too old for the replay window
  malformed,    // not an RTP/RTCP packet we can hand to libsrtp
  other,        // anything else libsrtp reported
};
std::string_view status_name(PacketStatus s);

enum class Direction : std::uint8_t { inbound, outbound };

struct SessionOptions {
  std::uint32_t replay_window = 1024;  // packets (libsrtp: 64..2^15)
};

class Session {
 public:
  // `key_and_salt`: master key then master salt, key_salt_length(profile) octets.
  static Result<Session> create(Profile profile, ByteView key_and_salt, Direction direction,
                                SessionOptions options = {});
  Session(Session&& other) noexcept;
  Session& operator=(Session&& other) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // In place: `buffer` is the whole writable area, `length` the packet size
  // on entry and on return. protect_* need length + kMaxTrailer <= buffer.size().
  PacketStatus protect_rtp(std::span<std::uint8_t> buffer, std::size_t& length);
  PacketStatus unprotect_rtp(std::span<std::uint8_t> buffer, std::size_t& length);
  PacketStatus protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& length);
  PacketStatus unprotect_rtcp(std::span<std::uint8_t> buffer, std::size_t& length);

  // Convenience on a growable buffer (tests, control paths).
  PacketStatus protect_rtp(Bytes& packet);
  PacketStatus unprotect_rtp(Bytes& packet);
  PacketStatus protect_rtcp(Bytes& packet);
  PacketStatus unprotect_rtcp(Bytes& packet);

  [[nodiscard]] Profile profile() const { return profile_; }
  [[nodiscard]] Direction direction() const { return direction_; }

 private:
  Session(srtp_ctx_t_* ctx, Profile p, Direction d) : ctx_(ctx), profile_(p), direction_(d) {}
  srtp_ctx_t_* ctx_ = nullptr;
  Profile profile_;
  Direction direction_;
};

// Thread-safe, idempotent srtp_init(); Session::create calls it.
void ensure_initialized();

}  // namespace gw::srtp
