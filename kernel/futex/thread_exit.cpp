// Robust-list walk and clear_child_tid at thread exit; see man 2 set_robust_list and
// man 2 set_tid_address.
#include <kernel/futex/thread_exit.h>

#include <ostd/mm/vm_io.h>

#include <kernel/abi/futex.h>
#include <kernel/futex/futex.h>

namespace kernel::futex {
namespace {

namespace fx = abi::futex;

template <typename T>
ostd::Result<T> read(AddressSpace& as, uint64_t va) {
    auto r = ostd::VmReader::from_user(as.vm_space(), ostd::Vaddr(va), sizeof(T));
    return r.read_val<T>();
}

template <typename T>
ostd::Result<void> write(AddressSpace& as, uint64_t va, const T& v) {
    auto w = ostd::VmWriter::from_user(as.vm_space(), ostd::Vaddr(va), sizeof(T));
    return w.write_val(v);
}

// handle_futex_death(): the lock word at uaddr is owned by the dead thread: flag OWNER_DIED,
// keep WAITERS, and wake one waiter so it can recover the lock.
void futex_death(AddressSpace& as, uint64_t uaddr, uint32_t tid) {
    if (uaddr % 4) return;
    auto v = read<uint32_t>(as, uaddr);
    if (v.is_error() || (v.value() & fx::kTidMask) != tid) return;
    uint32_t nv = (v.value() & fx::kWaiters) | fx::kOwnerDied;
    if (write(as, uaddr, nv).is_error()) return;
    if (v.value() & fx::kWaiters) (void)wake(as, uaddr, Scope::kShared, 1);
}

void walk_robust_list(Thread& t, AddressSpace& as) {
    uint64_t head = t.robust_list_head;
    auto next = read<uint64_t>(as, head);
    auto offset = read<int64_t>(as, head + 8);
    auto pending = read<uint64_t>(as, head + 16);
    if (next.is_error() || offset.is_error() || pending.is_error()) return;
    uint32_t tid = static_cast<uint32_t>(t.tid());
    uint64_t entry = next.value();
    uint64_t op_pending = pending.value() & ~uint64_t{1};  // Bit 0 marks PI futexes.
    for (unsigned n = 0; entry != head && n < kRobustListLimit; ++n) {
        uint64_t e = entry & ~uint64_t{1};
        auto following = read<uint64_t>(as, e);  // Fetch before the word can be reused.
        if (e != op_pending) futex_death(as, e + static_cast<uint64_t>(offset.value()), tid);
        if (following.is_error()) return;
        entry = following.value();
    }
    if (op_pending) futex_death(as, op_pending + static_cast<uint64_t>(offset.value()), tid);
}

}  // namespace

void release_thread_futexes(Thread& thread) {
    AddressSpace& as = thread.process().address_space();
    if (thread.robust_list_head) walk_robust_list(thread, as);
    thread.robust_list_head = 0;
    thread.robust_list_len = 0;
    if (uint64_t ctid = thread.clear_child_tid) {
        thread.clear_child_tid = 0;
        if (write<uint32_t>(as, ctid, 0).is_ok()) (void)wake(as, ctid, Scope::kShared, 1);
    }
}

}  // namespace kernel::futex
