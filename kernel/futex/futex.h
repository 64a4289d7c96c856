// Futexes: tasks sleeping on a 32-bit user word until another task wakes that word. A futex is
// named by a Key: (AddressSpace, address) for private futexes, (shared memory, offset) for words
// in MAP_SHARED memory, so processes sharing a page meet on the same key. See man 2 futex.
// Lock order: the futex table lock -> AddressSpace lock (user copies happen under it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <ostd/common/ref.h>
#include <ostd/common/result.h>

#include <kernel/vm/address_space.h>

namespace kernel::futex {

/// Which futexes may match a word: private to the address space (FUTEX_PRIVATE_FLAG) or shared
/// between processes that map the same memory.
enum class Scope : uint8_t { kPrivate, kShared };

inline constexpr uint32_t kMatchAny = 0xffffffff;
/// No deadline (wait forever).
inline constexpr uint64_t kNoDeadline = UINT64_MAX;

/// Resets the futex table for a new machine. Called once at boot, before user code runs.
void init();

/// FUTEX_WAIT(_BITSET): if the word at uaddr still holds `expected`, sleeps until woken by a
/// wake whose bitset intersects `bitset`, until `deadline_ns` (ostd::time::now() value), or an
/// interrupt. Errors: EINVAL (uaddr not 4-aligned, bitset 0), EFAULT (unreadable word), EAGAIN
/// (value differs), ETIMEDOUT, EINTR. May sleep; no locks held by the caller.
ostd::Result<void> wait(AddressSpace& as, uint64_t uaddr, Scope scope, uint32_t expected,
                        uint32_t bitset, uint64_t deadline_ns);

/// FUTEX_WAKE(_BITSET): wakes up to `count` waiters of the word whose bitset intersects
/// `bitset`; returns how many. EINVAL (alignment, bitset 0), EFAULT (address not mapped).
ostd::Result<size_t> wake(AddressSpace& as, uint64_t uaddr, Scope scope, size_t count,
                          uint32_t bitset = kMatchAny);

/// FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wakes up to nr_wake waiters of uaddr and moves up to
/// nr_requeue others to uaddr2. With `cmpval`, first checks that uaddr holds it (EAGAIN if not).
/// Returns woken + requeued (as Linux does for both). EINVAL, EFAULT, EAGAIN.
ostd::Result<size_t> requeue(AddressSpace& as, uint64_t uaddr, uint64_t uaddr2, Scope scope,
                             size_t nr_wake, size_t nr_requeue, std::optional<uint32_t> cmpval);

/// FUTEX_WAKE_OP: atomically (with respect to other futex operations) applies the operation
/// encoded in `encoded_op` to the word at uaddr2, wakes up to nr_wake waiters of uaddr and, if
/// the old value of uaddr2 passes the encoded comparison, up to nr_wake2 waiters of uaddr2.
/// Returns the total woken. ENOSYS (unknown op or comparison), EINVAL, EFAULT.
ostd::Result<size_t> wake_op(AddressSpace& as, uint64_t uaddr, uint64_t uaddr2, Scope scope,
                             size_t nr_wake, size_t nr_wake2, uint32_t encoded_op);

/// Waiters currently queued (all keys) — for tests.
size_t waiter_count();

}  // namespace kernel::futex
