// sip-leg's engine: one user agent (GLib thread) and one RTP leg (Asio, the
// caller's thread), wired together for the `register`, `call` and `listen`
// modes. tools/sip-leg/main.cpp only fills LegOptions and calls run().
//
// Threads (see docs/ARCHITECTURE.md):
//   main thread  : Asio io_context: RTP/RTCP/pipe sockets, DTMF timers,
//                  signals, stdin commands (read by a helper thread, posted here)
//   GLib thread  : sofia-sip nua (SIP transport, transactions, calls)
//   They cross only by posting: asio::post to the main thread,
//   GlibThread::post to the GLib thread.
// Thread: run() on the main thread; it returns the exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sdp/codec.hpp"
#include "sip/rtp_leg.hpp"
#include "sip/user_agent.hpp"

namespace gw::sip {

struct LegOptions {
  enum class Mode { register_only, call, listen } mode = Mode::call;
  UaConfig ua;
  std::optional<RegisterOptions> registration;  // register mode, or listen --registrar
  std::string target;                           // call: the SIP URI to INVITE
  RtpLegConfig rtp;
  std::string media_address;                    // SDP c= address (the address plan)
  std::vector<sdp::Codec> codecs;
  std::optional<std::uint32_t> ptime;
  bool single_codec = false;
  bool auto_answer = true;                      // listen: else wait for {"cmd":"answer"}
  unsigned answer_delay_ms = 0;                 // listen: ring this long first
  unsigned max_calls = 1;                       // listen: 0 = until a signal
  enum class Dtmf { rfc4733, info } dtmf = Dtmf::rfc4733;
  unsigned timeout_s = 0;    // call: no answer by then -> CANCEL, exit 3; listen: no call
  unsigned duration_s = 0;   // call/listen: hang up this long after the answer; register: stay
  bool json = false;
};

int run_leg(const LegOptions& options);

// The SDP c= address: `explicit_address`, else the advertised host, else the
// RTP or SIP bind address when it is a specific one, else the address the
// kernel would use to reach the outside (a connected UDP socket, no packet
// sent), else 127.0.0.1. Blocking (may resolve a name): call at start-up.
std::string default_media_address(const std::string& explicit_address, const std::string& advertise,
                                  const std::string& rtp_host, const std::string& sip_host);

}  // namespace gw::sip
