// String: an owned, NUL-terminated byte string on the kernel heap, with fallible construction
// and growth. Paths, process names and procfs text use it.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

#include <ostd/common/result.h>
#include <ostd/mm/heap.h>

namespace ostd {

class String {
public:
    String() = default;
    String(String&& o)
        : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
          capacity_(std::exchange(o.capacity_, 0)) {}
    String& operator=(String&& o) {
        if (this != &o) {
            heap::free(data_);
            data_ = std::exchange(o.data_, nullptr);
            size_ = std::exchange(o.size_, 0);
            capacity_ = std::exchange(o.capacity_, 0);
        }
        return *this;
    }
    String(const String&) = delete;
    String& operator=(const String&) = delete;
    ~String() { heap::free(data_); }

    /// A copy of `s`. ENOMEM on exhaustion.
    static Result<String> from(std::string_view s) {
        String out;
        TRY(out.append(s));
        return out;
    }
    Result<String> try_clone() const { return from(view()); }

    std::string_view view() const { return {data_ ? data_ : "", size_}; }
    /// NUL-terminated; valid until the next mutation.
    const char* c_str() const { return data_ ? data_ : ""; }
    size_t size() const { return size_; }
    bool is_empty() const { return size_ == 0; }
    operator std::string_view() const { return view(); }
    bool operator==(std::string_view o) const { return view() == o; }

    Result<void> append(std::string_view s) {
        TRY(reserve(size_ + s.size()));
        if (!s.empty()) __builtin_memcpy(data_ + size_, s.data(), s.size());
        size_ += s.size();
        data_[size_] = '\0';
        return ok();
    }
    Result<void> push_back(char c) { return append(std::string_view(&c, 1)); }
    /// Shrinks to n bytes (n <= size).
    void truncate(size_t n) {
        if (n < size_) {
            size_ = n;
            data_[n] = '\0';
        }
    }
    void clear() { truncate(0); }

    /// Room for n bytes plus the terminator. ENOMEM on exhaustion (contents unchanged).
    Result<void> reserve(size_t n) {
        if (n < capacity_) return ok();
        size_t cap = capacity_ ? capacity_ : 16;
        while (cap <= n) cap *= 2;
        char* fresh = static_cast<char*>(heap::alloc(cap, 1));
        if (!fresh) return Error(ENOMEM, "kernel heap exhausted");
        if (size_) __builtin_memcpy(fresh, data_, size_);
        fresh[size_] = '\0';
        heap::free(data_);
        data_ = fresh;
        capacity_ = cap;
        return ok();
    }

private:
    char* data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

}  // namespace ostd
