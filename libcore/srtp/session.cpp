#include "srtp/session.hpp"

#include <srtp2/srtp.h>

#include <cstring>
#include <mutex>
#include <utility>

#include "rtp/packet.hpp"
#include "srtp/openssl_gcm.hpp"
#include "util/log.hpp"

namespace gw::srtp {

static_assert(kMaxTrailer >= SRTP_MAX_TRAILER_LEN, "trailer room must cover libsrtp's contract");

namespace {

// libsrtp logs through this trampoline; it must never let an exception out.
void log_trampoline(srtp_log_level_t level, const char* msg, void* /*data*/) noexcept {
  try {
    if (level == srtp_log_level_error) {
      GW_LOG(warn) << "libsrtp: " << msg;
    } else {
      GW_LOG(debug) << "libsrtp: " << msg;
    }
  } catch (...) {  // logging failed: nothing sensible left to do
  }
}

PacketStatus map_status(srtp_err_status_t e) {
  switch (e) {
    case srtp_err_status_ok: return PacketStatus::ok;
    case srtp_err_status_auth_fail: return PacketStatus::auth_fail;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old: return PacketStatus::replay_fail;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err: return PacketStatus::malformed;
    default: return PacketStatus::other;
  }
}

void set_crypto_policy(Profile p, srtp_policy_t& policy) {
  switch (p) {
    case Profile::aes_cm_128_hmac_sha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case Profile::aes_cm_128_hmac_sha1_32:  // RFC 5764 §4.1.2: SRTCP keeps 80 bits
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case Profile::aead_aes_128_gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
    case Profile::aead_aes_256_gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
      break;
    case Profile::aes_256_cm_hmac_sha1_80:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&policy.rtcp);
      break;
  }
}

// The cleartext part of an SRTP header must fit: version 2, CSRCs and the
// extension inside the packet (padding is encrypted, so not checked here).
bool srtp_header_fits(const std::uint8_t* p, std::size_t len, std::size_t tag) {
  if (len < rtp::kRtpHeaderSize + tag || (p[0] >> 6) != 2) return false;
  std::size_t off = rtp::kRtpHeaderSize + 4U * (p[0] & 0x0f);
  if ((p[0] & 0x10) != 0) {
    if (off + 4 > len) return false;
    off += 4 + 4U * load_be16(p + off + 2);
  }
  return off + tag <= len;
}

std::size_t rtcp_tag_length(Profile p) {
  return info(p).rtp_tag_length == 4 ? 10 : info(p).rtp_tag_length;
}

}  // namespace

std::string_view status_name(PacketStatus s) {
  switch (s) {
    case PacketStatus::ok: return "ok";
    case PacketStatus::auth_fail: return "auth_fail";
    case PacketStatus::replay_fail: return "replay_fail";
    case PacketStatus::malformed: return "malformed";
    case PacketStatus::other: break;
  }
  return "other";
}

void ensure_initialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (srtp_init() != srtp_err_status_ok) {
      GW_LOG(error) << "srtp_init failed";
    }
    srtp_install_log_handler(log_trampoline, nullptr);
    if (!install_openssl_gcm()) GW_LOG(warn) << "libsrtp kept its own AES-GCM (the OpenSSL one failed its self-test)";
  });
}

Result<Session> Session::create(Profile profile, ByteView key_and_salt, Direction direction,
                                SessionOptions options) {
  ensure_initialized();
  if (key_and_salt.size() != key_salt_length(profile)) {
    return make_error("srtp.key-length", "master key+salt for " + std::string(info(profile).sdes_name) +
                                             " must be " + std::to_string(key_salt_length(profile)) +
                                             " octets, got " + std::to_string(key_and_salt.size()));
  }
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof policy);
  set_crypto_policy(profile, policy);
  policy.ssrc.type = direction == Direction::inbound ? ssrc_any_inbound : ssrc_any_outbound;
  // libsrtp copies the key during srtp_create; the const_cast is only for its C API.
  policy.key = const_cast<unsigned char*>(key_and_salt.data());  // NOLINT
  policy.window_size = options.replay_window;
  policy.allow_repeat_tx = 0;
  policy.next = nullptr;
  srtp_t ctx = nullptr;
  srtp_err_status_t e = srtp_create(&ctx, &policy);
  if (e != srtp_err_status_ok) {
    return make_error("srtp.create", "srtp_create failed with status " + std::to_string(static_cast<int>(e)));
  }
  return Session(ctx, profile, direction);
}

Session::Session(Session&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), profile_(other.profile_), direction_(other.direction_) {}

Session& Session::operator=(Session&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) srtp_dealloc(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
    profile_ = other.profile_;
    direction_ = other.direction_;
  }
  return *this;
}

Session::~Session() {
  if (ctx_ != nullptr) srtp_dealloc(ctx_);
}

PacketStatus Session::protect_rtp(std::span<std::uint8_t> buffer, std::size_t& length) {
  if (ctx_ == nullptr || direction_ != Direction::outbound) return PacketStatus::other;
  if (length > buffer.size() || buffer.size() - length < kMaxTrailer) return PacketStatus::malformed;
  if (!rtp::RtpView::parse(buffer.first(length)).ok()) return PacketStatus::malformed;
  int len = static_cast<int>(length);
  auto st = map_status(srtp_protect(ctx_, buffer.data(), &len));
  if (st == PacketStatus::ok) length = static_cast<std::size_t>(len);
  return st;
}

PacketStatus Session::unprotect_rtp(std::span<std::uint8_t> buffer, std::size_t& length) {
  if (ctx_ == nullptr || direction_ != Direction::inbound) return PacketStatus::other;
  if (length > buffer.size() || !srtp_header_fits(buffer.data(), length, info(profile_).rtp_tag_length)) {
    return PacketStatus::malformed;
  }
  int len = static_cast<int>(length);
  auto st = map_status(srtp_unprotect(ctx_, buffer.data(), &len));
  if (st == PacketStatus::ok) length = static_cast<std::size_t>(len);
  return st;
}

PacketStatus Session::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& length) {
  if (ctx_ == nullptr || direction_ != Direction::outbound) return PacketStatus::other;
  if (length > buffer.size() || buffer.size() - length < kMaxTrailer) return PacketStatus::malformed;
  if (length < 8 || !rtp::is_valid_rtcp(buffer.first(length))) return PacketStatus::malformed;
  int len = static_cast<int>(length);
  auto st = map_status(srtp_protect_rtcp(ctx_, buffer.data(), &len));
  if (st == PacketStatus::ok) length = static_cast<std::size_t>(len);
  return st;
}

PacketStatus Session::unprotect_rtcp(std::span<std::uint8_t> buffer, std::size_t& length) {
  if (ctx_ == nullptr || direction_ != Direction::inbound) return PacketStatus::other;
  // RFC 3711 §3.4: header + sender SSRC, then E|index (4) and the tag.
  if (length > buffer.size() || length < 8 + 4 + rtcp_tag_length(profile_) || (buffer[0] >> 6) != 2) {
    return PacketStatus::malformed;
  }
  int len = static_cast<int>(length);
  auto st = map_status(srtp_unprotect_rtcp(ctx_, buffer.data(), &len));
  if (st == PacketStatus::ok) length = static_cast<std::size_t>(len);
  return st;
}

namespace {
template <class F>
PacketStatus on_bytes(Bytes& packet, std::size_t room, F&& f) {
  std::size_t len = packet.size();
  packet.resize(len + room);
  PacketStatus st = f(std::span<std::uint8_t>(packet), len);
  packet.resize(st == PacketStatus::ok ? len : packet.size() - room);
  return st;
}
}  // namespace

PacketStatus Session::protect_rtp(Bytes& packet) {
  return on_bytes(packet, kMaxTrailer, [this](std::span<std::uint8_t> b, std::size_t& l) { return protect_rtp(b, l); });
}
PacketStatus Session::unprotect_rtp(Bytes& packet) {
  return on_bytes(packet, 0, [this](std::span<std::uint8_t> b, std::size_t& l) { return unprotect_rtp(b, l); });
}
PacketStatus Session::protect_rtcp(Bytes& packet) {
  return on_bytes(packet, kMaxTrailer, [this](std::span<std::uint8_t> b, std::size_t& l) { return protect_rtcp(b, l); });
}
PacketStatus Session::unprotect_rtcp(Bytes& packet) {
  return on_bytes(packet, 0, [this](std::span<std::uint8_t> b, std::size_t& l) { return unprotect_rtcp(b, l); });
}

}  // namespace gw::srtp
