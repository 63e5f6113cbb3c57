// The batching choice: measured both ways, the cheaper kept for a while, then measured again.
#include "server/answer_batching.h"

#include <gtest/gtest.h>

namespace orgroot::server {
namespace {

// A thread whose CPU time per answer is `with` when batching and `without` when not.
struct FakeThread {
  double with = 0, without = 0, cpu = 0;
  AnswerBatching b{[this] { return cpu; }};
  // Runs n answers; returns how many were held.
  uint32_t answer(uint32_t n) {
    uint32_t held = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const bool batch = b.batch();
      held += batch;
      cpu += batch ? with : without;
    }
    return held;
  }
};

constexpr uint32_t kW = AnswerBatching::kWindow;
constexpr uint32_t kCycle = (2 + AnswerBatching::kKeepWindows) * kW;

TEST(AnswerBatching, KeepsBatchingWhenItCostsLess) {
  FakeThread t;
  t.with = 40e-6;
  t.without = 50e-6;
  EXPECT_EQ(t.answer(kW), 0u);   // measured without
  EXPECT_EQ(t.answer(kW), kW);   // measured with
  EXPECT_EQ(t.answer(AnswerBatching::kKeepWindows * kW), AnswerBatching::kKeepWindows * kW);
  EXPECT_EQ(t.answer(kW), 0u);   // measured again
}

TEST(AnswerBatching, AnswersAtOnceWhenBatchingDoesNotPay) {
  FakeThread t;
  t.with = 23e-6;
  t.without = 21e-6;
  t.answer(2 * kW);
  EXPECT_EQ(t.answer(AnswerBatching::kKeepWindows * kW), 0u);
  // A saving under kMinSaving is not worth the delay.
  FakeThread close;
  close.with = 21.9e-6;
  close.without = 22e-6;
  close.answer(2 * kW);
  EXPECT_EQ(close.answer(kW), 0u);
}

TEST(AnswerBatching, FollowsTheLoadWhenItChanges) {
  FakeThread t;
  t.with = 40e-6;
  t.without = 50e-6;
  t.answer(kCycle);
  t.with = 25e-6;  // the load changed: batching now costs more
  t.without = 20e-6;
  EXPECT_EQ(t.answer(kW), 0u);   // measured again, without
  EXPECT_EQ(t.answer(kW), kW);   // and with
  EXPECT_EQ(t.answer(AnswerBatching::kKeepWindows * kW), 0u);
}

}  // namespace
}  // namespace orgroot::server
