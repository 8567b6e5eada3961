#include "net/signals.hpp"

#include <csignal>

namespace gw::net {

SignalHandlers::SignalHandlers(boost::asio::io_context& io, Callbacks callbacks)
    : set_(io), callbacks_(std::move(callbacks)) {
  set_.add(SIGINT);
  set_.add(SIGTERM);
  if (callbacks_.on_stats) set_.add(SIGUSR1);
  if (callbacks_.on_reload) set_.add(SIGHUP);
  arm();
}

SignalHandlers::~SignalHandlers() {
  boost::system::error_code ec;
  set_.cancel(ec);
  set_.clear(ec);  // restores SIG_DFL for every signal in the set
  if (shutdowns_ > 0) {
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
  }
}

void SignalHandlers::cancel() {
  boost::system::error_code ec;
  set_.cancel(ec);
}

void SignalHandlers::arm() {
  set_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (signo == SIGUSR1 && callbacks_.on_stats) {
      callbacks_.on_stats();
    } else if (signo == SIGHUP && callbacks_.on_reload) {
      callbacks_.on_reload();
    } else if (shutdowns_ > 0 && std::chrono::steady_clock::now() - last_shutdown_ < kDuplicateWindow) {
      ++duplicates_;
    } else {
      ++shutdowns_;
      if (callbacks_.on_shutdown) callbacks_.on_shutdown(signo);
      last_shutdown_ = std::chrono::steady_clock::now();  // after the handler: it may take a while
    }
    arm();
  });
}

}  // namespace gw::net
