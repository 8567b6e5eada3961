// Human and JSON renderings of stun-probe results. Thread: main thread.
#pragma once

#include <boost/json/object.hpp>
#include <iosfwd>
#include <string>
#include <vector>

#include "net/stun_binding_probe.hpp"

namespace stun_probe {

boost::json::object to_json(const gw::net::BindingResult& r, const std::string& label);
void print_result(std::ostream& out, const gw::net::BindingResult& r, const std::string& label);
std::string ms(gw::Duration d);  // "12.3 ms"

// What several results say together (mapping comparison across servers).
struct Comparison {
  int answered = 0, failed = 0, error_responses = 0;
  bool udp_blocked = false;        // every UDP probe failed, some TCP/TLS answered
  bool inconsistent_ip = false;    // servers saw different public IPs
  bool inconsistent_port = false;  // one UDP socket, different mapped ports
  bool no_nat = false;             // mapped == local on every answer
  bool alg = false;                // MAPPED-ADDRESS rewritten
  bool shared_space = false;       // mapped IP in 100.64.0.0/10 (RFC 6598)
  std::vector<std::string> notes;
  int exit_code = 0;
};
Comparison compare(const std::vector<gw::net::BindingResult>& results);

}  // namespace stun_probe
