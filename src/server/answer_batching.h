// Whether an I/O thread holds each answer until it has gone through the requests it has already
// received (answer batching), chosen by measuring the thread's own CPU time per answer.
//
// Batching pays off when clients go idle between answers: each answer then wakes its client, and
// on a virtual machine a wake-up of an idle CPU costs the sender microseconds; a burst of answers
// wakes it once. Where answers are cheap enough that clients stay busy, batching only adds a trip
// through the queue. Which case holds depends on the load and the machine, so each thread measures:
// it runs a window of answers each way, then keeps the cheaper way for a while, and measures again.
#pragma once

#include <cstdint>
#include <functional>

namespace orgroot::server {

class AnswerBatching {
 public:
  static constexpr uint32_t kWindow = 4096;        // answers per measured window
  static constexpr uint32_t kKeepWindows = 15;     // windows the cheaper way runs between measurements
  // Batching delays answers a little: it is chosen only when it saves at least this share.
  static constexpr double kMinSaving = 0.03;

  // cpu_seconds: the calling thread's CPU time (user + system).
  explicit AnswerBatching(std::function<double()> cpu_seconds) : cpu_(std::move(cpu_seconds)) {}

  // Called once per answer: whether to hold this one. A window's CPU time runs from its first
  // answer's call to the call after its last answer.
  bool batch() {
    if (count_ == kWindow) end_window();
    if (count_ == 0) start_ = cpu_();
    ++count_;
    return batching_;
  }

 private:
  enum class Phase { MeasureWithout, MeasureWith, Keep };

  void end_window() {
    const double per_answer = (cpu_() - start_) / count_;
    count_ = 0;
    switch (phase_) {
      case Phase::MeasureWithout:
        without_ = per_answer;
        phase_ = Phase::MeasureWith;
        batching_ = true;
        break;
      case Phase::MeasureWith:
        batching_ = per_answer < without_ * (1 - kMinSaving);
        phase_ = Phase::Keep;
        kept_ = 0;
        break;
      case Phase::Keep:
        if (++kept_ >= kKeepWindows) {
          phase_ = Phase::MeasureWithout;
          batching_ = false;
        }
        break;
    }
  }

  std::function<double()> cpu_;
  Phase phase_ = Phase::MeasureWithout;
  bool batching_ = false;
  uint32_t count_ = 0;
  uint32_t kept_ = 0;
  double start_ = 0;
  double without_ = 0;
};

}  // namespace orgroot::server
