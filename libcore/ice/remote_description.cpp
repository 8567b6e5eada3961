#include "ice/remote_description.hpp"

#include <algorithm>

#include "sdp/media_view.hpp"
#include "sdp/session_description.hpp"

namespace gw::ice {

namespace {

const sdp::MediaView* ice_section(const sdp::SessionView& v) {
  auto bundle = v.bundle();
  if (!bundle.empty()) {
    if (const auto* m = v.find_mid(bundle.front()); m != nullptr && !m->rejected()) return m;
  }
  for (const auto& m : v.media) {
    if (!m.rejected()) return &m;
  }
  return nullptr;
}

}  // namespace

Result<RemoteDescription> remote_from_sdp(std::string_view text) {
  auto sd = sdp::parse(text);
  if (!sd) return sd.error();
  auto view = sdp::make_view(*sd);
  if (!view) return view.error();
  const auto* m = ice_section(*view);
  if (m == nullptr) return make_error("ice.no-section", "the SDP has no media section that is not rejected");
  RemoteDescription r;
  r.credentials = {m->ice_ufrag, m->ice_pwd};
  if (auto st = check_credentials(r.credentials.ufrag, r.credentials.pwd); !st) {
    return make_error(st.error().code, "SDP section " + std::to_string(m->index) + ": " + st.error().message);
  }
  r.trickle = std::find(m->ice_options.begin(), m->ice_options.end(), "trickle") != m->ice_options.end();
  r.end_of_candidates = m->end_of_candidates || !r.trickle;
  r.ice_lite = view->ice_lite;
  r.mid = m->mid;
  r.candidates = m->candidates;
  return r;
}

}  // namespace gw::ice
