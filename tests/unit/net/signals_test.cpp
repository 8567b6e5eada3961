// SignalHandlers: shutdown signals reach the callback on the loop thread, and
// a duplicate SIGTERM after teardown does not kill a process that is exiting.
#include "net/signals.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace {

using gw::net::SignalHandlers;

TEST(SignalHandlers, ShutdownSignalRunsCallbackAndCounts) {
  boost::asio::io_context io;
  int seen = 0;
  SignalHandlers handlers(io, {.on_shutdown = [&](int signo) {
                                 seen = signo;
                                 io.stop();
                               },
                               .on_stats = {},
                               .on_reload = {}});
  std::raise(SIGTERM);
  io.run_for(std::chrono::seconds(2));
  EXPECT_EQ(seen, SIGTERM);
  EXPECT_EQ(handlers.shutdown_count(), 1);
}

TEST(SignalHandlers, DuplicateSigtermAfterTeardownIsIgnored) {
  {
    boost::asio::io_context io;
    SignalHandlers handlers(io, {.on_shutdown = [&](int) { io.stop(); }, .on_stats = {}, .on_reload = {}});
    std::raise(SIGTERM);
    io.run_for(std::chrono::seconds(2));
    ASSERT_EQ(handlers.shutdown_count(), 1);
  }
  std::raise(SIGTERM);  // would end this process if SIG_DFL had been restored
  SUCCEED();
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
}

TEST(SignalHandlers, WithoutShutdownTeardownRestoresDefault) {
  {
    boost::asio::io_context io;
    SignalHandlers handlers(io, {.on_shutdown = {}, .on_stats = {}, .on_reload = {}});
  }
  struct sigaction current {};
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &current), 0);
  EXPECT_EQ(current.sa_handler, SIG_DFL);
}

// timeout(1) sends SIGTERM to its child and then to its process group: the
// child gets it twice at once, which must not read as "second signal: now".
TEST(SignalHandlers, TheSameSignalTwiceAtOnceIsOneRequest) {
  boost::asio::io_context io;
  int calls = 0;
  SignalHandlers handlers(io, {.on_shutdown = [&](int) { ++calls; }, .on_stats = {}, .on_reload = {}});
  std::raise(SIGTERM);
  io.run_for(std::chrono::milliseconds(100));  // handled: a second delivery goes through the handler anew
  std::raise(SIGTERM);
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(handlers.shutdown_count(), 1);
  EXPECT_EQ(handlers.duplicates_ignored(), 1);
  // Later, it is a real second request.
  io.run_for(SignalHandlers::kDuplicateWindow);
  std::raise(SIGTERM);
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(handlers.shutdown_count(), 2);
}

TEST(SignalHandlers, RestoreDefaultsAfterTheDuplicateTest) {  // its teardown left SIGTERM ignored
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  SUCCEED();
}

}  // namespace
