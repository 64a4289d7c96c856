// Recycler<T>: keeps the storage of destroyed host-side objects of one type for the next one.
// Machines create and destroy a few contexts, fibers and user engines per boot, and the fuzzers
// boot a machine per input: under ASan every host allocation records its stack trace, which
// made these a measurable part of an input. Kept storage is poisoned, so a use after destruction
// is still reported (as use-after-poison). Thread-safe; keeps at most kKeep records.
#pragma once

#include <cstddef>
#include <mutex>
#include <new>
#include <utility>

#ifdef ORRERY_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace ostd::host {

template <typename T, size_t kKeep = 64>
class Recycler {
public:
    /// A new T(args...), on kept storage when there is some. nullptr if the host is out of
    /// memory.
    template <typename... A>
    T* make(A&&... args) {
        void* p = take();
        if (!p) p = ::operator new(sizeof(T), std::align_val_t(alignof(T)), std::nothrow);
        if (!p) return nullptr;
        return new (p) T(std::forward<A>(args)...);
    }

    /// Destroys *p and keeps (or frees) its storage. Null is ignored.
    void drop(T* p) {
        if (!p) return;
        p->~T();
        {
            std::lock_guard<std::mutex> g(mu_);
            if (count_ < kKeep) {
                kept_[count_++] = p;
#ifdef ORRERY_ASAN
                ASAN_POISON_MEMORY_REGION(p, sizeof(T));
#endif
                return;
            }
        }
        ::operator delete(static_cast<void*>(p), std::align_val_t(alignof(T)));
    }

private:
    void* take() {
        std::lock_guard<std::mutex> g(mu_);
        if (count_ == 0) return nullptr;
        void* p = kept_[--count_];
#ifdef ORRERY_ASAN
        ASAN_UNPOISON_MEMORY_REGION(p, sizeof(T));
#endif
        return p;
    }

    std::mutex mu_;
    size_t count_ = 0;
    void* kept_[kKeep];
};

}  // namespace ostd::host
