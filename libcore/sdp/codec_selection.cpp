#include "sdp/codec_selection.hpp"

#include <algorithm>

namespace gw::sdp {
namespace {

bool is_media_codec(const Codec& c) {
  return !c.name.empty() && !c.is_telephone_event() && !c.is_comfort_noise() && !c.is_auxiliary();
}

bool wants(const std::vector<Codec>& prefs, bool (Codec::*kind)() const) {
  return std::any_of(prefs.begin(), prefs.end(), [&](const Codec& c) { return (c.*kind)(); });
}

// Adds the offered codecs of one kind (telephone-event or CN) at the clocks
// of the chosen media codecs, one per clock.
void add_companions(const std::vector<Codec>& offered, std::vector<Codec>& chosen,
                    bool (Codec::*kind)() const) {
  std::vector<std::uint32_t> clocks;
  for (const auto& c : chosen)
    if (is_media_codec(c) && std::find(clocks.begin(), clocks.end(), c.clock) == clocks.end())
      clocks.push_back(c.clock);
  std::vector<Codec> extra;
  for (std::uint32_t clock : clocks)
    for (const auto& o : offered)
      if ((o.*kind)() && o.clock == clock) {
        extra.push_back(o);
        break;
      }
  chosen.insert(chosen.end(), extra.begin(), extra.end());
}

}  // namespace

Result<std::vector<Codec>> select_codecs(const std::vector<Codec>& offered,
                                         const std::vector<Codec>& preferences,
                                         bool single) {
  std::vector<Codec> chosen;
  for (const auto& pref : preferences) {
    if (!is_media_codec(pref)) continue;
    for (const auto& o : offered)
      if (o.same_format(pref)) {
        chosen.push_back(o);
        break;
      }
    if (single && !chosen.empty()) break;
  }
  if (chosen.empty()) {
    std::vector<Codec> offered_media, ours;
    std::copy_if(offered.begin(), offered.end(), std::back_inserter(offered_media), is_media_codec);
    std::copy_if(preferences.begin(), preferences.end(), std::back_inserter(ours), is_media_codec);
    return make_error("sdp.no-common-codec",
                      "no common codec: the offer has " + describe_codecs(offered_media) +
                          "; we accept " + describe_codecs(ours));
  }
  if (wants(preferences, &Codec::is_telephone_event))
    add_companions(offered, chosen, &Codec::is_telephone_event);
  if (wants(preferences, &Codec::is_comfort_noise))
    add_companions(offered, chosen, &Codec::is_comfort_noise);
  return chosen;
}

std::string describe_codecs(const std::vector<Codec>& codecs) {
  if (codecs.empty()) return "none";
  std::string s;
  for (const auto& c : codecs) {
    if (!s.empty()) s += ", ";
    s += c.encoding();
  }
  return s;
}

}  // namespace gw::sdp
