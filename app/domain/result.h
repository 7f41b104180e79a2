// Result<T>: what every fallible function across a module boundary returns, instead of
// throwing. The error kind carries retry meaning, which the sync layer acts on
// (docs/design.md "House habits"): Unavailable backs off, Full and NeedsSetup call staff,
// Rejected parks, DataLoss alarms. Callers branch on the kind (and `code`), never on text.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace yimen {

enum class ErrorKind {
  kInvalidArgument,  // the caller's input is wrong; fix the input
  kNotFound,         // no such thing
  kUnavailable,      // transient: back off and retry
  kFull,             // storage is full: retrying soon will not help; free space, tell staff
  kNeedsSetup,       // the device lacks what it needs (enrolment, a key, a setting); staff set it up
  kRejected,         // permanent refusal: park it, tell staff
  kConflict,         // state changed underneath: re-fetch
  kDataLoss,         // corruption: quarantine, alarm, never overwrite
  kInternal,         // a bug or an unexpected library failure
};

const char* ErrorKindName(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;  // for logs and staff; residents see a translated sentence
  // A stable name for one particular refusal ("sign_in_locked"), set where callers must
  // tell apart errors of the same kind; "" otherwise. Match on it, never on `message`.
  std::string code;
};

inline Error MakeError(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message), std::string()};
}

inline Error MakeError(ErrorKind kind, std::string message, std::string code) {
  return Error{kind, std::move(message), std::move(code)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_state(std::move(value)) {}            // NOLINT: implicit by design
  Result(Error error) : m_state(std::move(error)) {}        // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(m_state); }
  explicit operator bool() const { return ok(); }

  // value()/error() assert on misuse: reading the wrong side is a programmer error.
  T& value() & {
    assert(ok() && "Result::value() on an error");
    return std::get<T>(m_state);
  }
  const T& value() const& {
    assert(ok() && "Result::value() on an error");
    return std::get<T>(m_state);
  }
  T&& value() && {
    assert(ok() && "Result::value() on an error");
    return std::get<T>(std::move(m_state));
  }
  const Error& error() const {
    assert(!ok() && "Result::error() on a value");
    return std::get<Error>(m_state);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> m_state;
};

// Status: a Result with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT: implicit
  static Status Ok() { return Status(); }

  bool ok() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const {
    assert(!m_ok && "Status::error() on success");
    return m_error;
  }

 private:
  Error m_error;
  bool m_ok = true;
};

}  // namespace yimen
