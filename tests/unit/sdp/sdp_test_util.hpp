// Helpers for the SDP unit tests: read captured SDPs from tests/data/sdp.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "sdp/session_description.hpp"

namespace gw::sdp::testing {

inline std::string read_data(const std::string& name) {
  std::ifstream in(std::string(GW_TEST_DATA) + "/sdp/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline SessionDescription parse_file(const std::string& name) {
  auto sd = parse(read_data(name));
  if (!sd) throw std::runtime_error(name + ": " + sd.error().message);
  return std::move(sd).value();
}

inline constexpr const char* kChromeAudio = "chromium156-offer-audio.sdp";
inline constexpr const char* kChromeAudioVideo = "chromium156-offer-audio-video.sdp";
inline constexpr const char* kSippOffer = "sipp3.6-uac-offer.sdp";

}  // namespace gw::sdp::testing
