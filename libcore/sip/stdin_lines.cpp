#include "sip/stdin_lines.hpp"

#include <poll.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>

namespace gw::sip {

StdinLines::StdinLines(boost::asio::io_context& io, Handler on_line, int fd)
    : io_(io), on_line_(std::move(on_line)), fd_(fd) {}

StdinLines::~StdinLines() { stop(); }

void StdinLines::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void StdinLines::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void StdinLines::run() {
  std::string pending;
  char buf[4096];
  constexpr std::size_t kMaxLine = 64 * 1024;  // longer lines are dropped
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, 200);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    ssize_t got = ::read(fd_, buf, sizeof buf);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) break;  // end of input
    pending.append(buf, static_cast<std::size_t>(got));
    std::size_t pos;
    while ((pos = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, pos);
      pending.erase(0, pos + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      boost::asio::post(io_, [this, line = std::move(line)]() mutable { on_line_(std::move(line)); });
    }
    if (pending.size() > kMaxLine) pending.clear();
  }
}

}  // namespace gw::sip
