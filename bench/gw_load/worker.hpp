// One loop thread of gw_load's call mode: its share of the calls, their
// sockets, one HTTPS pool and one periodic tick that drives every call
// (ICE, DTLS timers, 20 ms media) — no timer per call.
// Thread: run() on the worker's thread; stop_media()/finish() from any
// thread (posted); results() after run() has returned.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "call.hpp"
#include "https_pool.hpp"

namespace gw::load {

struct WorkerOptions {
  std::string host, port, target = "echo";
  std::uint32_t first_index = 0, step = 1, count = 0;  // call indices first, first+step, ...
  double rate = 20;                                    // call set-ups per second (this worker)
  std::size_t connections = 4;
  bool hangup = true;
  std::string offer_file, answer_file;  // answer.sh mode: no HTTP
};

struct CallRecord {
  bool up = false;
  std::string failure, srtp_profile;
  double setup_ms = -1;
  std::optional<double> ice_ms, dtls_ms;
  MediaCounters media;
  IceCounters ice;
  std::uint64_t srtp_drops = 0;
  bool peer_gone = false, consent_lost = false;
};

struct WorkerResults {
  std::vector<CallRecord> calls;
  Histogram rtt;
  std::uint64_t deletes_ok = 0, http_connects = 0;
  std::map<std::string, std::uint64_t> delete_errors;
  double tick_late_max_ms = 0;
};

class Worker : public Call::Listener {
 public:
  Worker(WorkerOptions options, std::shared_ptr<const dtls::Certificate> cert, IpAddress bind,
         std::string codec, std::atomic<std::uint32_t>& settled);
  ~Worker() override;

  void run();
  void stop_media();
  void finish();
  // When finish() did not end run() in time: stop the loop as it is.
  void force_stop();
  [[nodiscard]] bool done() const { return done_; }
  // RTP packets sent so far (any thread).
  [[nodiscard]] std::uint64_t packets_sent() const { return packets_sent_.load(std::memory_order_relaxed); }
  [[nodiscard]] WorkerResults results();

 private:
  void on_settled(Call& call) override;
  void launch_next();
  void launch(std::uint32_t index);
  void exchange_files(Call& call);
  void poll_answer(Call& call, int tries);
  void on_post_reply(Call& call, HttpReply reply);
  void arm_tick();
  void on_tick();
  void start_finish();
  void delete_done();
  void close_all();

  boost::asio::io_context io_;
  WorkerOptions o_;
  CallContext ctx_;
  Histogram rtt_;
  std::atomic<std::uint32_t>& settled_;
  std::unique_ptr<HttpsPool> pool_;
  std::vector<std::unique_ptr<Call>> calls_;
  boost::asio::steady_timer launch_timer_, poll_timer_, tick_timer_, finish_timer_;
  TimePoint next_tick_{}, next_launch_{};
  std::uint64_t ticks_ = 0;
  std::uint32_t launched_ = 0;
  bool media_on_ = true, finishing_ = false, closed_ = false;
  std::size_t deletes_pending_ = 0;
  WorkerResults res_;
  std::atomic<bool> done_{false};
  std::atomic<std::uint64_t> packets_sent_{0};
};

}  // namespace gw::load
