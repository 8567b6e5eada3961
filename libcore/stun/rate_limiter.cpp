#include "stun/rate_limiter.hpp"

#include <algorithm>

namespace gw::stun {

RateLimiter::RateLimiter(RateLimitConfig config) : config_(config) {
  config_.burst = std::max(config_.burst, 1.0);
  config_.max_sources = std::max<std::size_t>(config_.max_sources, 2);
}

std::size_t RateLimiter::IpHash::operator()(const IpAddress& a) const noexcept {
  std::size_t h = 1469598103934665603ULL;  // FNV-1a
  for (std::size_t i = 0; i < a.size(); ++i) h = (h ^ a.bytes[i]) * 1099511628211ULL;
  return h;
}

RateLimiter::Bucket& RateLimiter::find_or_add(const IpAddress& source, TimePoint now) {
  if (auto it = current_.find(source); it != current_.end()) return it->second;
  Bucket b{config_.burst, now};
  if (auto it = previous_.find(source); it != previous_.end()) {
    b = it->second;
    previous_.erase(it);
  }
  if (current_.size() >= config_.max_sources / 2) {
    previous_ = std::move(current_);
    current_ = Table{};
  }
  return current_.emplace(source, b).first->second;
}

bool RateLimiter::allow(const IpAddress& source, TimePoint now) {
  if (!enabled()) return true;
  Bucket& b = find_or_add(source, now);
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min(config_.burst, b.tokens + elapsed * config_.per_second);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

bool RateLimiter::exhausted(const IpAddress& source, TimePoint now) const {
  if (!enabled()) return false;
  const Bucket* b = nullptr;
  if (auto it = current_.find(source); it != current_.end()) b = &it->second;
  else if (auto p = previous_.find(source); p != previous_.end()) b = &p->second;
  if (b == nullptr) return false;  // unknown sources start with a full bucket
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b->last).count());
  return std::min(config_.burst, b->tokens + elapsed * config_.per_second) < 1.0;
}

}  // namespace gw::stun
