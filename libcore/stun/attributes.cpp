#include "stun/attributes.hpp"

#include <cstdio>
#include <cstring>

namespace gw::stun {

namespace {

Error bad(std::string_view what) {
  return make_error("stun.bad-attribute", std::string(what));
}

constexpr std::uint8_t kFamilyV4 = 0x01;
constexpr std::uint8_t kFamilyV6 = 0x02;

// XOR pad for XOR-MAPPED-ADDRESS: cookie followed by the transaction id.
std::array<std::uint8_t, 16> xor_pad(const TransactionId& tid) {
  std::array<std::uint8_t, 16> pad{};
  store_be32(pad.data(), kMagicCookie);
  std::memcpy(pad.data() + 4, tid.data(), tid.size());
  return pad;
}

}  // namespace

Result<SocketAddress> decode_address(ByteView v) {
  if (v.size() < 4) return bad("address attribute too short");
  SocketAddress a;
  a.port = load_be16(v.data() + 2);
  if (v[1] == kFamilyV4 && v.size() == 8) {
    a.ip = IpAddress::v4(load_be32(v.data() + 4));
  } else if (v[1] == kFamilyV6 && v.size() == 20) {
    std::array<std::uint8_t, 16> b{};
    std::memcpy(b.data(), v.data() + 4, 16);
    a.ip = IpAddress::v6(b);
  } else {
    return bad("address attribute has a bad family or length");
  }
  return a;
}

Bytes encode_address(const SocketAddress& address) {
  Bytes out;
  out.reserve(20);  // one allocation: this runs for every server reply
  ByteWriter w(out);
  w.u8(0);
  w.u8(address.ip.is_v4() ? kFamilyV4 : kFamilyV6);
  w.u16(address.port);
  w.raw(ByteView(address.ip.bytes.data(), address.ip.size()));
  return out;
}

Result<SocketAddress> decode_xor_address(ByteView v, const TransactionId& tid) {
  auto plain = decode_address(v);
  if (!plain) return plain.error();
  const auto pad = xor_pad(tid);
  SocketAddress a = *plain;
  a.port ^= static_cast<std::uint16_t>(kMagicCookie >> 16);
  for (std::size_t i = 0; i < a.ip.size(); ++i) a.ip.bytes[i] ^= pad[i];
  return a;
}

Bytes encode_xor_address(const SocketAddress& address, const TransactionId& tid) {
  SocketAddress x = address;
  const auto pad = xor_pad(tid);
  x.port ^= static_cast<std::uint16_t>(kMagicCookie >> 16);
  for (std::size_t i = 0; i < x.ip.size(); ++i) x.ip.bytes[i] ^= pad[i];
  return encode_address(x);
}

Result<ErrorCode> decode_error_code(ByteView v) {
  if (v.size() < 4) return bad("ERROR-CODE too short");
  const int cls = v[2] & 0x07;
  const int number = v[3];
  if (cls < 3 || cls > 6 || number > 99) return bad("ERROR-CODE out of range");
  return ErrorCode{cls * 100 + number, std::string(as_string(v.subspan(4)))};
}

Bytes encode_error_code(const ErrorCode& error) {
  Bytes out;
  ByteWriter w(out);
  w.u16(0);
  w.u8(static_cast<std::uint8_t>(error.code / 100));
  w.u8(static_cast<std::uint8_t>(error.code % 100));
  const auto reason = error.reason.empty() ? default_reason(error.code) : error.reason;
  w.raw(as_bytes(reason.substr(0, 763)));  // RFC 8489 §14.8: < 128 chars, 763 bytes
  return out;
}

std::string_view default_reason(int code) {
  switch (code) {
    case 300: return "Try Alternate";
    case 400: return "Bad Request";
    case 401: return "Unauthenticated";
    case 403: return "Forbidden";
    case 420: return "Unknown Attribute";
    case 438: return "Stale Nonce";
    case 500: return "Server Error";
    default: return "Error";
  }
}

Result<std::vector<std::uint16_t>> decode_unknown_attributes(ByteView v) {
  if (v.size() % 2 != 0) return bad("UNKNOWN-ATTRIBUTES has an odd length");
  std::vector<std::uint16_t> types;
  for (std::size_t i = 0; i + 1 < v.size(); i += 2) types.push_back(load_be16(v.data() + i));
  return types;
}

Bytes encode_unknown_attributes(std::span<const std::uint16_t> types) {
  Bytes out;
  ByteWriter w(out);
  for (auto t : types) w.u16(t);
  return out;
}

Result<ChangeRequest> decode_change_request(ByteView v) {
  if (v.size() != 4) return bad("CHANGE-REQUEST must be 4 bytes");
  const auto flags = load_be32(v.data());
  return ChangeRequest{(flags & 0x4) != 0, (flags & 0x2) != 0};  // RFC 5780 §7.2 A and B
}

Bytes encode_change_request(ChangeRequest request) {
  Bytes out;
  ByteWriter(out).u32((request.change_ip ? 0x4U : 0U) | (request.change_port ? 0x2U : 0U));
  return out;
}

Result<std::uint16_t> decode_response_port(ByteView v) {
  if (v.size() != 4) return bad("RESPONSE-PORT must be 4 bytes");
  return load_be16(v.data());
}

Bytes encode_response_port(std::uint16_t port) {
  Bytes out;
  ByteWriter w(out);
  w.u16(port);
  w.u16(0);
  return out;
}

Result<std::uint32_t> decode_u32(ByteView v) {
  if (v.size() != 4) return bad("expected a 4-byte value");
  return load_be32(v.data());
}

Bytes encode_u32(std::uint32_t v) {
  Bytes out;
  ByteWriter(out).u32(v);
  return out;
}

Result<std::uint64_t> decode_u64(ByteView v) {
  if (v.size() != 8) return bad("expected an 8-byte value");
  return (std::uint64_t{load_be32(v.data())} << 32) | load_be32(v.data() + 4);
}

Bytes encode_u64(std::uint64_t v) {
  Bytes out;
  ByteWriter w(out);
  w.u32(static_cast<std::uint32_t>(v >> 32));
  w.u32(static_cast<std::uint32_t>(v));
  return out;
}

namespace {

// One algorithm entry: id, params length, params, padding (RFC 8489 §14.11).
Result<std::size_t> read_algorithm(ByteView v, std::size_t pos, PasswordAlgorithm& out) {
  if (v.size() - pos < 4) return bad("PASSWORD-ALGORITHM entry too short");
  out.id = load_be16(v.data() + pos);
  const std::size_t len = load_be16(v.data() + pos + 2);
  const std::size_t padded = (len + 3) & ~std::size_t{3};
  if (v.size() - pos - 4 < len) return bad("PASSWORD-ALGORITHM parameters too long");
  out.parameters.assign(v.begin() + static_cast<std::ptrdiff_t>(pos + 4),
                        v.begin() + static_cast<std::ptrdiff_t>(pos + 4 + len));
  return std::min(v.size(), pos + 4 + padded);
}

void write_algorithm(ByteWriter& w, const PasswordAlgorithm& alg) {
  w.u16(alg.id);
  w.u16(static_cast<std::uint16_t>(alg.parameters.size()));
  w.raw(alg.parameters);
  w.zeros((4 - alg.parameters.size() % 4) % 4);
}

}  // namespace

Result<PasswordAlgorithm> decode_password_algorithm(ByteView v) {
  PasswordAlgorithm alg;
  auto end = read_algorithm(v, 0, alg);
  if (!end) return end.error();
  return alg;
}

Bytes encode_password_algorithm(const PasswordAlgorithm& alg) {
  Bytes out;
  ByteWriter w(out);
  write_algorithm(w, alg);
  return out;
}

Result<std::vector<PasswordAlgorithm>> decode_password_algorithms(ByteView v) {
  std::vector<PasswordAlgorithm> algs;
  std::size_t pos = 0;
  while (pos < v.size()) {
    PasswordAlgorithm alg;
    auto next = read_algorithm(v, pos, alg);
    if (!next) return next.error();
    algs.push_back(std::move(alg));
    pos = *next;
  }
  return algs;
}

Bytes encode_password_algorithms(std::span<const PasswordAlgorithm> algs) {
  Bytes out;
  ByteWriter w(out);
  for (const auto& a : algs) write_algorithm(w, a);
  return out;
}

namespace {

template <class T, class F>
std::optional<T> get_with(const Message& m, std::uint16_t type, F decoder) {
  const auto* a = m.find(type);
  if (a == nullptr) return std::nullopt;
  auto r = decoder(ByteView(a->value));
  if (!r) return std::nullopt;
  return std::move(r).value();
}

}  // namespace

std::optional<SocketAddress> get_address(const Message& m, std::uint16_t type) {
  if (type == attr::xor_mapped_address) {
    return get_with<SocketAddress>(
        m, type, [&](ByteView v) { return decode_xor_address(v, m.transaction_id); });
  }
  return get_with<SocketAddress>(m, type, decode_address);
}

std::optional<std::string> get_text(const Message& m, std::uint16_t type) {
  const auto* a = m.find(type);
  if (a == nullptr) return std::nullopt;
  return std::string(as_string(a->value));
}

std::optional<ErrorCode> get_error_code(const Message& m) {
  return get_with<ErrorCode>(m, attr::error_code, decode_error_code);
}
std::optional<std::vector<std::uint16_t>> get_unknown_attributes(const Message& m) {
  return get_with<std::vector<std::uint16_t>>(m, attr::unknown_attributes,
                                              decode_unknown_attributes);
}
std::optional<ChangeRequest> get_change_request(const Message& m) {
  return get_with<ChangeRequest>(m, attr::change_request, decode_change_request);
}
std::optional<std::uint16_t> get_response_port(const Message& m) {
  return get_with<std::uint16_t>(m, attr::response_port, decode_response_port);
}
std::optional<std::uint32_t> get_priority(const Message& m) {
  return get_with<std::uint32_t>(m, attr::priority, decode_u32);
}
std::optional<std::uint64_t> get_u64(const Message& m, std::uint16_t type) {
  return get_with<std::uint64_t>(m, type, decode_u64);
}
std::optional<std::vector<PasswordAlgorithm>> get_password_algorithms(const Message& m) {
  return get_with<std::vector<PasswordAlgorithm>>(m, attr::password_algorithms,
                                                  decode_password_algorithms);
}
std::optional<PasswordAlgorithm> get_password_algorithm(const Message& m) {
  return get_with<PasswordAlgorithm>(m, attr::password_algorithm, decode_password_algorithm);
}

std::string attribute_name(std::uint16_t type) {
  switch (type) {
    case attr::mapped_address: return "MAPPED-ADDRESS";
    case attr::response_address: return "RESPONSE-ADDRESS";
    case attr::change_request: return "CHANGE-REQUEST";
    case attr::source_address: return "SOURCE-ADDRESS";
    case attr::changed_address: return "CHANGED-ADDRESS";
    case attr::username: return "USERNAME";
    case attr::message_integrity: return "MESSAGE-INTEGRITY";
    case attr::error_code: return "ERROR-CODE";
    case attr::unknown_attributes: return "UNKNOWN-ATTRIBUTES";
    case attr::realm: return "REALM";
    case attr::nonce: return "NONCE";
    case attr::message_integrity_sha256: return "MESSAGE-INTEGRITY-SHA256";
    case attr::password_algorithm: return "PASSWORD-ALGORITHM";
    case attr::userhash: return "USERHASH";
    case attr::xor_mapped_address: return "XOR-MAPPED-ADDRESS";
    case attr::priority: return "PRIORITY";
    case attr::use_candidate: return "USE-CANDIDATE";
    case attr::padding: return "PADDING";
    case attr::response_port: return "RESPONSE-PORT";
    case attr::password_algorithms: return "PASSWORD-ALGORITHMS";
    case attr::alternate_domain: return "ALTERNATE-DOMAIN";
    case attr::software: return "SOFTWARE";
    case attr::alternate_server: return "ALTERNATE-SERVER";
    case attr::fingerprint: return "FINGERPRINT";
    case attr::ice_controlled: return "ICE-CONTROLLED";
    case attr::ice_controlling: return "ICE-CONTROLLING";
    case attr::response_origin: return "RESPONSE-ORIGIN";
    case attr::other_address: return "OTHER-ADDRESS";
    default: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%04X", type);
      return buf;
    }
  }
}

}  // namespace gw::stun
