#include "sip/sip_event.hpp"

#include <array>

namespace gw::sip {
namespace {

constexpr std::array<std::string_view, kSipEventKinds> kKindNames = {
    "i_invite", "i_cancel", "i_ack", "i_bye", "i_info", "i_update", "i_refer", "i_notify",
    "i_prack", "i_options", "i_message", "i_state", "i_active", "i_terminated", "i_error",
    "i_outbound",
    "r_register", "r_unregister", "r_invite", "r_cancel", "r_bye", "r_info", "r_update",
    "r_refer", "r_notify", "r_options", "r_message", "r_shutdown", "r_set_params",
    "other"};

constexpr std::array<std::string_view, 11> kStateNames = {
    "init", "authenticating", "calling", "proceeding", "completing", "received",
    "early", "completed", "ready", "terminating", "terminated"};

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(SipEventKind kind) {
  auto i = static_cast<std::size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : "invalid";
}

std::string_view to_string(NuaCallState state) {
  auto i = static_cast<std::size_t>(state);
  return i < kStateNames.size() ? kStateNames[i] : "invalid";
}

bool SipEvent::has_sdp() const {
  if (body.empty()) return false;
  if (content_type.empty()) return body.starts_with("v=0");
  return iequals_prefix(content_type, "application/sdp");
}

}  // namespace gw::sip
