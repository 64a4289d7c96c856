// Clang thread-safety analysis attributes (-Wthread-safety); empty on other compilers.
#pragma once

#if defined(__clang__)
#define ORRERY_TSA(x) __attribute__((x))
#else
#define ORRERY_TSA(x)
#endif

#define ORRERY_CAPABILITY(name) ORRERY_TSA(capability(name))
#define ORRERY_SCOPED_CAPABILITY ORRERY_TSA(scoped_lockable)
#define ORRERY_GUARDED_BY(x) ORRERY_TSA(guarded_by(x))
#define ORRERY_PT_GUARDED_BY(x) ORRERY_TSA(pt_guarded_by(x))
#define ORRERY_ACQUIRED_BEFORE(...) ORRERY_TSA(acquired_before(__VA_ARGS__))
#define ORRERY_ACQUIRED_AFTER(...) ORRERY_TSA(acquired_after(__VA_ARGS__))
#define ORRERY_REQUIRES(...) ORRERY_TSA(requires_capability(__VA_ARGS__))
#define ORRERY_REQUIRES_SHARED(...) ORRERY_TSA(requires_shared_capability(__VA_ARGS__))
#define ORRERY_ACQUIRE(...) ORRERY_TSA(acquire_capability(__VA_ARGS__))
#define ORRERY_ACQUIRE_SHARED(...) ORRERY_TSA(acquire_shared_capability(__VA_ARGS__))
#define ORRERY_RELEASE(...) ORRERY_TSA(release_capability(__VA_ARGS__))
#define ORRERY_RELEASE_SHARED(...) ORRERY_TSA(release_shared_capability(__VA_ARGS__))
#define ORRERY_RELEASE_GENERIC(...) ORRERY_TSA(release_generic_capability(__VA_ARGS__))
#define ORRERY_TRY_ACQUIRE(...) ORRERY_TSA(try_acquire_capability(__VA_ARGS__))
#define ORRERY_TRY_ACQUIRE_SHARED(...) ORRERY_TSA(try_acquire_shared_capability(__VA_ARGS__))
#define ORRERY_EXCLUDES(...) ORRERY_TSA(locks_excluded(__VA_ARGS__))
#define ORRERY_ASSERT_CAPABILITY(x) ORRERY_TSA(assert_capability(x))
#define ORRERY_RETURN_CAPABILITY(x) ORRERY_TSA(lock_returned(x))
#define ORRERY_NO_THREAD_SAFETY_ANALYSIS ORRERY_TSA(no_thread_safety_analysis)
