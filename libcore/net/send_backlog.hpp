// Datagrams a port could not send yet because the receiver's queue was full
// (EAGAIN): a unix datagram socket holds only net.unix.max_dgram_qlen
// datagrams (10 on Debian), so a chained tool that stalls for 10 ms at
// 1000 packets/s would otherwise lose packets. Bounded in datagrams and
// bytes; what does not fit is dropped and counted by the caller.
// Thread: the owning port's io_context thread only.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "util/bytes.hpp"

namespace gw::net {

class SendBacklog {
 public:
  struct Entry {
    std::vector<std::uint8_t> data;
    sockaddr_storage to{};
    socklen_t to_len = 0;
  };

  static constexpr std::size_t kMaxDatagrams = 512;
  static constexpr std::size_t kMaxBytes = 1U << 20;

  // False when full (the datagram is not kept).
  bool push(ByteView data, const sockaddr_storage& to, socklen_t to_len);
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }
  [[nodiscard]] const Entry& front() const { return entries_.front(); }
  void pop();
  void clear();

 private:
  std::deque<Entry> entries_;
  std::size_t bytes_ = 0;
};

// Errors after which a datagram waits in the backlog instead of being lost:
// the receiver's queue (unix) or our send buffer (udp) is full for now.
[[nodiscard]] bool is_send_blocked(int error);

}  // namespace gw::net
