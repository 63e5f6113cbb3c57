// Time and randomness are passed in, never reached for, so that expiry, TOTP and clock skew are
// testable without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace orgroot {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
  double now_seconds() const {
    return std::chrono::duration<double>(now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

// The system clock shifted by a fixed offset: `orgroot server --clock-offset` uses it to rehearse
// expiry (session credentials, password resets) without waiting.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(std::chrono::seconds offset) : offset_(offset) {}
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now() + offset_; }

 private:
  std::chrono::seconds offset_;
};

// A clock tests can move by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point t) : t_(t) {}
  std::chrono::system_clock::time_point now() const override { return t_; }
  void advance(std::chrono::seconds s) { t_ += s; }
  void set(std::chrono::system_clock::time_point t) { t_ = t; }

 private:
  std::chrono::system_clock::time_point t_;
};

// ISO 8601 UTC, as AWS writes timestamps in XML: 2026-09-12T01:56:39Z
std::string iso8601(double epoch_seconds);
// 20260912T015639Z (SigV4's X-Amz-Date form)
std::string amz_date(std::chrono::system_clock::time_point t);

}  // namespace orgroot
