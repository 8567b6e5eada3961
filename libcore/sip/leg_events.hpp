// sip-leg's events as JSON objects (JSON Lines on stdout with --json), and a
// one-line text form for people. Event names and fields are the tool's
// documented output (man/sip-leg.1).
// Thread: any (pure functions).
#pragma once

#include <boost/json.hpp>
#include <string>

#include "sip/call_event.hpp"
#include "sip/rtp_leg.hpp"
#include "sip/user_agent.hpp"

namespace gw::sip {

boost::json::object media_json(const NegotiatedMedia& m);
boost::json::object call_event_json(const CallEvent& ev);
boost::json::object registration_json(const RegistrationEvent& ev);
boost::json::object rtp_counters_json(const RtpLegCounters& c);

// "answered codec=PCMU/8000 remote=127.0.0.1:6000" from an event object.
std::string event_text(const boost::json::object& ev);

}  // namespace gw::sip
