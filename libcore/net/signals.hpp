// Signal handling for tools: SIGINT/SIGTERM ask for a clean shutdown, SIGUSR1
// asks for stats, SIGHUP for a reload. Handlers run on the io_context thread
// (through asio::signal_set), never inside the signal handler itself.
// Thread: the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <functional>

namespace gw::net {

class SignalHandlers {
 public:
  struct Callbacks {
    std::function<void(int signo)> on_shutdown;  // SIGINT, SIGTERM
    std::function<void()> on_stats;              // SIGUSR1
    std::function<void()> on_reload;             // SIGHUP
  };

  SignalHandlers(boost::asio::io_context& io, Callbacks callbacks);
  // Once a shutdown signal was seen, SIGINT/SIGTERM stay ignored after this
  // object is gone: asio would restore SIG_DFL, and a duplicate signal (e.g.
  // timeout(1) signals both the child and its process group) would then kill
  // the process in the middle of its clean exit.
  ~SignalHandlers();
  SignalHandlers(const SignalHandlers&) = delete;
  SignalHandlers& operator=(const SignalHandlers&) = delete;
  void cancel();
  // Number of shutdown signals seen; a second one means "now, not gracefully".
  // One that comes within kDuplicateWindow of the previous one's handling is
  // the same signal delivered twice (timeout(1) signals the child and then its
  // process group) and is neither counted nor reported.
  [[nodiscard]] int shutdown_count() const { return shutdowns_; }
  [[nodiscard]] int duplicates_ignored() const { return duplicates_; }
  static constexpr std::chrono::milliseconds kDuplicateWindow{1000};

 private:
  void arm();
  boost::asio::signal_set set_;
  Callbacks callbacks_;
  int shutdowns_ = 0;
  int duplicates_ = 0;
  std::chrono::steady_clock::time_point last_shutdown_{};
};

}  // namespace gw::net
