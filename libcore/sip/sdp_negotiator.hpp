// MediaNegotiator on libcore/sdp: plain RTP/AVP offer/answer (RFC 3264) for
// one audio stream on our RTP socket, payload types kept as the offerer wrote
// them, o= session id fixed and version bumped on every new SDP (§8).
// Thread: the GLib thread (the call's); not shared between calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdp/avp_offer_answer.hpp"
#include "sdp/codec.hpp"
#include "sip/media_negotiator.hpp"

namespace gw::sip {

struct SdpNegotiatorConfig {
  std::string address;       // our advertised RTP address (c=, o=)
  std::uint16_t port = 0;    // our RTP port; RTCP is port+1
  std::vector<sdp::Codec> codecs;
  std::optional<std::uint32_t> ptime;
  bool single_codec = false;  // answer with one media codec (+ telephone-event)
};

class SdpNegotiator final : public MediaNegotiator {
 public:
  explicit SdpNegotiator(SdpNegotiatorConfig config);

  std::string create_offer(MediaDirection direction) override;
  Result<std::string> create_answer(std::string_view remote_offer, MediaDirection wanted) override;
  Status accept_answer(std::string_view remote_answer) override;
  [[nodiscard]] std::optional<NegotiatedMedia> negotiated() const override { return negotiated_; }

  [[nodiscard]] const std::optional<sdp::SessionDescription>& last_local() const { return last_local_; }

 private:
  sdp::AvpParams params(MediaDirection d);
  SdpNegotiatorConfig config_;
  std::string session_id_;
  std::uint64_t version_ = 0;
  std::optional<sdp::SessionDescription> last_local_;
  std::optional<NegotiatedMedia> negotiated_;
};

// The codecs (payload types as written) of the first audio stream of an SDP
// file, for --codecs-from: mirror what another leg offered.
Result<std::vector<sdp::Codec>> codecs_from_sdp(std::string_view sdp_text);

sdp::Direction to_sdp(MediaDirection d);
MediaDirection from_sdp(sdp::Direction d);

// Combines the remote SDP's stream with the codecs we use and our direction.
NegotiatedMedia to_negotiated(const sdp::NegotiatedMedia& remote, const std::vector<sdp::Codec>& codecs,
                              MediaDirection local);

}  // namespace gw::sip
