#include "worker.hpp"

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/log.hpp"

namespace gw::load {

namespace {

// The tick runs every 5 ms and serves a quarter of the calls each time, so
// each call still gets one 20 ms packet interval but the calls do not all
// send in the same instant (browsers are not synchronised either).
constexpr std::size_t kPhases = 4;
constexpr Duration kTick = milliseconds(20) / kPhases;
constexpr Duration kFinishTimeout = seconds(15);

std::string failure_for(const HttpReply& r) {
  if (r.status == 0) return "http-error: " + r.error;
  std::string key = "http-" + std::to_string(r.status);
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (!ec && v.is_object()) {
    if (auto* e = v.as_object().if_contains("error"); e && e->is_object())
      if (auto* c = e->as_object().if_contains("code"); c && c->is_string())
        key += " " + std::string(c->as_string());
  }
  return key;
}

}  // namespace

Worker::Worker(WorkerOptions options, std::shared_ptr<const dtls::Certificate> cert, IpAddress bind,
               std::string codec, std::atomic<std::uint32_t>& settled)
    : o_(std::move(options)),
      settled_(settled),
      launch_timer_(io_),
      poll_timer_(io_),
      tick_timer_(io_),
      finish_timer_(io_) {
  ctx_.certificate = std::move(cert);
  ctx_.bind = bind;
  ctx_.codec = std::move(codec);
  ctx_.rtt = &rtt_;
  ctx_.packets_sent = &packets_sent_;
  if (o_.offer_file.empty()) pool_ = std::make_unique<HttpsPool>(io_, o_.host, o_.port, o_.connections);
}

Worker::~Worker() {
  calls_.clear();
  pool_.reset();
}

void Worker::run() {
  next_tick_ = next_launch_ = Clock::now();
  arm_tick();
  launch_next();
  io_.run();
  done_ = true;
}

void Worker::force_stop() {
  io_.stop();
}

void Worker::launch_next() {
  if (finishing_ || launched_ >= o_.count) return;
  launch(o_.first_index + launched_ * o_.step);
  launched_++;
  next_launch_ += std::chrono::duration_cast<Duration>(std::chrono::duration<double>(1.0 / o_.rate));
  launch_timer_.expires_at(next_launch_);
  launch_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) launch_next();
  });
}

void Worker::launch(std::uint32_t index) {
  auto c = Call::create(io_, index, ctx_, *this);
  if (!c) {
    CallRecord r;
    r.failure = "socket: " + c.error().message;
    res_.calls.push_back(r);
    settled_.fetch_add(1);
    return;
  }
  Call& call = *calls_.emplace_back(std::move(c.value()));
  if (!o_.offer_file.empty()) return exchange_files(call);
  std::string body = json::serialize(json::object{{"target", o_.target}, {"sdp", call.offer()}});
  pool_->request(HttpsPool::Method::post, "/api/v1/calls", std::move(body),
                 [this, &call](HttpReply r) { on_post_reply(call, std::move(r)); });
}

void Worker::on_post_reply(Call& call, HttpReply r) {
  if (finishing_) return;
  if (r.status != 201) return call.fail(failure_for(r));
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  const json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
  const json::value* id = o ? o->if_contains("call_id") : nullptr;
  const json::value* sdp = o ? o->if_contains("sdp") : nullptr;
  if (!id || !id->is_string() || !sdp || !sdp->is_string()) return call.fail("bad-201-body");
  call.call_id = std::string(id->as_string());
  call.setup_ms = r.ms;
  call.on_answer(sdp->as_string(), Clock::now());
}

// answer.sh mode: the offer goes to a file, the answer comes back in one.
void Worker::exchange_files(Call& call) {
  std::filesystem::remove(o_.answer_file);
  {
    std::ofstream f(o_.offer_file + ".tmp");
    f << call.offer();
  }
  std::filesystem::rename(o_.offer_file + ".tmp", o_.offer_file);
  GW_LOG(info) << "offer written to " << o_.offer_file << ", waiting for " << o_.answer_file;
  call.setup_ms = 0;
  poll_answer(call, 0);
}

void Worker::poll_answer(Call& call, int tries) {
  if (finishing_) return;
  std::error_code fec;
  if (std::filesystem::file_size(o_.answer_file, fec) > 0 && !fec) {
    std::ifstream f(o_.answer_file);
    std::stringstream text;
    text << f.rdbuf();
    call.on_answer(text.str(), Clock::now());
    return;
  }
  if (tries >= 600) return call.fail("answer-file-timeout");
  call.setup_ms += 100;
  poll_timer_.expires_after(milliseconds(100));
  poll_timer_.async_wait([this, &call, tries](boost::system::error_code ec) {
    if (!ec) poll_answer(call, tries + 1);
  });
}

void Worker::on_settled(Call&) {
  settled_.fetch_add(1);
}

void Worker::arm_tick() {
  next_tick_ += kTick;
  tick_timer_.expires_at(next_tick_);
  tick_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_tick();
  });
}

void Worker::on_tick() {
  if (closed_) return;  // a completion queued before close_all() cancelled the timer
  TimePoint now = Clock::now();
  res_.tick_late_max_ms = std::max(res_.tick_late_max_ms, to_ms(now - next_tick_));
  if (now - next_tick_ > milliseconds(100)) next_tick_ = now;  // overloaded: no catch-up burst
  std::size_t slot = ticks_++ % kPhases;
  for (std::size_t i = slot; i < calls_.size(); i += kPhases) calls_[i]->tick(now, media_on_);
  arm_tick();
}

void Worker::stop_media() {
  boost::asio::post(io_, [this] {
    media_on_ = false;
    for (auto& c : calls_) c->stop_media();
  });
}

void Worker::finish() {
  boost::asio::post(io_, [this] { start_finish(); });
}

// Hang up: DELETE /api/v1/calls/{id} (docs/API.md §6), then DTLS
// close_notify like a browser closing its RTCPeerConnection. In that order:
// the gateway ends a call on close_notify, and a DELETE after it would only
// find it gone (404). With --no-hangup the "browsers" just vanish (no DELETE,
// no close_notify): the gateway must notice by consent loss (RFC 7675).
void Worker::start_finish() {
  finishing_ = true;
  media_on_ = false;
  launch_timer_.cancel();
  poll_timer_.cancel();
  for (auto& c : calls_) {
    if (!o_.hangup || !pool_ || c->call_id.empty()) {
      if (o_.hangup) c->hangup();
      continue;
    }
    deletes_pending_++;
    pool_->request(HttpsPool::Method::del, "/api/v1/calls/" + c->call_id, {},
                   [this, &call = *c](HttpReply r) {
                     if (r.status == 204) {
                       res_.deletes_ok++;
                     } else {
                       res_.delete_errors[failure_for(r)]++;
                     }
                     if (!closed_) call.hangup();
                     delete_done();
                   });
  }
  finish_timer_.expires_after(kFinishTimeout);
  finish_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) close_all();
  });
  if (deletes_pending_ == 0) close_all();
}

void Worker::delete_done() {
  if (deletes_pending_ > 0 && --deletes_pending_ == 0) close_all();
}

void Worker::close_all() {
  if (closed_) return;
  closed_ = true;
  for (auto& c : calls_) {
    CallRecord r;
    r.up = c->was_up();
    r.failure = c->failure();
    if (!r.up && r.failure.empty()) r.failure = "setup-timeout";
    r.setup_ms = c->setup_ms;
    r.srtp_profile = c->srtp_profile;
    r.ice_ms = c->ice_ms();
    r.dtls_ms = c->dtls_ms();
    r.media = c->media();
    if (const auto* ice = c->ice()) r.ice = *ice;
    r.srtp_drops = c->srtp_drops();
    r.peer_gone = c->peer_gone();
    r.consent_lost = c->consent_lost();
    res_.calls.push_back(std::move(r));
    c->close();
  }
  if (pool_) {
    res_.http_connects = pool_->connects();
    pool_->shutdown();
  }
  tick_timer_.cancel();
  finish_timer_.cancel();  // io_.run() returns once the pool's coroutines have ended
}

WorkerResults Worker::results() {
  if (!closed_) close_all();  // force-stopped: take the calls as they are
  res_.rtt = rtt_;
  return std::move(res_);
}

}  // namespace gw::load
