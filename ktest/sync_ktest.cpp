// More synchronisation and timer ktests, run on both backends: reader-writer locks under
// contention, timer cancellation, complete_all, and interruptible sleeps returning EINTR.
#include <ostd/ktest.h>

#include <atomic>
#include <optional>

#include <ostd/sync/completion.h>
#include <ostd/sync/rw_mutex.h>
#include <ostd/sync/rwlock.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

namespace {

using namespace ostd;

}  // namespace

KTEST(RwLocks, WritersExcludeReaders) {
    struct Shared {
        RwLock spin;
        RwMutex sleep;
        long a = 0, b = 0;  // under `spin`: a writer keeps a == b; readers check it
        long c = 0;         // under `sleep`
        std::atomic<int> torn{0};
    };
    static Shared sh;
    sh.a = sh.b = sh.c = 0;
    sh.torn = 0;
    std::optional<TaskRef> tasks[6];
    for (int i = 0; i < 6; ++i) {
        bool writer = i % 2 == 0;
        auto t = spawn([writer] {
            for (int k = 0; k < 100; ++k) {
                if (writer) {
                    {
                        RwLockWriteGuard g(sh.spin);
                        ++sh.a;
                        ++sh.b;
                    }
                    RwMutexWriteGuard g(sh.sleep);
                    long v = ++sh.c;
                    yield_now();  // sleeping lock: others run meanwhile, none gets in
                    if (sh.c != v) sh.torn.fetch_add(1);
                } else {
                    {
                        RwLockReadGuard g(sh.spin);
                        if (sh.a != sh.b) sh.torn.fetch_add(1);
                    }
                    RwMutexReadGuard g(sh.sleep);
                    long v = sh.c;
                    yield_now();  // readers share the lock; no writer may change c meanwhile
                    if (sh.c != v) sh.torn.fetch_add(1);
                }
            }
            return 0;
        });
        KASSERT_OK(t);
        tasks[i].emplace(std::move(t.value()));
    }
    for (auto& t : tasks) KEXPECT_OK((*t)->join());
    KEXPECT_EQ(sh.torn.load(), 0);
    KEXPECT_EQ(sh.a, 300L);
    KEXPECT_EQ(sh.c, 300L);
}

KTEST(Timers, CancelledTimerNeverFires) {
    static std::atomic<int> fired{0};
    fired = 0;
    Timer t([](void*) { fired.fetch_add(1); }, nullptr);
    t.arm_after(5 * time::kNsPerMs);
    KEXPECT(t.is_armed());
    KEXPECT(t.cancel());
    KEXPECT(!t.is_armed());
    sleep_for(15 * time::kNsPerMs);
    KEXPECT_EQ(fired.load(), 0);
    KEXPECT(!t.cancel());  // nothing left to cancel
}

KTEST(Sync, CompleteAllReleasesEveryWaiter) {
    static Completion go;
    static std::atomic<int> released{0};
    go.reinit();
    released = 0;
    std::optional<TaskRef> tasks[4];
    for (auto& slot : tasks) {
        auto t = spawn([] {
            go.wait();
            released.fetch_add(1);
            return 0;
        });
        KASSERT_OK(t);
        slot.emplace(std::move(t.value()));
    }
    sleep_for(2 * time::kNsPerMs);
    KEXPECT_EQ(released.load(), 0);
    go.complete_all();
    for (auto& t : tasks) KEXPECT_OK((*t)->join());
    KEXPECT_EQ(released.load(), 4);
    KEXPECT(go.try_wait());  // complete_all stays signalled
}

KTEST(Sync, InterruptEndsInterruptibleWaits) {
    static WaitQueue wq;
    static std::atomic<int> result{0};
    result = 0;
    auto t = spawn([] {
        auto r = wq.wait_until([] { return false; },
                               WaitOptions{Interruptible::kYes, kNoTimeout});
        result = r.is_error() ? r.error().code() : -1;
        auto s = sleep_for_interruptible(10 * time::kNsPerSec);  // interrupted already: EINTR
        return s.is_error() && s.error().code() == EINTR ? 0 : 1;
    });
    KASSERT_OK(t);
    sleep_for(3 * time::kNsPerMs);
    t.value()->interrupt();
    auto st = t.value()->join();
    KASSERT_OK(st);
    KEXPECT_EQ(st.value(), 0);
    KEXPECT_EQ(result.load(), EINTR);
}
