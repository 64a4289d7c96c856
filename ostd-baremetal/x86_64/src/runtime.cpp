// The freestanding C/C++ runtime the compiler and libstdc++'s header-only parts expect:
// mem*/str* routines, global operator new/delete on the ostd heap, and the C++ ABI hooks.
#include <cstddef>
#include <cstdint>
#include <new>

#include <ostd/common/panic.h>
#include <ostd/mm/heap.h>

extern "C" {

// The compiler lowers struct copies and loops to these: they must not call themselves, so the
// bodies use string instructions.
void* memcpy(void* dst, const void* src, size_t n) {
    void* d = dst;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (d == s || n == 0) return dst;
    if (d < s || d >= s + n) return memcpy(dst, src, n);
    // Overlapping with dst above src: copy backwards.
    const unsigned char* se = s + n - 1;
    unsigned char* de = d + n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(de), "+S"(se), "+c"(n) : : "memory");
    return dst;
}

void* memset(void* dst, int c, size_t n) {
    void* d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

int bcmp(const void* a, const void* b, size_t n) { return memcmp(a, b, n); }

void* memchr(const void* p, int c, size_t n) {
    auto* s = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i)
        if (s[i] == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(s + i);
    return nullptr;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n]) ++n;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (a[i] != b[i] || !a[i])
            return static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]);
    }
    return 0;
}

// Global objects are never destroyed (the machine powers off), so registration is a no-op.
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
int atexit(void (*)()) { return 0; }

void __cxa_pure_virtual() { ostd::panic("pure virtual function called"); }

}  // extern "C"

namespace std {
const nothrow_t nothrow{};
// libstdc++ throws from these in hosted builds; the kernel dialect has no exceptions.
[[noreturn]] void __throw_bad_function_call() { ostd::panic("empty std::function called"); }
[[noreturn]] void __throw_bad_alloc() { ostd::panic("std::bad_alloc"); }
[[noreturn]] void __throw_length_error(const char* what) { ostd::panic("length_error: %s", what); }
[[noreturn]] void __throw_out_of_range_fmt(const char* what, ...) {
    ostd::panic("out_of_range: %s", what);
}
[[noreturn]] void __throw_bad_optional_access() { ostd::panic("bad optional access"); }
[[noreturn]] void __throw_bad_variant_access(const char* what) {
    ostd::panic("bad variant access: %s", what);
}
}  // namespace std

// Only ostd internals (task objects, std::function captures) use the global operator new; the
// kernel allocates through try_make_* and handles failure. Running out here is fatal.
void* operator new(size_t size) {
    void* p = ostd::heap::alloc(size ? size : 1);
    if (!p) ostd::panic("operator new(%zu): out of memory", size);
    return p;
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, std::align_val_t align) {
    void* p = ostd::heap::alloc(size ? size : 1, static_cast<size_t>(align));
    if (!p) ostd::panic("operator new(%zu, align): out of memory", size);
    return p;
}
void* operator new(size_t size, const std::nothrow_t&) noexcept {
    return ostd::heap::alloc(size ? size : 1);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
    return ostd::heap::alloc(size ? size : 1);
}
void* operator new(size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return ostd::heap::alloc(size ? size : 1, static_cast<size_t>(align));
}
void operator delete(void* p) noexcept { ostd::heap::free(p); }
void operator delete[](void* p) noexcept { ostd::heap::free(p); }
void operator delete(void* p, size_t) noexcept { ostd::heap::free(p); }
void operator delete[](void* p, size_t) noexcept { ostd::heap::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { ostd::heap::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { ostd::heap::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { ostd::heap::free(p); }
