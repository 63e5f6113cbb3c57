// Result<T>: a value or an AwsError. Handlers and codecs return it; exceptions stay inside
// libraries. (std::expected arrives with C++23; this is the small subset we need.)
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "common/aws_error.h"

namespace orgroot {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}          // NOLINT implicit
  Result(AwsError error) : v_(std::in_place_index<1>, std::move(error)) {}   // NOLINT implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const AwsError& error() const& { assert(!ok()); return std::get<1>(v_); }
  AwsError&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, AwsError> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status OkStatus() { return Unit{}; }

}  // namespace orgroot
