#include "dtls/datagram_bio.hpp"

#include <openssl/bio.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace gw::dtls::detail {

namespace {

DatagramQueues* queues_of(BIO* b) { return static_cast<DatagramQueues*>(BIO_get_data(b)); }

// These run inside OpenSSL calls: no exceptions may leave them. Only
// push_back can throw (bad_alloc); it is caught and reported as an error.
int bio_write(BIO* b, const char* data, int len) noexcept {
  auto* q = queues_of(b);
  if (q == nullptr || len < 0) return -1;
  try {
    const auto* p = reinterpret_cast<const std::uint8_t*>(data);  // NOLINT
    q->out.emplace_back(p, p + len);
  } catch (...) {
    return -1;
  }
  return len;
}

int bio_read(BIO* b, char* data, int len) noexcept {
  auto* q = queues_of(b);
  BIO_clear_retry_flags(b);
  if (q == nullptr || len < 0) return -1;
  if (q->in.empty()) {
    BIO_set_retry_read(b);
    return -1;
  }
  const Bytes& d = q->in.front();
  // Datagram semantics: a read too small truncates, the rest is lost.
  auto n = static_cast<int>(std::min<std::size_t>(d.size(), static_cast<std::size_t>(len)));
  std::memcpy(data, d.data(), static_cast<std::size_t>(n));
  q->in.pop_front();
  return n;
}

long bio_ctrl(BIO* b, int cmd, long /*num*/, void* /*ptr*/) noexcept {
  auto* q = queues_of(b);
  switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_PENDING: return (q == nullptr || q->in.empty()) ? 0 : static_cast<long>(q->in.front().size());
    case BIO_CTRL_WPENDING: return 0;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD: return 0;  // the MTU we set is the payload size
    default: return 0;  // QUERY_MTU, SET_NEXT_TIMEOUT, peers...: not applicable here
  }
}

int bio_create(BIO* b) noexcept {
  BIO_set_init(b, 1);
  return 1;
}

int bio_destroy(BIO* b) noexcept {
  BIO_set_data(b, nullptr);
  return 1;
}

BIO_METHOD* method() {
  // Created once, lives for the process (OpenSSL keeps a pointer in each BIO).
  static BIO_METHOD* m = [] {
    BIO_METHOD* bm = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "gw-dtls-datagram");
    if (bm != nullptr) {
      BIO_meth_set_write(bm, bio_write);
      BIO_meth_set_read(bm, bio_read);
      BIO_meth_set_ctrl(bm, bio_ctrl);
      BIO_meth_set_create(bm, bio_create);
      BIO_meth_set_destroy(bm, bio_destroy);
    }
    return bm;
  }();
  return m;
}

}  // namespace

BIO* new_datagram_bio(DatagramQueues* queues) {
  BIO_METHOD* m = method();
  if (m == nullptr) return nullptr;
  BIO* b = BIO_new(m);
  if (b != nullptr) BIO_set_data(b, queues);
  return b;
}

}  // namespace gw::dtls::detail
