#include "net/stun_binding_probe.hpp"

#include <boost/asio/post.hpp>

#include "util/log.hpp"

namespace gw::net {

BindingProbe::BindingProbe(boost::asio::io_context& io, ChannelOptions channel,
                           stun::RequestSpec request, stun::TransactionConfig config, Done done)
    : io_(io),
      transaction_(std::move(request), [&] {
        config.reliable = channel.transport != Transport::udp;
        return config;
      }()),
      timer_(io),
      connect_timer_(io),
      done_(std::move(done)) {
  result_.transport = channel.transport;
  result_.server = channel.remote;
  channel.frame = [](ByteView data) -> std::optional<std::size_t> {
    if (data.size() < 4) return std::size_t{0};
    return stun::stream_message_size(data);
  };
  channel_ = MessageChannel::create(io, std::move(channel));
}

BindingProbe::BindingProbe(boost::asio::io_context& io, std::shared_ptr<MessageChannel> shared,
                           SocketAddress server, stun::RequestSpec request, stun::TransactionConfig config,
                           Done done)
    : io_(io),
      channel_(std::move(shared)),
      shared_(true),
      transaction_(std::move(request), config),
      timer_(io),
      connect_timer_(io),
      done_(std::move(done)) {
  result_.transport = Transport::udp;
  result_.server = server;
}

BindingProbe::~BindingProbe() { cancel(); }

void BindingProbe::start() {
  if (shared_) return on_ready();
  // Connecting counts against the same overall time as the transaction.
  connect_timer_.expires_after(milliseconds(39500));
  connect_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_ || transaction_.state() != stun::ClientTransaction::State::idle) return;
    result_.failure = "timeout";
    result_.detail = "no connection to " + result_.server.to_string() + " within 39.5 s";
    finish();
  });
  channel_->start([this] { on_ready(); },
                  [this](ByteView data, const SocketAddress& from) { on_message(data, from); },
                  [this](const Error& e) { on_channel_error(e); });
}

void BindingProbe::cancel() {
  finished_ = true;
  timer_.cancel();
  connect_timer_.cancel();
  if (channel_ && !shared_) channel_->close();
}

void BindingProbe::on_ready() {
  if (finished_) return;
  connect_timer_.cancel();
  result_.local = channel_->local_address();
  auto request = transaction_.start(Clock::now());
  result_.request_bytes = request.size();
  send(request);
  arm_timer();
}

void BindingProbe::arm_timer() {
  auto deadline = transaction_.next_deadline();
  if (!deadline) return;
  timer_.expires_at(*deadline);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    auto action = transaction_.on_timer(Clock::now());
    if (action.send) send(*action.send);
    if (action.finished) return finish();
    arm_timer();
  });
}

void BindingProbe::on_message(ByteView data, const SocketAddress& from) {
  if (finished_) return;
  auto action = transaction_.on_response(data, Clock::now());
  if (!action.accepted) {
    GW_LOG(debug) << "ignored " << data.size() << " bytes from " << from.to_string();
    return;
  }
  if (result_.transport == Transport::udp) result_.source = from;
  if (action.send) send(*action.send);  // authenticated retry
  if (action.finished) return finish();
  arm_timer();
}

void BindingProbe::on_channel_error(const Error& error) {
  if (finished_) return;
  result_.failure = error.code == "net.tls" ? "tls" : (error.code == "net.connect" ? "connect" : "transport");
  result_.detail = error.message;
  finish();
}

void BindingProbe::finish() {
  if (finished_) return;
  using State = stun::ClientTransaction::State;
  result_.transmissions = transaction_.transmissions();
  result_.rtt = transaction_.rtt();
  if (result_.local.port == 0 && channel_) result_.local = channel_->local_address();
  if (const auto& m = transaction_.response()) {
    result_.response_bytes = transaction_.response_bytes().size();
    result_.xor_mapped = stun::get_address(*m, stun::attr::xor_mapped_address);
    result_.mapped = stun::get_address(*m, stun::attr::mapped_address);
    result_.response_origin = stun::get_address(*m, stun::attr::response_origin);
    result_.other_address = stun::get_address(*m, stun::attr::other_address);
    result_.changed_address = stun::get_address(*m, stun::attr::changed_address);
    result_.software = stun::get_text(*m, stun::attr::software).value_or("");
  }
  switch (transaction_.state()) {
    case State::succeeded: result_.ok = true; break;
    case State::timed_out:
      if (result_.failure.empty()) {
        result_.failure = "timeout";
        result_.detail = "no answer from " + result_.server.to_string() + " after " +
                         std::to_string(result_.transmissions) + " request(s)";
      }
      break;
    case State::error_response:
    case State::auth_failed:
      result_.failure = transaction_.state() == State::auth_failed ? "auth" : "error-response";
      result_.error_response = transaction_.error();
      if (result_.error_response) {
        result_.detail = "server answered " + std::to_string(result_.error_response->code) + " " +
                         result_.error_response->reason;
      }
      break;
    default: break;
  }
  finished_ = true;
  timer_.cancel();
  connect_timer_.cancel();
  if (channel_ && !shared_) channel_->close();
  // The callback may destroy this probe: post it so no member is touched after.
  boost::asio::post(io_, [done = done_, result = result_] { done(result); });
}

}  // namespace gw::net
