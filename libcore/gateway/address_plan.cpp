#include "gateway/address_plan.hpp"

#include <algorithm>

#include "net/datagram_port.hpp"
#include "net/stun_binding_probe.hpp"

namespace gw::gateway {

bool PlanReport::ok() const {
  return std::all_of(findings.begin(), findings.end(), [](const PlanFinding& f) { return f.ok; });
}

std::optional<std::pair<std::string, std::uint16_t>> parse_stun_url(std::string_view url) {
  if (url.rfind("stun:", 0) != 0) return std::nullopt;  // stuns: (TLS) is not probed
  return parse_ice_url_host(url.substr(5));
}

std::optional<std::pair<std::string, std::uint16_t>> parse_turn_udp_url(std::string_view url) {
  if (url.rfind("turn:", 0) != 0) return std::nullopt;  // turns: is TLS
  // RFC 7065 §3.1: the transport defaults to UDP.
  if (auto q = url.find("?transport="); q != std::string_view::npos && url.substr(q + 11) != "udp") return std::nullopt;
  return parse_ice_url_host(url.substr(5));
}

std::optional<std::pair<std::string, std::uint16_t>> parse_ice_url_host(std::string_view rest) {
  if (auto q = rest.find('?'); q != std::string_view::npos) rest = rest.substr(0, q);
  std::string host;
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = std::string(rest.substr(1, close - 1));
    if (close + 1 < rest.size() && rest[close + 1] == ':') port_text = rest.substr(close + 2);
  } else {
    auto colon = rest.rfind(':');
    host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  unsigned port = 3478;
  if (!port_text.empty()) {
    port = 0;
    for (char ch : port_text) {
      if (ch < '0' || ch > '9' || port > 65535) return std::nullopt;
      port = port * 10 + static_cast<unsigned>(ch - '0');
    }
    if (port == 0 || port > 65535) return std::nullopt;
  }
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

std::vector<PlanFinding> check_static_plan(const AddressPlan& plan) {
  std::vector<PlanFinding> out;
  for (const auto& a : plan.public_advertised) {
    if (a.is_loopback()) {
      out.push_back({false, "the public side advertises " + a.to_string() +
                                ", a loopback address: only a browser on this host can reach it"});
    }
  }
  if (plan.private_bind && plan.private_bind->is_unspecified()) {
    out.push_back({false, "SIP and RTP listen on every interface, the public one too (--private-bind " +
                              plan.private_bind->to_string() + "): give --private-bind the enterprise address"});
  }
  if (!plan.private_advertised.empty()) {
    auto priv = IpAddress::parse(plan.private_advertised);
    if (priv && std::find(plan.public_advertised.begin(), plan.public_advertised.end(), *priv) !=
                    plan.public_advertised.end()) {
      out.push_back({true, "the private side advertises the public address " + plan.private_advertised +
                               ": fine on one interface, but a DMZ gateway usually has two"});
    }
    if (priv && priv->is_unspecified()) {
      out.push_back({false, "the private side advertises " + plan.private_advertised +
                                ": SIP peers cannot send to it; give --private-advertise"});
    }
  }
  return out;
}

namespace {

struct PlanCheck {
  std::unique_ptr<net::BindingProbe> probe;
};

void compare(const AddressPlan& plan, PlanReport& report) {
  const SocketAddress& seen = *report.reflexive;
  bool advertised = std::find(plan.public_advertised.begin(), plan.public_advertised.end(), seen.ip) !=
                    plan.public_advertised.end();
  if (advertised) {
    report.findings.push_back({true, "STUN server " + report.stun_server + " sees the gateway as " +
                                         seen.ip.to_string() + ", an advertised address"});
  } else {
    std::string list;
    for (const auto& a : plan.public_advertised) list += (list.empty() ? "" : ", ") + a.to_string();
    report.findings.push_back(
        {false, "STUN server " + report.stun_server + " sees the gateway as " + seen.ip.to_string() +
                    " but ICE candidates advertise " + (list.empty() ? "nothing" : list) +
                    ": browsers behind other NATs may get no audio; set --public-advertise " + seen.ip.to_string()});
  }
}

}  // namespace

std::shared_ptr<void> check_address_plan(boost::asio::io_context& io, const AddressPlan& plan,
                                         std::function<void(const PlanReport&)> done) {
  auto report = std::make_shared<PlanReport>();
  report->findings = check_static_plan(plan);
  std::optional<std::pair<std::string, std::uint16_t>> stun;
  for (const auto& u : plan.stun_urls) {
    if ((stun = parse_stun_url(u))) break;
  }
  auto state = std::make_shared<PlanCheck>();
  auto finish = [report, done] { done(*report); };
  if (!stun) {
    finish();
    return state;
  }
  auto ip = net::resolve_host(stun->first, plan.public_bind.family);
  report->stun_server = stun->first + ":" + std::to_string(stun->second);
  if (!ip) {
    report->findings.push_back({false, "cannot resolve STUN server " + stun->first + " to check the public address"});
    finish();
    return state;
  }
  net::ChannelOptions channel;
  channel.remote = {*ip, stun->second};
  channel.local = SocketAddress{plan.public_bind, 0};
  stun::TransactionConfig tc;
  tc.rto = milliseconds(250);
  tc.max_requests = 4;
  tc.overall_timeout = seconds(2);
  PlanCheck* raw = state.get();
  raw->probe = std::make_unique<net::BindingProbe>(
      io, channel, stun::RequestSpec{}, tc, [report, plan, finish](const net::BindingResult& r) {
        if (r.ok && r.xor_mapped) {
          report->reflexive = *r.xor_mapped;
          compare(plan, *report);
        } else {
          report->findings.push_back({false, "STUN server " + report->stun_server + " did not answer (" +
                                                 (r.detail.empty() ? r.failure : r.detail) +
                                                 "): the public address is unchecked"});
        }
        finish();
      });
  raw->probe->start();
  return state;
}

}  // namespace gw::gateway
