// Reads lines from a file descriptor (stdin) on a small thread of its own and
// hands each one to the io_context thread. poll() with a short timeout lets
// stop() join it promptly; end of input just ends the reader.
// Thread: construct, start and stop on the io_context's thread; `on_line`
// runs on the io_context's thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <thread>

namespace gw::sip {

class StdinLines {
 public:
  using Handler = std::function<void(std::string line)>;
  StdinLines(boost::asio::io_context& io, Handler on_line, int fd = 0);
  ~StdinLines();
  StdinLines(const StdinLines&) = delete;
  StdinLines& operator=(const StdinLines&) = delete;

  void start();
  void stop();

 private:
  void run();
  boost::asio::io_context& io_;
  Handler on_line_;
  int fd_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace gw::sip
