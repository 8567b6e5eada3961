// The seam between a SIP call and its SDP offer/answer (RFC 3264): the call
// asks for offers and answers as text and learns the negotiated media. The
// implementation on libcore/sdp is sip/sdp_negotiator.hpp; tests may use a
// fake. Thread: the GLib thread (the call's thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace gw::sip {

// RFC 3264 §5.1 / §8.4 stream directions.
enum class MediaDirection { sendrecv, sendonly, recvonly, inactive };
std::string_view to_string(MediaDirection d);

struct NegotiatedCodec {
  int payload_type = -1;
  std::string name;        // "PCMU", "opus", "telephone-event"
  std::uint32_t clock_rate = 0;
  unsigned channels = 1;
  std::string fmtp;
};

// What one offer/answer exchange settled, seen from this side.
struct NegotiatedMedia {
  std::string remote_address;        // c= of the remote media (may be 0.0.0.0 on hold)
  std::uint16_t remote_port = 0;     // 0: stream rejected
  std::uint16_t remote_rtcp_port = 0;  // a=rtcp or port+1
  bool rtcp_mux = false;
  MediaDirection local_direction = MediaDirection::sendrecv;   // as in our SDP
  MediaDirection remote_direction = MediaDirection::sendrecv;  // as in theirs
  std::vector<NegotiatedCodec> codecs;  // first is the one to send
  int telephone_event_pt = -1;          // RFC 4733 payload type, -1 when none
  unsigned ptime_ms = 20;

  // The peer put us on hold (RFC 3264 §8.4): it will not send to us.
  [[nodiscard]] bool remote_holds() const {
    return remote_direction == MediaDirection::sendonly || remote_direction == MediaDirection::inactive ||
           remote_address == "0.0.0.0";
  }
};

class MediaNegotiator {
 public:
  virtual ~MediaNegotiator() = default;
  // A new offer for our stream with the given direction (hold: sendonly).
  virtual std::string create_offer(MediaDirection direction) = 0;
  // Answers a remote offer; an error means 488 Not Acceptable Here.
  virtual Result<std::string> create_answer(std::string_view remote_offer, MediaDirection wanted) = 0;
  // Takes the remote answer to our last offer.
  virtual Status accept_answer(std::string_view remote_answer) = 0;
  [[nodiscard]] virtual std::optional<NegotiatedMedia> negotiated() const = 0;
};

}  // namespace gw::sip
