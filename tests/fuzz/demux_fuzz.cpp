// libFuzzer target: the secure-port path of srtp-rtp-bridge. RFC 7983 demux,
// then what each class reaches: SRTP/SRTCP unprotect (libsrtp) with a fixed
// key, DTLS records into a passive endpoint, and SDES / fingerprint parsers
// on the same bytes as text. Nothing may crash or leak.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "dtls/endpoint.hpp"
#include "rtp/demux.hpp"
#include "srtp/sdes.hpp"
#include "srtp/session.hpp"

using namespace gw;

namespace {
struct State {
  srtp::Session gcm = std::move(srtp::Session::create(srtp::Profile::aead_aes_128_gcm, Bytes(28, 1),
                                                      srtp::Direction::inbound).value());
  srtp::Session cm = std::move(srtp::Session::create(srtp::Profile::aes_cm_128_hmac_sha1_80, Bytes(30, 2),
                                                     srtp::Direction::inbound).value());
  std::shared_ptr<const dtls::Certificate> cert =
      std::make_shared<const dtls::Certificate>(std::move(dtls::Certificate::generate().value()));
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static State st;
  ByteView in(data, size);
  Bytes buf(in.begin(), in.end());
  switch (rtp::classify(in)) {
    case rtp::PacketClass::rtp: {
      Bytes b2 = buf;
      (void)st.gcm.unprotect_rtp(buf);
      (void)st.cm.unprotect_rtp(b2);
      break;
    }
    case rtp::PacketClass::rtcp: {
      Bytes b2 = buf;
      (void)st.gcm.unprotect_rtcp(buf);
      (void)st.cm.unprotect_rtcp(b2);
      break;
    }
    case rtp::PacketClass::dtls: {
      dtls::EndpointConfig cfg;
      cfg.role = dtls::Role::passive;
      cfg.certificate = st.cert;
      auto ep = dtls::Endpoint::create(cfg);
      if (ep) {
        TimePoint now{};
        (*ep)->feed(in, now);
        (void)(*ep)->take_outgoing();
        (void)(*ep)->take_events();
      }
      break;
    }
    default: {
      std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
      (void)srtp::CryptoAttribute::parse(text);
      (void)dtls::Fingerprint::parse(text);
      (void)srtp::parse_profile_list(text);
      break;
    }
  }
  return 0;
}
