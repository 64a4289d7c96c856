// Vector<T>: a growable array on the kernel heap whose growth can fail (ENOMEM) instead of
// throwing. The kernel's std::vector; part of ostd's trusted "ktl" because it manages raw memory.
#pragma once

#include <cstddef>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

#include <ostd/common/panic.h>
#include <ostd/common/result.h>
#include <ostd/mm/heap.h>

namespace ostd {

template <typename T>
class Vector {
public:
    Vector() = default;
    Vector(Vector&& o)
        : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
          capacity_(std::exchange(o.capacity_, 0)) {}
    Vector& operator=(Vector&& o) {
        if (this != &o) {
            clear_and_free();
            data_ = std::exchange(o.data_, nullptr);
            size_ = std::exchange(o.size_, 0);
            capacity_ = std::exchange(o.capacity_, 0);
        }
        return *this;
    }
    Vector(const Vector&) = delete;
    Vector& operator=(const Vector&) = delete;
    ~Vector() { clear_and_free(); }

    /// A copy of this vector. ENOMEM on exhaustion.
    Result<Vector> try_clone() const
        requires std::is_copy_constructible_v<T>
    {
        Vector v;
        TRY(v.reserve(size_));
        for (size_t i = 0; i < size_; ++i) new (&v.data_[i]) T(data_[i]);
        v.size_ = size_;
        return v;
    }

    size_t size() const { return size_; }
    size_t capacity() const { return capacity_; }
    bool is_empty() const { return size_ == 0; }
    T* data() { return data_; }
    const T* data() const { return data_; }
    T* begin() { return data_; }
    T* end() { return data_ + size_; }
    const T* begin() const { return data_; }
    const T* end() const { return data_ + size_; }
    std::span<T> span() { return {data_, size_}; }
    std::span<const T> span() const { return {data_, size_}; }

    /// Bounds-checked element access; an out-of-range index is a kernel bug (panic).
    T& operator[](size_t i) {
        ORRERY_ASSERT(i < size_, "Vector index %zu out of range (size %zu)", i, size_);
        return data_[i];
    }
    const T& operator[](size_t i) const {
        ORRERY_ASSERT(i < size_, "Vector index %zu out of range (size %zu)", i, size_);
        return data_[i];
    }
    T& back() { return (*this)[size_ - 1]; }

    /// Ensures room for n elements. ENOMEM on exhaustion (contents unchanged).
    Result<void> reserve(size_t n) {
        if (n <= capacity_) return ok();
        if (n > (size_t{1} << 40) / sizeof(T)) return Error(ENOMEM, "Vector too large");
        T* fresh = static_cast<T*>(heap::alloc(n * sizeof(T), alignof(T) < 16 ? 16 : alignof(T)));
        if (!fresh) return Error(ENOMEM, "kernel heap exhausted");
        if constexpr (std::is_trivially_copyable_v<T>) {
            if (size_) __builtin_memcpy(static_cast<void*>(fresh), data_, size_ * sizeof(T));
        } else {
            for (size_t i = 0; i < size_; ++i) {
                new (&fresh[i]) T(std::move(data_[i]));
                data_[i].~T();
            }
        }
        heap::free(data_);
        data_ = fresh;
        capacity_ = n;
        return ok();
    }

    template <typename... Args>
    Result<void> emplace_back(Args&&... args) {
        TRY(grow_for(size_ + 1));
        new (&data_[size_]) T(std::forward<Args>(args)...);
        ++size_;
        return ok();
    }
    Result<void> push_back(T v) { return emplace_back(std::move(v)); }

    /// Inserts at index i (0..size). ENOMEM on exhaustion (contents unchanged).
    Result<void> insert(size_t i, T v) {
        ORRERY_ASSERT(i <= size_, "Vector insert index %zu beyond size %zu", i, size_);
        TRY(grow_for(size_ + 1));
        if (i == size_) {
            new (&data_[size_]) T(std::move(v));
        } else {
            new (&data_[size_]) T(std::move(data_[size_ - 1]));
            for (size_t j = size_ - 1; j > i; --j) data_[j] = std::move(data_[j - 1]);
            data_[i] = std::move(v);
        }
        ++size_;
        return ok();
    }

    void erase(size_t i) { erase_range(i, i + 1); }
    /// Removes [first, last).
    void erase_range(size_t first, size_t last) {
        ORRERY_ASSERT(first <= last && last <= size_, "Vector erase range out of bounds");
        size_t n = last - first;
        if (n == 0) return;
        if constexpr (std::is_trivially_copyable_v<T>) {
            // Byte buffers (pipes, files) shrink by whole pages: no element-wise loops.
            if (last < size_)
                __builtin_memmove(static_cast<void*>(data_ + first), data_ + last,
                                  (size_ - last) * sizeof(T));
        } else {
            for (size_t j = first; j + n < size_; ++j) data_[j] = std::move(data_[j + n]);
            for (size_t j = size_ - n; j < size_; ++j) data_[j].~T();
        }
        size_ -= n;
    }
    void pop_back() { erase(size_ - 1); }
    /// Grows to n value-initialised elements (zero for scalars) or shrinks to n. ENOMEM on
    /// exhaustion (contents unchanged).
    Result<void> resize(size_t n) {
        if (n <= size_) {
            truncate(n);
            return ok();
        }
        TRY(reserve(n));
        if constexpr (std::is_trivial_v<T>) {
            // Value-initialising a trivial type zero-initialises it.
            __builtin_memset(static_cast<void*>(data_ + size_), 0, (n - size_) * sizeof(T));
        } else {
            for (size_t i = size_; i < n; ++i) new (&data_[i]) T();
        }
        size_ = n;
        return ok();
    }

    /// Shrinks to n elements (n <= size).
    void truncate(size_t n) {
        if (n < size_) erase_range(n, size_);
    }
    void clear() { truncate(0); }

private:
    Result<void> grow_for(size_t n) {
        if (n <= capacity_) return ok();
        size_t cap = capacity_ ? capacity_ * 2 : (sizeof(T) >= 64 ? 4 : 8);
        while (cap < n) cap *= 2;
        return reserve(cap);
    }
    void clear_and_free() {
        clear();
        heap::free(data_);
        data_ = nullptr;
        capacity_ = 0;
    }

    T* data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

}  // namespace ostd
