// The futex table: one list of sleeping waiters under one Mutex. A waiter lives on its task's
// stack and owns a private WaitQueue; a waker unlinks it, marks it woken and wakes it while
// holding the table lock, and a waiter leaves only after taking that lock, so the waker never
// touches a waiter that is gone.
#include <kernel/futex/futex.h>

#include <atomic>

#include <ostd/mm/vm_io.h>
#include <ostd/sync/intrusive_list.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/timer/timer.h>

namespace kernel::futex {
namespace {

struct Key {
    const void* object = nullptr;    // AddressSpace (private) or SharedMemory (shared).
    uint64_t offset = 0;             // Address, or byte offset in the shared memory.
    ostd::RefPtr<SharedMemory> pin;  // Keeps a shared key's object (and so its name) alive.

    bool matches(const Key& o) const { return object == o.object && offset == o.offset; }
};

struct Waiter {
    Key key;
    uint32_t bitset = kMatchAny;
    std::atomic<bool> woken{false};
    ostd::WaitQueue wq;  // Only this waiter's task sleeps here.
    ostd::ListNode link;
};

struct Table {
    ostd::Mutex lock;
    ostd::IntrusiveList<Waiter, &Waiter::link> waiters ORRERY_GUARDED_BY(lock);
};

Table& table() {
    static Table t;
    return t;
}

ostd::Result<Key> key_for(AddressSpace& as, uint64_t uaddr, Scope scope) {
    if (uaddr % sizeof(uint32_t) != 0) return ostd::Error(EINVAL, "futex word not aligned");
    // Like Linux's access_ok(): only the end of the user range is checked here. A private key
    // is just (mm, address), so a wake on an unmapped private word is 0, not EFAULT.
    if (uaddr > ostd::kUserEnd.value() - sizeof(uint32_t)) return ostd::Error(EFAULT);
    Key key{&as, uaddr, nullptr};
    if (scope == Scope::kPrivate) return key;
    if (uaddr < ostd::kUserStart.value()) return ostd::Error(EFAULT);
    // Shared: words in MAP_SHARED memory are named by the memory object, the rest (private
    // mappings) by the address space, as Linux's get_futex_key() does.
    auto vmas = TRY(as.snapshot());
    for (const Vma& v : vmas) {
        if (!v.contains(ostd::Vaddr(uaddr))) continue;
        if (v.shared && v.shm) {
            key.object = v.shm.ptr();
            key.offset = v.shm_pgoff * ostd::kPageSize + (uaddr - v.start.value());
            key.pin = v.shm;
        }
        return key;
    }
    return ostd::Error(EFAULT, "futex word not mapped");
}

ostd::Result<uint32_t> read_word(AddressSpace& as, uint64_t uaddr) {
    auto r = ostd::VmReader::from_user(as.vm_space(), ostd::Vaddr(uaddr), sizeof(uint32_t));
    return r.read_val<uint32_t>();
}

ostd::Result<void> write_word(AddressSpace& as, uint64_t uaddr, uint32_t v) {
    auto w = ostd::VmWriter::from_user(as.vm_space(), ostd::Vaddr(uaddr), sizeof(uint32_t));
    return w.write_val(v);
}

// Wakes up to `count` waiters matching key/bitset. Table lock held.
size_t wake_locked(Table& t, const Key& key, size_t count, uint32_t bitset)
    ORRERY_REQUIRES(t.lock) {
    size_t n = 0;
    Waiter* w = t.waiters.front();
    while (w && n < count) {
        Waiter* next = t.waiters.next(*w);
        if (w->key.matches(key) && (w->bitset & bitset)) {
            t.waiters.remove(*w);
            w->woken.store(true, std::memory_order_release);
            w->wq.wake_all();
            ++n;
        }
        w = next;
    }
    return n;
}

int32_t sign_extend12(uint32_t v) {
    return static_cast<int32_t>(v << 20) >> 20;
}

}  // namespace

void init() {
    Table& t = table();
    ostd::MutexGuard g(t.lock);
    t.waiters.reset();  // A previous machine's waiters lived on stacks that are gone.
}

size_t waiter_count() {
    Table& t = table();
    ostd::MutexGuard g(t.lock);
    return t.waiters.size();
}

ostd::Result<void> wait(AddressSpace& as, uint64_t uaddr, Scope scope, uint32_t expected,
                        uint32_t bitset, uint64_t deadline_ns) {
    if (bitset == 0) return ostd::Error(EINVAL, "empty futex bitset");
    Table& t = table();
    Waiter w;
    w.key = TRY(key_for(as, uaddr, scope));
    w.bitset = bitset;
    {
        ostd::MutexGuard g(t.lock);
        // Read under the lock: a waker changes the word before it takes the lock, so either we
        // see the new value or it sees us queued. No wake-up is lost.
        uint32_t v = TRY(read_word(as, uaddr));
        if (v != expected) return ostd::Error(EAGAIN);
        t.waiters.push_back(w);
    }
    uint64_t timeout = ostd::kNoTimeout;
    if (deadline_ns != kNoDeadline) {
        uint64_t now = ostd::time::now();
        timeout = deadline_ns > now ? deadline_ns - now : 0;
    }
    auto r = w.wq.wait_until([&] { return w.woken.load(std::memory_order_acquire); },
                             {ostd::Interruptible::kYes, timeout});
    ostd::MutexGuard g(t.lock);
    if (w.woken.load(std::memory_order_acquire)) return ostd::ok();  // A wake won the race.
    t.waiters.remove(w);
    return r.is_error() ? r.error() : ostd::Error(EINTR);
}

ostd::Result<size_t> wake(AddressSpace& as, uint64_t uaddr, Scope scope, size_t count,
                          uint32_t bitset) {
    if (bitset == 0) return ostd::Error(EINVAL, "empty futex bitset");
    Key key = TRY(key_for(as, uaddr, scope));
    Table& t = table();
    ostd::MutexGuard g(t.lock);
    return wake_locked(t, key, count, bitset);
}

ostd::Result<size_t> requeue(AddressSpace& as, uint64_t uaddr, uint64_t uaddr2, Scope scope,
                             size_t nr_wake, size_t nr_requeue, std::optional<uint32_t> cmpval) {
    Key from = TRY(key_for(as, uaddr, scope));
    Key to = TRY(key_for(as, uaddr2, scope));
    Table& t = table();
    ostd::MutexGuard g(t.lock);
    if (cmpval) {
        uint32_t v = TRY(read_word(as, uaddr));
        if (v != *cmpval) return ostd::Error(EAGAIN);
    }
    size_t woken = wake_locked(t, from, nr_wake, kMatchAny);
    size_t moved = 0;
    for (Waiter* w = t.waiters.front(); w && moved < nr_requeue; w = t.waiters.next(*w)) {
        if (!w->key.matches(from)) continue;
        w->key = to;  // Stays queued (in order); now sleeps on uaddr2.
        ++moved;
    }
    return woken + moved;
}

ostd::Result<size_t> wake_op(AddressSpace& as, uint64_t uaddr, uint64_t uaddr2, Scope scope,
                             size_t nr_wake, size_t nr_wake2, uint32_t encoded_op) {
    enum : uint32_t { kSet = 0, kAdd = 1, kOr = 2, kAndn = 3, kXor = 4, kOpargShift = 8 };
    enum : uint32_t { kEq = 0, kNe = 1, kLt = 2, kLe = 3, kGt = 4, kGe = 5 };
    uint32_t op = (encoded_op >> 28) & 0xf;
    uint32_t cmp = (encoded_op >> 24) & 0xf;
    int32_t oparg = sign_extend12((encoded_op >> 12) & 0xfff);
    int32_t cmparg = sign_extend12(encoded_op & 0xfff);
    if (op & kOpargShift) {
        oparg = 1 << (static_cast<uint32_t>(oparg) & 31);  // Linux masks bad shifts too.
        op &= ~uint32_t{kOpargShift};
    }
    if (op > kXor || cmp > kGe) return ostd::Error(ENOSYS, "unknown FUTEX_WAKE_OP encoding");
    Key k1 = TRY(key_for(as, uaddr, scope));
    Key k2 = TRY(key_for(as, uaddr2, scope));
    Table& t = table();
    ostd::MutexGuard g(t.lock);
    int32_t old = static_cast<int32_t>(TRY(read_word(as, uaddr2)));
    uint32_t u = static_cast<uint32_t>(old), a = static_cast<uint32_t>(oparg);
    uint32_t nv = op == kSet    ? a
                  : op == kAdd  ? u + a
                  : op == kOr   ? u | a
                  : op == kAndn ? u & ~a
                                : u ^ a;
    TRY(write_word(as, uaddr2, nv));
    size_t n = wake_locked(t, k1, nr_wake, kMatchAny);
    bool pass = cmp == kEq   ? old == cmparg
                : cmp == kNe ? old != cmparg
                : cmp == kLt ? old < cmparg
                : cmp == kLe ? old <= cmparg
                : cmp == kGt ? old > cmparg
                             : old >= cmparg;
    if (pass) n += wake_locked(t, k2, nr_wake2, kMatchAny);
    return n;
}

}  // namespace kernel::futex
