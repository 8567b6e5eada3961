// libFuzzer target for libcore/sdp: parse; if it parses, serialize and parse
// again and require the same model (round trip); run the typed view, the
// RTP/AVP and WebRTC answer builders and the translation on it. The raw
// input also goes to the candidate and codec-list parsers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sdp/avp_offer_answer.hpp"
#include "sdp/candidate.hpp"
#include "sdp/codec.hpp"
#include "sdp/media_view.hpp"
#include "sdp/session_description.hpp"
#include "sdp/translate.hpp"
#include "sdp/webrtc_answer.hpp"

namespace {

using namespace gw::sdp;

const WebrtcAnswerParams& webrtc_params() {
  static const WebrtcAnswerParams p = [] {
    WebrtcAnswerParams w;
    w.ice_ufrag = "fuzz";
    w.ice_pwd = "abcdefghijklmnopqrstuvwx";
    w.candidates = {parse_candidate("1 1 udp 2130706431 203.0.113.20 40000 typ host").value()};
    w.fingerprint = parse_fingerprint("sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF").value();
    return w;
  }();
  return p;
}

AvpParams avp_params() {
  AvpParams p;
  p.address = "10.0.0.5";
  p.port = 30000;
  p.codecs = parse_codec_list("opus,PCMU,PCMA,G722,telephone-event,CN").value();
  return p;
}

void check(bool ok) {
  if (!ok) std::abort();
}

// Whatever a builder returns must itself parse and view cleanly.
void check_output(const gw::Result<SessionDescription>& sd) {
  if (!sd) return;
  auto again = parse(serialize(*sd));
  check(again.ok());
  check(make_view(*again).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_candidate(text.substr(0, 512));
  (void)parse_codec_list(text.substr(0, 512));

  auto sd = parse(text);
  if (!sd) return 0;
  std::string out = serialize(*sd);
  auto again = parse(out);
  check(again.ok());
  check(*again == *sd);
  check(serialize(*again) == out);

  auto view = make_view(*sd);
  if (!view) return 0;
  check_output(answer_webrtc_audio(*sd, webrtc_params()));
  check_output(answer_avp_offer(*sd, avp_params()));
  (void)negotiated_audio(*sd);
  SipSideParams sip;
  sip.address = "10.0.0.5";
  sip.port = 30000;
  check_output(avp_offer_from_webrtc(*sd, sip));
  auto plan = plan_browser_answer(*sd, *sd);
  if (plan) check_output(webrtc_answer_from_plan(*sd, *plan, webrtc_params()));
  check_output(webrtc_offer_from_avp(*sd, webrtc_params()));
  check_output(avp_answer_from_webrtc(*sd, *sd, avp_params()));
  check_output(hold_offer(*sd));
  return 0;
}
