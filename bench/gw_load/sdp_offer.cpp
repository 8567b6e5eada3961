#include "sdp_offer.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "sdp/candidate.hpp"
#include "sdp/media_view.hpp"
#include "sdp/sdp_builder.hpp"
#include "sdp/session_description.hpp"

namespace gw::load {

namespace {

void random_bytes(void* out, std::size_t n) {
  if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(n)) != 1) std::abort();
}

std::uint8_t static_pt(std::string_view codec) {
  std::string c(codec);
  std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return c == "PCMA" ? 8 : 0;  // RFC 3551 §6
}

}  // namespace

std::string random_ice_string(std::size_t n) {
  static constexpr std::string_view kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s(n, 'x');
  std::vector<std::uint8_t> r(n);
  random_bytes(r.data(), n);
  for (std::size_t i = 0; i < n; ++i) s[i] = kChars[r[i] % kChars.size()];
  return s;
}

std::uint32_t random_u32() {
  std::uint32_t v = 0;
  random_bytes(&v, sizeof v);
  return v;
}

std::uint64_t random_u64() {
  std::uint64_t v = 0;
  random_bytes(&v, sizeof v);
  return v;
}

// What Chromium offers for an audio-only RTCPeerConnection once gathering is
// complete: BUNDLE with mid 0, rtcp-mux (RFC 8035), DTLS actpass (RFC 8842
// §5.2), the default candidate in m=/c= (RFC 8839 §4.2.1.2).
std::string make_offer(const OfferParams& p) {
  std::string ip = p.candidate.ip.to_string();
  auto sd = sdp::build::skeleton("-", std::to_string(random_u64() >> 2), 2, "127.0.0.1");
  sd.attributes = {{"group", "BUNDLE 0"}, {"extmap-allow-mixed"}, {"msid-semantic", " WMS gwload"}};

  sdp::MediaDescription m;
  m.media = "audio";
  m.port = p.candidate.port;
  m.proto = "UDP/TLS/RTP/SAVPF";
  std::uint8_t pt = static_pt(p.codec);
  m.formats = {std::to_string(pt), "126"};
  m.connections = {sdp::build::connection_for(ip)};
  sdp::Candidate c;
  c.foundation = "1";
  c.priority = 2122260223;  // host, local preference 65535 - 1023 as Chromium (RFC 8445 §5.1.2.1)
  c.address = ip;
  c.port = p.candidate.port;
  c.extensions = {{"generation", "0"}};
  std::string cname = random_ice_string(16);
  std::string ssrc = std::to_string(p.ssrc);
  auto& a = m.attributes;
  a.emplace_back("rtcp", "9 IN " + sdp::build::addr_type_of(ip) + " " + ip);
  a.emplace_back("candidate", c.to_value());
  a.emplace_back("end-of-candidates");
  a.emplace_back("ice-ufrag", p.ufrag);
  a.emplace_back("ice-pwd", p.pwd);
  a.emplace_back("ice-options", "trickle");
  a.emplace_back("fingerprint", p.fingerprint.to_string());
  a.emplace_back("setup", "actpass");
  a.emplace_back("mid", "0");
  a.emplace_back("sendrecv");
  a.emplace_back("msid", "gwload track0");
  a.emplace_back("rtcp-mux");
  a.emplace_back("rtpmap", std::to_string(pt) + (pt == 8 ? " PCMA/8000" : " PCMU/8000"));
  a.emplace_back("rtpmap", "126 telephone-event/8000");
  a.emplace_back("ssrc", ssrc + " cname:" + cname);
  a.emplace_back("ssrc", ssrc + " msid:gwload track0");
  sd.media.push_back(std::move(m));
  return sdp::serialize(sd);
}

namespace {

Result<dtls::Role> answer_setup(const sdp::MediaView& audio) {
  // RFC 8842 §5.3: an answer says active or passive; absent means active (RFC 4145 §4).
  if (!audio.setup || *audio.setup == sdp::Setup::active) return dtls::Role::active;
  if (*audio.setup == sdp::Setup::passive) return dtls::Role::passive;
  return make_error("answer.setup", "answer a=setup must be active or passive");
}

std::vector<SocketAddress> udp_candidates(const sdp::MediaView& audio, IpAddress::Family family) {
  std::vector<const sdp::Candidate*> list;
  for (const auto& c : audio.candidates)
    if (c.transport == sdp::CandidateTransport::udp && c.component == 1) list.push_back(&c);
  std::stable_sort(list.begin(), list.end(), [](auto* x, auto* y) { return x->priority > y->priority; });
  std::vector<SocketAddress> out;
  for (const auto* c : list) {
    auto ip = IpAddress::parse(c->address);
    if (ip && ip->family == family) out.push_back(SocketAddress{*ip, c->port});
  }
  return out;
}

}  // namespace

Result<AnswerParams> parse_answer(std::string_view text, IpAddress::Family family) {
  auto sd = sdp::parse(text);
  if (!sd) return sd.error();
  auto view = sdp::make_view(*sd);
  if (!view) return view.error();
  const sdp::MediaView* audio = view->first_active("audio");
  if (audio == nullptr) return make_error("answer.no-audio", "answer has no accepted audio section");
  AnswerParams out;
  out.ice_lite = view->ice_lite;
  out.ufrag = audio->ice_ufrag;
  out.pwd = audio->ice_pwd;
  if (out.ufrag.empty() || out.pwd.empty())
    return make_error("answer.ice", "answer has no ice-ufrag/ice-pwd");
  out.candidates = udp_candidates(*audio, family);
  if (out.candidates.empty())
    return make_error("answer.candidates", "answer has no UDP candidate of our IP family");
  if (!audio->fingerprint) return make_error("answer.fingerprint", "answer has no a=fingerprint");
  out.fingerprint = dtls::Fingerprint{audio->fingerprint->algorithm, audio->fingerprint->bytes};
  auto setup = answer_setup(*audio);
  if (!setup) return setup.error();
  out.setup = *setup;
  for (const auto& c : audio->codecs) {
    if (c.is_telephone_event() || c.is_comfort_noise()) continue;
    out.pt = c.pt;
    out.codec = c.name;
    return out;
  }
  return make_error("answer.codec", "answer has no audio codec");
}

}  // namespace gw::load
