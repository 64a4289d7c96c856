// ASan poisoning helpers for ostd's allocators: free memory is poisoned so stale accesses report.
#pragma once

#include <cstddef>

#ifdef ORRERY_ASAN
#include <sanitizer/asan_interface.h>
#define ORRERY_POISON(addr, size) ASAN_POISON_MEMORY_REGION((addr), (size))
#define ORRERY_UNPOISON(addr, size) ASAN_UNPOISON_MEMORY_REGION((addr), (size))
#define ORRERY_IS_POISONED(addr) (__asan_address_is_poisoned(addr) != 0)
#else
#define ORRERY_POISON(addr, size) ((void)(addr), (void)(size))
#define ORRERY_UNPOISON(addr, size) ((void)(addr), (void)(size))
#define ORRERY_IS_POISONED(addr) ((void)(addr), false)
#endif
