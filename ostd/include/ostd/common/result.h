// Result<T>: a value or an Error carrying a Linux errno. The kernel's only error channel:
// no exceptions anywhere in ostd/ or kernel/. TRY() propagates, MUST() asserts success.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include <ostd/common/errno.h>
#include <ostd/common/panic.h>

namespace ostd {

/// A failure: a positive Linux errno plus an optional static note for logs and traces.
class [[nodiscard]] Error {
public:
    constexpr explicit Error(int code, const char* note = nullptr) : code_(code), note_(note) {}
    constexpr int code() const { return code_; }
    /// A static string explaining the failure, or nullptr. Never shown to user space.
    constexpr const char* note() const { return note_; }
    constexpr bool operator==(const Error& o) const { return code_ == o.code_; }
    constexpr bool operator==(int code) const { return code_ == code; }

private:
    int code_;
    const char* note_;
};

template <typename T>
class [[nodiscard]] Result {
public:
    using ValueType = T;

    Result(const T& v) : ok_(true) { new (&storage_.value) T(v); }
    Result(T&& v) : ok_(true) { new (&storage_.value) T(std::move(v)); }
    template <typename U>
        requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
                 !std::is_same_v<std::decay_t<U>, Error> &&
                 !std::is_same_v<std::decay_t<U>, Result<T>>)
    Result(U&& v) : ok_(true) {
        new (&storage_.value) T(std::forward<U>(v));
    }
    Result(Error e) : ok_(false) { new (&storage_.error) Error(e); }

    Result(Result&& o) : ok_(o.ok_) {
        if (ok_)
            new (&storage_.value) T(std::move(o.storage_.value));
        else
            new (&storage_.error) Error(o.storage_.error);
    }
    Result(const Result& o)
        requires std::is_copy_constructible_v<T>
        : ok_(o.ok_) {
        if (ok_)
            new (&storage_.value) T(o.storage_.value);
        else
            new (&storage_.error) Error(o.storage_.error);
    }
    Result& operator=(Result&& o) {
        if (this != &o) {
            destroy();
            ok_ = o.ok_;
            if (ok_)
                new (&storage_.value) T(std::move(o.storage_.value));
            else
                new (&storage_.error) Error(o.storage_.error);
        }
        return *this;
    }
    ~Result() { destroy(); }

    bool is_ok() const { return ok_; }
    bool is_error() const { return !ok_; }
    explicit operator bool() const { return ok_; }

    /// Precondition: is_ok(). Violations panic (they are kernel bugs).
    T& value() & {
        check_ok();
        return storage_.value;
    }
    const T& value() const& {
        check_ok();
        return storage_.value;
    }
    T release_value() {
        check_ok();
        return std::move(storage_.value);
    }
    /// Precondition: is_error().
    Error error() const {
        if (ok_) panic("Result::error() on a value");
        return storage_.error;
    }
    Error release_error() { return error(); }
    T value_or(T fallback) { return ok_ ? std::move(storage_.value) : std::move(fallback); }

    T* operator->() { return &value(); }
    T& operator*() { return value(); }

private:
    void check_ok() const {
        if (!ok_) panic("Result::value() on error %d", storage_.error.code());
    }
    void destroy() {
        if (ok_)
            storage_.value.~T();
        else
            storage_.error.~Error();
    }
    union Storage {
        Storage() {}
        ~Storage() {}
        T value;
        Error error;
    } storage_;
    bool ok_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    using ValueType = void;
    Result() : error_(0) {}
    Result(Error e) : error_(e) {}
    bool is_ok() const { return error_.code() == 0; }
    bool is_error() const { return !is_ok(); }
    explicit operator bool() const { return is_ok(); }
    void value() const {
        if (!is_ok()) panic("Result<void>::value() on error %d", error_.code());
    }
    void release_value() const { value(); }
    Error error() const {
        if (is_ok()) panic("Result<void>::error() on success");
        return error_;
    }
    Error release_error() const { return error(); }

private:
    Error error_;
};

/// Success value for Result<void>-returning functions: `return ok();`.
inline Result<void> ok() { return {}; }

}  // namespace ostd

/// Evaluates a Result-valued expression; on error returns the Error from the enclosing function,
/// otherwise yields the value.
#define TRY(expr)                                                      \
    ({                                                                 \
        auto _orrery_try_result = (expr);                              \
        if (_orrery_try_result.is_error()) [[unlikely]]                \
            return _orrery_try_result.release_error();                 \
        _orrery_try_result.release_value();                            \
    })

/// Like TRY(), but an error is a kernel bug: panics naming the expression.
#define MUST(expr)                                                                      \
    ({                                                                                  \
        auto _orrery_must_result = (expr);                                              \
        if (_orrery_must_result.is_error()) [[unlikely]]                                \
            ::ostd::panic("MUST(%s) failed: errno %d at %s:%d", #expr,                  \
                          _orrery_must_result.error().code(), __FILE__, __LINE__);      \
        _orrery_must_result.release_value();                                            \
    })
