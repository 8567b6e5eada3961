// Counters of the STUN server logic, exportable as JSON.
// Thread: any thread, one instance per thread (plain struct; the tool
// snapshots it on its own loop).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <boost/json/object.hpp>

namespace gw::stun {

// Why a packet got no answer.
enum class DropReason : std::uint8_t {
  truncated,           // shorter than a header
  not_stun,            // top bits set
  bad_cookie,          // no magic cookie (and RFC 3489 answers are off)
  bad_length,          // length field wrong
  attribute_overflow,  // an attribute runs past the end
  bad_fingerprint,     // FINGERPRINT present but wrong
  indication,          // indications get no answer (RFC 8489 §6.3.2)
  not_request,         // success/error responses sent to a server
  rate_limited,        // per-source token bucket empty
  count_
};
std::string_view drop_reason_name(DropReason r);

struct ServerCounters {
  std::uint64_t received = 0;           // datagrams handed to the server
  std::uint64_t bytes_in = 0;
  std::uint64_t requests = 0;           // well-formed Binding-class requests
  std::uint64_t rfc3489_requests = 0;   // of which without the magic cookie
  std::uint64_t responses = 0;          // success + error replies
  std::uint64_t success = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t change_requests = 0;    // answered from another IP and/or port
  std::uint64_t response_port = 0;      // answered to another port
  std::uint64_t padded = 0;             // replies carrying PADDING
  std::uint64_t error_400 = 0;
  std::uint64_t error_420 = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(DropReason::count_)> dropped{};

  void drop(DropReason r) { ++dropped[static_cast<std::size_t>(r)]; }
  [[nodiscard]] std::uint64_t dropped_total() const;
  [[nodiscard]] boost::json::object to_json() const;
};

}  // namespace gw::stun
