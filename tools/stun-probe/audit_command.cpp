// stun-probe --audit SERVER: what an operator should know about a STUN
// server: RFC 5780 support, amplification, SOFTWARE banner, behaviour on
// malformed requests, and the round-trip time distribution.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iostream>

#include "commands.hpp"
#include "output.hpp"
#include "stun/attributes.hpp"
#include "stun/builder.hpp"
#include "stun/integrity.hpp"
#include "targets.hpp"
#include "util/json_output.hpp"

namespace stun_probe {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using udp = asio::ip::udp;

struct Reply {
  bool answered = false;
  gw::Bytes bytes;
  udp::endpoint from;
  gw::Duration rtt{};
};

udp::endpoint to_asio(const gw::SocketAddress& a) {
  return {asio::ip::make_address(a.ip.to_string()), a.port};
}

// Sends one datagram and waits up to `wait` for the first reply.
asio::awaitable<Reply> exchange(udp::socket& socket, const gw::Bytes& request, const udp::endpoint& to,
                                gw::Duration wait) {
  Reply r;
  auto start = gw::Clock::now();
  co_await socket.async_send_to(asio::buffer(request), to, asio::use_awaitable);
  std::array<std::uint8_t, 4096> buf{};
  asio::steady_timer timer(socket.get_executor());
  timer.expires_after(wait);
  auto result = co_await (socket.async_receive_from(asio::buffer(buf), r.from, asio::use_awaitable) ||
                          timer.async_wait(asio::use_awaitable));
  if (result.index() == 0) {
    r.answered = true;
    r.rtt = gw::Clock::now() - start;
    r.bytes.assign(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(std::get<0>(result)));
  }
  co_return r;
}

gw::Bytes binding(bool fingerprint, std::optional<gw::stun::ChangeRequest> change = {}) {
  gw::stun::MessageBuilder b(gw::stun::Method::binding, gw::stun::Class::request, gw::stun::random_transaction_id());
  if (change) b.add_change_request(*change);
  if (fingerprint) b.with_fingerprint();
  return b.build();
}

struct MalformedCase {
  std::string name;
  gw::Bytes bytes;
  std::string expect;  // what a careful server does
};

std::vector<MalformedCase> malformed_cases() {
  std::vector<MalformedCase> out;
  auto good = binding(true);
  out.push_back({"truncated header (10 bytes)", gw::Bytes(good.begin(), good.begin() + 10), "drop"});
  auto bad_len = good;
  gw::store_be16(bad_len.data() + 2, 400);
  out.push_back({"length field past the datagram", bad_len, "drop"});
  auto bad_fp = good;
  bad_fp.back() ^= 0xff;
  out.push_back({"wrong FINGERPRINT", bad_fp, "drop"});
  gw::stun::MessageBuilder unknown(gw::stun::Method::binding, gw::stun::Class::request,
                                   gw::stun::random_transaction_id());
  const std::uint8_t junk[4] = {1, 2, 3, 4};
  unknown.add(0x7F31, gw::ByteView(junk, 4));
  out.push_back({"unknown comprehension-required attribute", unknown.build(), "420"});
  auto indication = binding(false);
  gw::store_be16(indication.data(), gw::stun::message_type(gw::stun::Method::binding, gw::stun::Class::indication));
  out.push_back({"Binding indication", indication, "drop"});
  auto top_bits = good;
  top_bits[0] |= 0xC0;
  out.push_back({"first two bits set (not STUN)", top_bits, "drop"});
  gw::Bytes overflow = binding(false);
  const std::uint8_t attr[4] = {0x80, 0x22, 0x01, 0x00};  // SOFTWARE claiming 256 bytes
  overflow.insert(overflow.end(), attr, attr + 4);
  gw::store_be16(overflow.data() + 2, 4);
  out.push_back({"attribute length past the message", overflow, "drop"});
  return out;
}

std::string outcome(const Reply& r) {
  if (!r.answered) return "drop";
  auto m = gw::stun::decode(r.bytes);
  if (!m) return "garbage";
  if (m->cls == gw::stun::Class::success) return "success";
  if (auto e = gw::stun::get_error_code(*m)) return std::to_string(e->code);
  return "error";
}

struct Audit {
  boost::json::object report;
  std::vector<std::string> warnings;
  int exit = kDirectOk;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

asio::awaitable<void> run(udp::socket& socket, const Target& target, const AuditOptions& options, Audit& a) {
  auto to = to_asio(target.address);
  const gw::Duration wait = std::chrono::milliseconds(1000);
  // 1. Basic Binding: banner, RFC 5780 attributes, amplification.
  auto request = binding(true);
  auto first = co_await exchange(socket, request, to, wait);
  if (!first.answered) first = co_await exchange(socket, request, to, 2 * wait);
  if (!first.answered) {
    a.warnings.push_back("no answer to a Binding request within 3 s");
    a.exit = kUnreachable;
    co_return;
  }
  auto m = gw::stun::decode(first.bytes);
  if (!m) {
    a.warnings.push_back("the answer is not valid STUN: " + m.error().message);
    a.exit = kErrorResponse;
    co_return;
  }
  auto other = gw::stun::get_address(*m, gw::stun::attr::other_address);
  auto software = gw::stun::get_text(*m, gw::stun::attr::software);
  a.report["software"] = software.value_or("");
  a.report["rfc5780"] = other.has_value();
  a.report["response_origin"] = m->has(gw::stun::attr::response_origin);
  a.report["fingerprint_in_reply"] = m->has(gw::stun::attr::fingerprint);
  if (other) a.report["other_address"] = other->to_string();
  double amplification = static_cast<double>(first.bytes.size()) / static_cast<double>(request.size());
  a.report["request_bytes"] = request.size();
  a.report["response_bytes"] = first.bytes.size();
  if (software && !software->empty()) {
    a.warnings.push_back("SOFTWARE banner '" + *software + "' tells attackers the server's version");
  }
  if (!other) a.warnings.push_back("no OTHER-ADDRESS: RFC 5780 NAT discovery is not possible against this server");

  // 2. Smallest request (20 bytes, no attributes): the worst amplification.
  auto bare = binding(false);
  auto bare_reply = co_await exchange(socket, bare, to, wait);
  if (bare_reply.answered) {
    amplification = std::max(amplification, static_cast<double>(bare_reply.bytes.size()) / static_cast<double>(bare.size()));
  }
  a.report["amplification"] = amplification;
  if (amplification > 3.0) {
    a.warnings.push_back("responses are " + std::to_string(amplification).substr(0, 4) +
                         "x the request size: usable for reflection attacks");
  }

  // 3. CHANGE-REQUEST (RFC 5780 §7.2): is it answered from the other address?
  if (other) {
    auto change = co_await exchange(socket, binding(true, gw::stun::ChangeRequest{true, true}), to, wait);
    std::string from = change.answered ? change.from.address().to_string() + ":" + std::to_string(change.from.port()) : "";
    a.report["change_request"] = change.answered ? ("answered from " + from) : "no answer (filtered by a NAT, or unsupported)";
  }

  // 4. Malformed requests.
  boost::json::array malformed;
  for (const auto& c : malformed_cases()) {
    auto r = co_await exchange(socket, c.bytes, to, std::chrono::milliseconds(500));
    auto got = outcome(r);
    boost::json::object row{{"case", c.name}, {"expected", c.expect}, {"got", got}};
    malformed.push_back(row);
    if (got == "success" || got == "garbage") {
      a.warnings.push_back("answers '" + c.name + "' with " + got + ": its parser accepts broken packets");
    }
  }
  a.report["malformed"] = std::move(malformed);

  // 5. RTT distribution: sequential requests, one in flight.
  std::vector<double> rtts;
  int lost = 0;
  for (int i = 0; i < options.samples; ++i) {
    auto r = co_await exchange(socket, binding(true), to, wait);
    if (r.answered) rtts.push_back(gw::to_ms(r.rtt)); else ++lost;
  }
  boost::json::object rtt{{"samples", options.samples}, {"lost", lost}};
  if (!rtts.empty()) {
    rtt["min_ms"] = percentile(rtts, 0);
    rtt["p50_ms"] = percentile(rtts, 0.5);
    rtt["p90_ms"] = percentile(rtts, 0.9);
    rtt["p99_ms"] = percentile(rtts, 0.99);
    rtt["max_ms"] = percentile(rtts, 1);
  }
  if (lost > 0) a.warnings.push_back(std::to_string(lost) + " of " + std::to_string(options.samples) + " requests lost");
  a.report["rtt"] = std::move(rtt);
}

void print_audit(const Target& target, const Audit& a) {
  std::cout << "STUN server audit: " << target.label << " (" << target.address.to_string() << ")\n";
  for (const auto& kv : a.report) {
    if (kv.key() == "malformed" || kv.key() == "rtt") continue;
    std::cout << "  " << kv.key() << ": " << boost::json::serialize(kv.value()) << "\n";
  }
  if (const auto* rtt = a.report.if_contains("rtt")) std::cout << "  rtt: " << boost::json::serialize(*rtt) << "\n";
  if (const auto* mal = a.report.if_contains("malformed")) {
    std::cout << "  malformed requests:\n";
    for (const auto& row : mal->as_array()) {
      const auto& o = row.as_object();
      std::cout << "    " << o.at("case").as_string().c_str() << ": " << o.at("got").as_string().c_str()
                << " (a careful server: " << o.at("expected").as_string().c_str() << ")\n";
    }
  }
  for (const auto& w : a.warnings) std::cout << "warning: " << w << "\n";
}

}  // namespace

int run_audit(const ClientOptions& options, const AuditOptions& audit, const gw::cli::CommonOptions& common) {
  auto targets = resolve_targets(options);
  if (!targets) {
    std::cerr << "stun-probe: " << targets.error().message << "\n";
    return gw::cli::kUsage;
  }
  const auto& target = targets->front();
  if (target.transport != gw::Transport::udp) {
    std::cerr << "stun-probe: --audit runs over UDP\n";
    return gw::cli::kUsage;
  }
  asio::io_context io;
  udp::socket socket(io, udp::endpoint(target.address.ip.is_v4() ? udp::v4() : udp::v6(), 0));
  Audit a;
  asio::co_spawn(io, run(socket, target, audit, a), [&](std::exception_ptr e) {
    if (e) a.warnings.push_back("audit stopped early on a socket error");
  });
  io.run();
  if (common.json) {
    a.report["server"] = target.label;
    boost::json::array w;
    for (const auto& x : a.warnings) w.emplace_back(x);
    a.report["warnings"] = std::move(w);
    a.report["exit_code"] = a.exit;
    gw::emit_json(a.report);
  } else {
    print_audit(target, a);
  }
  return a.exit;
}

}  // namespace stun_probe
