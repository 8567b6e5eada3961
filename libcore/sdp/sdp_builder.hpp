// Building blocks shared by the offer/answer builders: session skeleton,
// codec attributes, rejected sections. Internal to libcore/sdp.
// Thread: any (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sdp/codec.hpp"
#include "sdp/session_description.hpp"

namespace gw::sdp::build {

// "IP6" for an address with ':', else "IP4".
std::string addr_type_of(std::string_view address);

Connection connection_for(std::string_view address);

// v=0, o=<user> <id> <version> IN IP4|IP6 <address>, s=-, t=0 0.
SessionDescription skeleton(const std::string& username, const std::string& session_id,
                            std::uint64_t version, const std::string& address);

// The PTs of codecs as m= formats.
std::vector<std::string> formats_of(const std::vector<Codec>& codecs);

// a=rtpmap (+ a=rtcp-fb when with_feedback) + a=fmtp per codec (RFC 8866 §6.6, §6.15).
void add_codec_attributes(Attributes& list, const std::vector<Codec>& codecs, bool with_feedback);

// RFC 3264 §6: a rejected answer section: port 0, same media and proto,
// the first offered format, a=mid kept (RFC 8843 §7.3.3).
MediaDescription rejected_section(const MediaDescription& offered);

}  // namespace gw::sdp::build
