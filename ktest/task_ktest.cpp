// Task, lock and timer ktests, run on both backends: spawn/join, yields, SpinLock and Mutex under
// contention, WaitQueue and Completion hand-offs, sleeping, timers firing in interrupt context.
#include <ostd/ktest.h>

#include <atomic>
#include <optional>

#include <ostd/irq/irq.h>
#include <ostd/sync/completion.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/spinlock.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/task/preempt.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

namespace {

using namespace ostd;

constexpr int kTasks = 6;

}  // namespace

KTEST(Tasks, SpawnJoinExitStatus) {
    auto t = spawn([] { return 42; }, "child");
    KASSERT_OK(t);
    auto status = t.value()->join();
    KASSERT_OK(status);
    KEXPECT_EQ(status.value(), 42);
}

KTEST(Tasks, YieldInterleaves) {
    static std::atomic<int> turns{0};
    turns = 0;
    std::optional<TaskRef> tasks[kTasks];
    for (int i = 0; i < kTasks; ++i) {
        auto t = spawn([] {
            for (int k = 0; k < 50; ++k) {
                turns.fetch_add(1);
                yield_now();
            }
            return 0;
        });
        KASSERT_OK(t);
        tasks[i].emplace(std::move(t.value()));
    }
    for (auto& t : tasks) KEXPECT_OK((*t)->join());
    KEXPECT_EQ(turns.load(), kTasks * 50);
}

KTEST(Locks, SpinLockAndMutexUnderContention) {
    struct Shared {
        SpinLock spin;
        Mutex mutex;
        long a = 0;
        long b = 0;
    };
    static Shared sh;
    sh.a = sh.b = 0;
    std::optional<TaskRef> tasks[kTasks];
    for (int i = 0; i < kTasks; ++i) {
        auto t = spawn([] {
            for (int k = 0; k < 200; ++k) {
                {
                    SpinLockGuard g(sh.spin);
                    long v = sh.a;
                    sh.a = v + 1;
                }
                {
                    MutexGuard g(sh.mutex);
                    long v = sh.b;
                    if (k % 16 == 0) yield_now();  // sleep-capable lock: yield while holding it
                    sh.b = v + 1;
                }
            }
            return 0;
        });
        KASSERT_OK(t);
        tasks[i].emplace(std::move(t.value()));
    }
    for (auto& t : tasks) KEXPECT_OK((*t)->join());
    KEXPECT_EQ(sh.a, kTasks * 200L);
    KEXPECT_EQ(sh.b, kTasks * 200L);
}

KTEST(Sync, WaitQueueAndCompletionHandOff) {
    static WaitQueue wq;
    static std::atomic<int> stage{0};
    static Completion done;
    stage = 0;
    done.reinit();
    auto t = spawn([] {
        (void)wq.wait_until([] { return stage.load() == 1; });
        stage = 2;
        wq.wake_all();
        done.complete();
        return 0;
    });
    KASSERT_OK(t);
    stage = 1;
    wq.wake_all();
    KEXPECT_OK(wq.wait_until([] { return stage.load() == 2; }));
    done.wait();
    KEXPECT_EQ(stage.load(), 2);
    // A wait with a timeout and nobody to complete it times out.
    Completion never;
    auto r = never.wait(WaitOptions{Interruptible::kNo, 5 * time::kNsPerMs});
    KEXPECT_ERRNO(r, ETIMEDOUT);
    KEXPECT_OK(t.value()->join());
}

KTEST(Time, SleepLastsAtLeastItsDuration) {
    uint64_t t0 = time::now();
    sleep_for(20 * time::kNsPerMs);
    uint64_t slept = time::now() - t0;
    KEXPECT_GE(slept, 20 * time::kNsPerMs);
    KEXPECT_LT(slept, 2000 * time::kNsPerMs);
}

KTEST(Time, TimerFiresInInterruptContext) {
    struct Probe {
        Completion done;
        std::atomic<bool> in_irq{false};
        std::atomic<uint64_t> at{0};
        static void fire(void* arg) {
            auto* p = static_cast<Probe*>(arg);
            p->in_irq = irq::in_interrupt();
            p->at = time::now();
            p->done.complete();
        }
    };
    static Probe p;
    p.done.reinit();
    Timer t(&Probe::fire, &p);
    uint64_t armed = time::now();
    t.arm_after(10 * time::kNsPerMs);
    p.done.wait();
    KEXPECT(p.in_irq.load());
    KEXPECT_GE(p.at.load(), armed + 10 * time::kNsPerMs);
}

KTEST(Sched, PinnedTasksRunOnTheirCpu) {
    static std::atomic<int> seen[4];
    unsigned n = num_cpus() < 4 ? num_cpus() : 4;
    KASSERT_GE(n, 1u);
    std::optional<TaskRef> tasks[4];
    for (unsigned c = 0; c < n; ++c) {
        seen[c] = -1;
        auto t = Task::spawn(TaskOptions([c] {
                                 seen[c] = static_cast<int>(cpu_id());
                                 yield_now();  // still there after a switch
                                 return cpu_id() == c ? 0 : 1;
                             })
                                 .affinity(CpuMask{1} << c)
                                 .name("pinned"));
        KASSERT_OK(t);
        tasks[c].emplace(std::move(t.value()));
    }
    for (unsigned c = 0; c < n; ++c) {
        auto st = (*tasks[c])->join();
        KASSERT_OK(st);
        KEXPECT_EQ(st.value(), 0);
        KEXPECT_EQ(seen[c].load(), static_cast<int>(c));
    }
}

// The timer tick ends a busy task's time slice at its next safe point, so another task pinned to
// the same CPU runs even though the first never blocks or yields.
KTEST(Sched, TickPreemptsABusyTask) {
    static std::atomic<bool> flag{false};
    flag = false;
    auto spinner = Task::spawn(TaskOptions([] {
                                   uint64_t start = time::now();
                                   while (!flag.load()) {
                                       preempt_point();
                                       if (time::now() - start > 5 * time::kNsPerSec) return 1;
                                   }
                                   return 0;
                               })
                                   .affinity(CpuMask{1})
                                   .name("spinner"));
    KASSERT_OK(spinner);
    auto setter = Task::spawn(TaskOptions([] {
                                  flag = true;
                                  return 0;
                              })
                                  .affinity(CpuMask{1})
                                  .name("setter"));
    KASSERT_OK(setter);
    auto a = spinner.value()->join();
    auto b = setter.value()->join();
    KASSERT_OK(a);
    KASSERT_OK(b);
    KEXPECT_EQ(a.value(), 0);
}
