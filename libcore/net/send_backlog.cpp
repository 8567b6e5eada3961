#include "net/send_backlog.hpp"

#include <cerrno>

namespace gw::net {

bool SendBacklog::push(ByteView data, const sockaddr_storage& to, socklen_t to_len) {
  if (entries_.size() >= kMaxDatagrams || bytes_ + data.size() > kMaxBytes) return false;
  Entry& e = entries_.emplace_back();
  e.data.assign(data.begin(), data.end());
  e.to = to;
  e.to_len = to_len;
  bytes_ += data.size();
  return true;
}

void SendBacklog::pop() {
  bytes_ -= entries_.front().data.size();
  entries_.pop_front();
}

void SendBacklog::clear() {
  entries_.clear();
  bytes_ = 0;
}

bool is_send_blocked(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS; }

}  // namespace gw::net
