// libFuzzer target for the ICE-lite check responder (ice/lite_check): any
// datagram that decodes as STUN goes through answer_check with fixed
// credentials (remote ufrag checked and not) and check_local_ufrag.
// Invariants: never crash; a drop sends nothing; anything answered is a
// well-formed STUN response to the same transaction with a valid
// FINGERPRINT; only a success nominates; a success is signed with our pwd.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "ice/lite_check.hpp"
#include "stun/attributes.hpp"
#include "stun/integrity.hpp"
#include "stun/message.hpp"

namespace {

using gw::ice::CheckOutcome;

void check(bool ok) {
  if (!ok) std::abort();
}

void verify(const CheckOutcome& out, const gw::stun::Message& request, const gw::Bytes& key) {
  using Kind = CheckOutcome::Kind;
  if (out.kind == Kind::drop) {
    check(out.response.empty() && !out.use_candidate);
    return;
  }
  check(!out.response.empty());
  check(out.kind == Kind::success || !out.use_candidate);
  auto r = gw::stun::decode(out.response);
  check(r.ok());
  check(r->transaction_id == request.transaction_id && r->method == request.method);
  check(gw::stun::check_fingerprint(out.response, *r) == gw::stun::Check::ok);
  if (out.kind == Kind::success) {
    check(r->cls == gw::stun::Class::success);
    check(gw::stun::check_message_integrity(out.response, *r, key) == gw::stun::Check::ok);
    check(gw::stun::get_address(*r, gw::stun::attr::xor_mapped_address).has_value());
    // Only an authenticated request gets here.
    check(request.has(gw::stun::attr::message_integrity) && request.has(gw::stun::attr::username));
  } else {
    check(r->cls == gw::stun::Class::error);
    auto e = gw::stun::get_error_code(*r);
    check(e.has_value());
    int want = out.kind == Kind::bad_request ? 400 : out.kind == Kind::unauthorized ? 401 : 487;
    check(e->code == want);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gw::ByteView packet(data, size);
  auto m = gw::stun::decode(packet);
  if (!m) return 0;
  static const gw::ice::LiteCredentials kCreds{"LFRAG", "localpasswordlocalpassw0rd", "RFRAG"};
  static const gw::ice::LiteCredentials kAnyRemote{"LFRAG", "localpasswordlocalpassw0rd", ""};
  static const gw::Bytes kKey = gw::stun::short_term_key(kCreds.local_pwd);
  static const gw::SocketAddress kFrom{gw::IpAddress::v4(0xC0000201), 5000};

  auto ufrag = gw::ice::check_local_ufrag(*m);
  if (ufrag) check(!ufrag->empty() && ufrag->find(':') == std::string_view::npos);

  verify(gw::ice::answer_check(packet, *m, kCreds, kFrom), *m, kKey);
  verify(gw::ice::answer_check(packet, *m, kAnyRemote, kFrom, ""), *m, kKey);
  return 0;
}
