#include "ice/nice_convert.hpp"

#include <cstring>

namespace gw::ice::detail {

std::string address_string(const NiceAddress& addr) {
  char buf[NICE_ADDRESS_STRING_LEN] = {};
  nice_address_to_string(&addr, buf);
  return buf;
}

State state_from_nice(guint state) {
  switch (state) {
    case NICE_COMPONENT_STATE_GATHERING: return State::gathering;
    case NICE_COMPONENT_STATE_CONNECTING: return State::connecting;
    case NICE_COMPONENT_STATE_CONNECTED: return State::connected;
    case NICE_COMPONENT_STATE_READY: return State::ready;
    case NICE_COMPONENT_STATE_FAILED: return State::failed;
    default: return State::disconnected;
  }
}

namespace {

sdp::CandidateType type_from_nice(NiceCandidateType t) {
  switch (t) {
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE: return sdp::CandidateType::srflx;
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE: return sdp::CandidateType::prflx;
    case NICE_CANDIDATE_TYPE_RELAYED: return sdp::CandidateType::relay;
    default: return sdp::CandidateType::host;
  }
}

NiceCandidateType type_to_nice(sdp::CandidateType t) {
  switch (t) {
    case sdp::CandidateType::srflx: return NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
    case sdp::CandidateType::prflx: return NICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
    case sdp::CandidateType::relay: return NICE_CANDIDATE_TYPE_RELAYED;
    default: return NICE_CANDIDATE_TYPE_HOST;
  }
}

}  // namespace

sdp::Candidate from_nice(const NiceCandidate& c) {
  sdp::Candidate out;
  out.foundation = c.foundation;
  out.component = static_cast<std::uint16_t>(c.component_id);
  out.priority = c.priority;
  out.address = address_string(c.addr);
  out.port = static_cast<std::uint16_t>(nice_address_get_port(&c.addr));
  out.type = type_from_nice(c.type);
  switch (c.transport) {
    case NICE_CANDIDATE_TRANSPORT_UDP: break;
    case NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE:
      out.transport = sdp::CandidateTransport::tcp;
      out.tcptype = sdp::TcpType::active;
      if (out.port == 0) out.port = 9;  // RFC 6544 §4.5: discard port for active
      break;
    case NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE:
      out.transport = sdp::CandidateTransport::tcp;
      out.tcptype = sdp::TcpType::passive;
      break;
    case NICE_CANDIDATE_TRANSPORT_TCP_SO:
      out.transport = sdp::CandidateTransport::tcp;
      out.tcptype = sdp::TcpType::so;
      break;
  }
  if (out.type != sdp::CandidateType::host && nice_address_is_valid(&c.base_addr)) {
    out.raddr = address_string(c.base_addr);
    out.rport = static_cast<std::uint16_t>(nice_address_get_port(&c.base_addr));
  }
  return out;
}

Result<NiceCandidatePtr> to_nice(const sdp::Candidate& c, guint stream_id) {
  NiceCandidatePtr out(nice_candidate_new(type_to_nice(c.type)));
  if (!nice_address_set_from_string(&out->addr, c.address.c_str())) {
    if (c.address.ends_with(".local")) {
      return make_error("ice.mdns-candidate",
                        "candidate address '" + c.address + "' is an mDNS name, which is not resolved here; "
                        "the peer's checks still reach us (peer-reflexive)");
    }
    return make_error("ice.bad-candidate-address", "candidate address '" + c.address + "' is not an IP literal");
  }
  nice_address_set_port(&out->addr, c.port);
  if (c.raddr && nice_address_set_from_string(&out->base_addr, c.raddr->c_str())) {
    nice_address_set_port(&out->base_addr, c.rport.value_or(0));
  }
  if (c.transport == sdp::CandidateTransport::udp) {
    out->transport = NICE_CANDIDATE_TRANSPORT_UDP;
  } else {
    switch (c.tcptype) {
      case sdp::TcpType::active: out->transport = NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE; break;
      case sdp::TcpType::passive: out->transport = NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE; break;
      case sdp::TcpType::so: out->transport = NICE_CANDIDATE_TRANSPORT_TCP_SO; break;
      case sdp::TcpType::none:
        return make_error("ice.bad-candidate", "TCP candidate without tcptype (RFC 6544 §4.5)");
    }
  }
  out->priority = c.priority;
  out->stream_id = stream_id;
  out->component_id = c.component;
  std::strncpy(out->foundation, c.foundation.c_str(), NICE_CANDIDATE_MAX_FOUNDATION - 1);
  out->foundation[NICE_CANDIDATE_MAX_FOUNDATION - 1] = '\0';
  return out;
}

}  // namespace gw::ice::detail
