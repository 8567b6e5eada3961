#include "sip/registration_policy.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace gw::sip {
namespace {

// Retry delays of `n` consecutive 503s without Retry-After.
std::vector<unsigned> delays(RegistrationPolicy& p, int n) {
  std::vector<unsigned> out;
  for (int i = 0; i < n; ++i) out.push_back(p.on_failure(503, 0).retry_in);
  return out;
}

TEST(SipRegistrationPolicy, FirstSuccessIsNotARefresh) {
  RegistrationPolicy p(30);
  auto s = p.on_success();
  EXPECT_FALSE(s.refresh);
  EXPECT_FALSE(s.recovered);
  EXPECT_TRUE(p.registered());
  auto again = p.on_success();
  EXPECT_TRUE(again.refresh);
  EXPECT_FALSE(again.recovered);
}

TEST(SipRegistrationPolicy, BackoffDoublesFromOneSecond) {
  RegistrationPolicy p(30);
  EXPECT_EQ(delays(p, 6), (std::vector<unsigned>{1, 2, 4, 8, 16, 30}));
}

TEST(SipRegistrationPolicy, BackoffIsCappedByRetry) {
  RegistrationPolicy p(5);
  EXPECT_EQ(delays(p, 6), (std::vector<unsigned>{1, 2, 4, 5, 5, 5}));
  RegistrationPolicy one(1);
  EXPECT_EQ(delays(one, 3), (std::vector<unsigned>{1, 1, 1}));
}

TEST(SipRegistrationPolicy, RetryAfterWinsOverBackoff) {
  RegistrationPolicy p(4);
  auto f = p.on_failure(503, 17);  // RFC 3261 §20.33, even above --retry
  EXPECT_FALSE(f.final);
  EXPECT_EQ(f.retry_in, 17u);
  // The backoff still advanced underneath: the next plain failure waits 2 s.
  EXPECT_EQ(p.on_failure(503, 0).retry_in, 2u);
  EXPECT_EQ(p.on_failure(480, 3).retry_in, 3u);
}

TEST(SipRegistrationPolicy, SuccessResetsBackoff) {
  RegistrationPolicy p(30);
  (void)delays(p, 4);
  EXPECT_EQ(p.backoff_s(), 8u);
  (void)p.on_success();
  EXPECT_EQ(p.backoff_s(), 0u);
  EXPECT_EQ(delays(p, 2), (std::vector<unsigned>{1, 2}));
}

TEST(SipRegistrationPolicy, FailedRefreshIsLostOnceThenRecovered) {
  RegistrationPolicy p(30);
  (void)p.on_success();
  auto f = p.on_failure(408, 0);  // the refresh timed out: binding may be gone
  EXPECT_EQ(f.state, RegistrationState::lost);
  EXPECT_FALSE(f.final);
  EXPECT_EQ(f.retry_in, 1u);
  EXPECT_TRUE(p.lost());
  EXPECT_FALSE(p.registered());
  auto again = p.on_failure(503, 0);  // `lost` is reported once
  EXPECT_EQ(again.state, RegistrationState::failed);
  EXPECT_EQ(again.retry_in, 2u);
  EXPECT_TRUE(p.lost());
  auto s = p.on_success();
  EXPECT_TRUE(s.recovered);
  EXPECT_FALSE(s.refresh);  // the binding was re-created, not refreshed
  EXPECT_FALSE(p.lost());
  EXPECT_FALSE(p.on_success().recovered);  // only the first success after `lost`
}

TEST(SipRegistrationPolicy, InitialFailureIsFailedNotLost) {
  RegistrationPolicy p(30);
  auto f = p.on_failure(503, 0);
  EXPECT_EQ(f.state, RegistrationState::failed);
  EXPECT_FALSE(f.final);
  EXPECT_FALSE(p.lost());
  EXPECT_FALSE(p.on_success().recovered);
}

TEST(SipRegistrationPolicy, ForbiddenAndNotFoundAreFinal) {
  for (int status : {403, 404, 904}) {
    RegistrationPolicy p(30);
    (void)p.on_success();
    auto f = p.on_failure(status, 5);
    EXPECT_TRUE(f.final) << status;
    EXPECT_EQ(f.state, RegistrationState::failed) << status;  // not `lost`: no retry follows
    EXPECT_EQ(f.retry_in, 0u) << status;
    EXPECT_FALSE(p.registered());
  }
}

TEST(SipRegistrationPolicy, RetryZeroGivesUpAtOnce) {
  RegistrationPolicy p(0);
  auto f = p.on_failure(503, 10);
  EXPECT_TRUE(f.final);
  EXPECT_EQ(f.retry_in, 0u);
}

TEST(SipRegistrationPolicy, AuthRefusedIsFinal) {
  RegistrationPolicy p(30);
  (void)p.on_success();
  auto f = p.on_auth_refused();
  EXPECT_TRUE(f.final);
  EXPECT_EQ(f.state, RegistrationState::failed);
  EXPECT_FALSE(p.registered());
}

// sofia-sip reports r_unregister after a failed refresh: still `lost`, and
// the next success is `recovered`.
TEST(SipRegistrationPolicy, UnregisteredKeepsLost) {
  RegistrationPolicy p(30);
  (void)p.on_success();
  (void)p.on_failure(503, 0);
  ASSERT_TRUE(p.lost());
  p.on_unregistered();
  EXPECT_TRUE(p.lost());
  EXPECT_FALSE(p.registered());
  EXPECT_EQ(p.on_failure(503, 0).retry_in, 2u);
  auto s = p.on_success();
  EXPECT_FALSE(s.refresh);
  EXPECT_TRUE(s.recovered);
}

TEST(SipRegistrationPolicy, StatusClassification) {
  EXPECT_TRUE(RegistrationPolicy::is_final_status(403));
  EXPECT_TRUE(RegistrationPolicy::is_final_status(404));
  EXPECT_FALSE(RegistrationPolicy::is_final_status(408));
  EXPECT_FALSE(RegistrationPolicy::is_final_status(500));
  EXPECT_FALSE(RegistrationPolicy::is_final_status(503));
}

}  // namespace
}  // namespace gw::sip
