// Expected-style result for parsers and fallible calls.
// Thread: any (plain value types).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace gw {

// A failure: a short machine-readable code and a message a person can read.
struct Error {
  std::string code;     // e.g. "stun.truncated", "endpoint.bad-port"
  std::string message;  // e.g. "attribute 0x0020 runs past the message end"
};

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

// Result<T>: either a T or an Error. No exceptions on the per-packet path.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  [[nodiscard]] const Error& error() const { assert(!ok()); return std::get<1>(v_); }

  template <class U>
  T value_or(U&& fallback) const& { return ok() ? value() : T(std::forward<U>(fallback)); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT
  [[nodiscard]] bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const Error& error() const { assert(failed_); return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace gw
