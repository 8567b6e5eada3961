#include "sdp/sdp_builder.hpp"

namespace gw::sdp::build {

std::string addr_type_of(std::string_view address) {
  return address.find(':') != std::string_view::npos ? "IP6" : "IP4";
}

Connection connection_for(std::string_view address) {
  return Connection{"IN", addr_type_of(address), std::string(address)};
}

SessionDescription skeleton(const std::string& username, const std::string& session_id,
                            std::uint64_t version, const std::string& address) {
  SessionDescription sd;
  // Origin defaults are "-", "0" and 127.0.0.1 (RFC 8866 §5.2).
  if (!username.empty()) sd.origin.username = username;
  if (!session_id.empty()) sd.origin.session_id = session_id;
  sd.origin.session_version = version;
  if (!address.empty()) {
    sd.origin.addr_type = addr_type_of(address);
    sd.origin.address = address;
  }
  return sd;
}

std::vector<std::string> formats_of(const std::vector<Codec>& codecs) {
  std::vector<std::string> out;
  out.reserve(codecs.size());
  for (const auto& c : codecs) out.push_back(std::to_string(c.pt));
  return out;
}

namespace {
// "<pt> <text>", built by appending (GCC 12 warns falsely on chained operator+).
std::string with_pt(std::uint8_t pt, const std::string& text) {
  std::string s = std::to_string(pt);
  s += ' ';
  s += text;
  return s;
}
}  // namespace

void add_codec_attributes(Attributes& list, const std::vector<Codec>& codecs, bool with_feedback) {
  for (const auto& c : codecs) {
    list.emplace_back("rtpmap", format_rtpmap(c.rtpmap()));
    if (with_feedback)
      for (const auto& fb : c.rtcp_fb) list.emplace_back("rtcp-fb", with_pt(c.pt, fb));
    if (!c.fmtp.empty()) list.emplace_back("fmtp", with_pt(c.pt, c.fmtp));
  }
}

MediaDescription rejected_section(const MediaDescription& offered) {
  MediaDescription m;
  m.media = offered.media;
  m.port = 0;
  m.proto = offered.proto;
  m.formats = {offered.formats.empty() ? std::string("0") : offered.formats.front()};
  m.connections = {Connection{"IN", "IP4", "0.0.0.0"}};
  if (const Attribute* mid = find_attribute(offered.attributes, "mid")) m.attributes.push_back(*mid);
  return m;
}

}  // namespace gw::sdp::build
