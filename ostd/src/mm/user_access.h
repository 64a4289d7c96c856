// Marks accesses to user memory for the thread sanitizer. User memory is shared with untrusted
// code that may touch it concurrently (futex words, shared mappings, other threads): such races
// are by design on real hardware (word accesses are atomic) and must not be reported as kernel
// bugs. ostd's user copies and the scripted user engine run their copies inside this scope;
// kernel-internal memory stays fully checked.
#pragma once

#ifdef ORRERY_TSAN
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();
#endif

namespace ostd::detail {

class UserAccessScope {
public:
#ifdef ORRERY_TSAN
    UserAccessScope() { __tsan_ignore_thread_begin(); }
    ~UserAccessScope() { __tsan_ignore_thread_end(); }
#else
    UserAccessScope() {}  // User-provided: a scope object is never "unused".
#endif
    UserAccessScope(const UserAccessScope&) = delete;
    UserAccessScope& operator=(const UserAccessScope&) = delete;
};

}  // namespace ostd::detail
