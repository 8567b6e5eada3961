// An OpenSSL BIO that keeps datagram boundaries in memory, for DTLS without
// sockets: each BIO_write becomes one outgoing datagram, each BIO_read
// returns one queued incoming datagram. (OpenSSL 3.0's mem BIO would merge
// them; BIO_s_dgram_mem only arrived in 3.2.)
// Internal to libcore/dtls. Thread: the owning Endpoint's thread.
#pragma once

#include <deque>
#include <vector>

#include <openssl/types.h>

#include "util/bytes.hpp"

namespace gw::dtls::detail {

struct DatagramQueues {
  std::deque<Bytes> in;    // fed by the endpoint, read by OpenSSL
  std::vector<Bytes> out;  // written by OpenSSL, taken by the endpoint
};

// A new BIO reading from and writing to `queues` (not owned; must outlive
// the BIO). Returns nullptr on allocation failure.
BIO* new_datagram_bio(DatagramQueues* queues);

}  // namespace gw::dtls::detail
