// Syntax checks for the values of the browser protocol (docs/API.md):
// directory numbers, call ids, DTMF digits, call targets, SDP blobs.
// Thread: any (pure functions).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/api_message.hpp"
#include "util/result.hpp"

namespace gw::gateway {

// DN: 1..64 characters; first a letter, digit or '+', then letters, digits,
// '.', '_', '-'. The built-in target names "echo" and "tone" are reserved.
Status check_dn(std::string_view dn);

// Call id as the gateway hands it out: 1..64 of [A-Za-z0-9_-].
Status check_call_id(std::string_view id);

// DTMF digits: 1..32 of 0-9 * # A-D; a-d are accepted and upper-cased.
Result<std::string> normalize_digits(std::string_view digits);

// "echo" | "tone" | a DN | "sip:"/"sips:" URI (<= 256 printable characters,
// no spaces, quotes or angle brackets, something after the scheme).
Result<Target> parse_target(std::string_view text);

// An SDP blob: non-empty, <= max_bytes, starts with "v=0", no NUL.
Status check_sdp(std::string_view sdp, std::size_t max_bytes);

}  // namespace gw::gateway
