#include "net/port_poller.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "util/log.hpp"

namespace gw::net {
namespace {

constexpr std::size_t kEventsPerWake = 128;
constexpr std::size_t kMaxPendingSends = 256;  // then flushed early, still in the wake-up

PortPoller::Token make_token(std::uint32_t index, std::uint32_t generation) {
  return (static_cast<std::uint64_t>(generation) << 32) | index;
}

}  // namespace

boost::asio::execution_context::id PortPoller::id;

PortPoller::PortPoller(boost::asio::io_context& io)
    : boost::asio::execution_context::service(io), watch_(io), epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) {
    GW_LOG(error) << "epoll_create1: " << std::strerror(errno);
    return;
  }
  boost::system::error_code ec;
  watch_.assign(epoll_fd_, ec);  // the descriptor owns the epoll fd from here
  if (ec) {
    GW_LOG(error) << "port poller: " << ec.message();
    ::close(epoll_fd_);
    epoll_fd_ = -1;
  }
}

PortPoller::~PortPoller() { shutdown(); }

void PortPoller::shutdown() {
  if (epoll_fd_ < 0) return;
  boost::system::error_code ec;
  watch_.cancel(ec);
  watch_.close(ec);
  epoll_fd_ = -1;
  slots_.clear();
  free_.clear();
  live_ = 0;
}

PortPoller::Token PortPoller::add(int fd, ReadyFn on_ready, void* context, SendFn send) {
  if (epoll_fd_ < 0) return 0;
  std::uint32_t index = 0;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  Token token = make_token(index, slot.generation);
  epoll_event ev{};
  ev.events = EPOLLIN;  // level triggered: see the header
  ev.data.u64 = token;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    GW_LOG(error) << "epoll_ctl add fd " << fd << ": " << std::strerror(errno);
    free_.push_back(index);
    return 0;
  }
  slot.fd = fd;
  slot.on_ready = on_ready;
  slot.send = send;
  slot.context = context;
  ++live_;
  if (!armed_) arm();
  return token;
}

const PortPoller::Slot* PortPoller::slot_of(Token token) const {
  auto index = static_cast<std::uint32_t>(token & 0xffffffffU);
  if (token == 0 || index >= slots_.size() || slots_[index].generation != static_cast<std::uint32_t>(token >> 32)) {
    return nullptr;
  }
  return &slots_[index];
}

void PortPoller::remove(Token token) {
  if (slot_of(token) == nullptr) return;
  auto index = static_cast<std::uint32_t>(token & 0xffffffffU);
  Slot& slot = slots_[index];
  if (epoll_fd_ >= 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, slot.fd, nullptr);
  slot.fd = -1;
  slot.on_ready = nullptr;
  slot.send = nullptr;
  slot.context = nullptr;
  if (++slot.generation == 0) slot.generation = 1;  // token 0 stays "none"
  free_.push_back(index);
  // No port left: the wait must not keep io_context::run() from returning.
  if (--live_ == 0 && armed_) {
    boost::system::error_code ec;
    watch_.cancel(ec);
  }
}

void PortPoller::arm() {
  armed_ = true;
  watch_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](const boost::system::error_code& ec) {
    armed_ = false;
    if (epoll_fd_ < 0) return;  // shut down
    if (ec && ec != boost::asio::error::operation_aborted) {
      GW_LOG(error) << "port poller: " << ec.message();
      return;
    }
    if (!ec) dispatch();
    // Cancelled when the last port went; a port added since needs the wait again.
    if (live_ > 0 && !armed_) arm();
  });
}

// One epoll_wait per wake-up; ports still readable after it are reported
// again once the reactor has run the other ready work (timers, posts).
void PortPoller::dispatch() {
  ++wakeups_;
  std::array<epoll_event, kEventsPerWake> events{};
  int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 0);
  dispatching_ = true;
  for (int i = 0; i < n; ++i) {
    // A handler may have closed this port (or closed and reused the slot) earlier in the batch.
    const Slot* slot = slot_of(events[static_cast<std::size_t>(i)].data.u64);
    if (slot != nullptr && slot->on_ready != nullptr) slot->on_ready(slot->context);
  }
  dispatching_ = false;
  flush_sends();
}

void PortPoller::defer_send(Token owner, ByteView data, const sockaddr_storage& to, socklen_t to_len) {
  if (pending_.size() >= kMaxPendingSends) flush_sends();
  PendingSend& p = pending_.emplace_back();
  p.owner = owner;
  p.offset = pending_bytes_.size();
  p.size = data.size();
  p.to = to;
  p.to_len = to_len;
  pending_bytes_.insert(pending_bytes_.end(), data.begin(), data.end());
}

void PortPoller::flush_sends() {
  for (const PendingSend& p : pending_) {
    const Slot* slot = slot_of(p.owner);
    // Closed since: its fd may be another socket's now.
    if (slot == nullptr || slot->send == nullptr) continue;
    slot->send(slot->context, ByteView(pending_bytes_.data() + p.offset, p.size), p.to, p.to_len);
  }
  pending_.clear();
  pending_bytes_.clear();
}

}  // namespace gw::net
