// SpinLock, RwLock, Mutex, RwMutex and Locked<T>: semantics and misuse panics.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include <ostd/sync/locked.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/rw_mutex.h>
#include <ostd/sync/rwlock.h>
#include <ostd/sync/spinlock.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include "kernel_env.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;

TEST(SpinLock, WorksOutsideAMachine) {
    ostd::SpinLock l;
    l.lock();
    EXPECT_TRUE(l.is_locked());
    EXPECT_FALSE(l.try_lock());
    l.unlock();
    EXPECT_TRUE(l.try_lock());
    l.unlock();
}

TEST(SpinLock, DisablesPreemptionWhileHeld) {
    run_in_kernel(
        [] {
            ostd::SpinLock l;
            EXPECT_FALSE(ostd::in_atomic());
            {
                ostd::SpinLockGuard g(l);
                EXPECT_TRUE(ostd::in_atomic());
            }
            EXPECT_FALSE(ostd::in_atomic());
            {
                ostd::SpinLockIrqGuard g(l);
                EXPECT_FALSE(ostd::irq::is_local_enabled());
            }
            EXPECT_TRUE(ostd::irq::is_local_enabled());
        },
        small_machine());
}

TEST(SpinLock, MutualExclusionAcrossCpus) {
    run_in_kernel(
        [] {
            ostd::SpinLock l;
            long counter = 0;
            std::atomic<int> inside{0};
            std::atomic<int> violations{0};
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < 8; ++i) {
                tasks.push_back(MUST(ostd::spawn([&] {
                    for (int k = 0; k < 2000; ++k) {
                        ostd::SpinLockGuard g(l);
                        if (inside.fetch_add(1) != 0) ++violations;
                        ++counter;
                        inside.fetch_sub(1);
                    }
                    return 0;
                })));
            }
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(counter, 8 * 2000);
            EXPECT_EQ(violations.load(), 0);
        },
        small_machine(4));
}

TEST(RwLock, ReadersShareWritersExclude) {
    run_in_kernel(
        [] {
            ostd::RwLock l;
            l.lock_shared();
            l.lock_shared();
            EXPECT_EQ(l.reader_count(), 2u);
            l.unlock_shared();
            l.unlock_shared();
            {
                ostd::RwLockWriteGuard g(l);
                EXPECT_TRUE(l.is_write_locked());
                EXPECT_TRUE(ostd::in_atomic());
            }
            EXPECT_FALSE(l.is_write_locked());
            int value = 0;
            std::atomic<int> bad{0};
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < 6; ++i) {
                tasks.push_back(MUST(ostd::spawn([&, i] {
                    for (int k = 0; k < 1000; ++k) {
                        if (i % 3 == 0) {
                            ostd::RwLockWriteGuard g(l);
                            value++;
                            value++;
                        } else {
                            ostd::RwLockReadGuard g(l);
                            if (value % 2 != 0) ++bad;
                        }
                    }
                    return 0;
                })));
            }
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(value, 2 * 2 * 1000);
            EXPECT_EQ(bad.load(), 0);
        },
        small_machine(3));
}

TEST(Mutex, SleepsAndExcludes) {
    run_in_kernel(
        [] {
            ostd::Mutex m;
            long counter = 0;
            std::atomic<int> inside{0};
            std::atomic<int> violations{0};
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < 6; ++i) {
                tasks.push_back(MUST(ostd::spawn([&] {
                    for (int k = 0; k < 200; ++k) {
                        ostd::MutexGuard g(m);
                        if (inside.fetch_add(1) != 0) ++violations;
                        if (k % 50 == 0)
                            ostd::sleep_for(10 * ostd::time::kNsPerUs);  // Held across sleep.
                        ++counter;
                        inside.fetch_sub(1);
                    }
                    return 0;
                })));
            }
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(counter, 6 * 200);
            EXPECT_EQ(violations.load(), 0);
            EXPECT_FALSE(m.is_locked());
        },
        small_machine(2));
}

TEST(Mutex, TryLockAndOwner) {
    run_in_kernel(
        [] {
            ostd::Mutex m;
            EXPECT_TRUE(m.try_lock());
            EXPECT_TRUE(m.is_held_by_current());
            EXPECT_EQ(m.owner(), &ostd::Task::current());
            bool other_got_it = true;
            auto t = MUST(ostd::spawn([&] {
                other_got_it = m.try_lock();
                return 0;
            }));
            MUST(t->join());
            EXPECT_FALSE(other_got_it);
            m.unlock();
            EXPECT_FALSE(m.is_locked());
        },
        small_machine());
}

TEST(Mutex, LockInterruptibleFailsOnInterrupt) {
    run_in_kernel(
        [] {
            ostd::Mutex m;
            m.lock();
            std::atomic<int> result{-1};
            auto t = MUST(ostd::spawn([&] {
                bool got = m.lock_interruptible();
                result = got ? 1 : 0;
                if (got) m.unlock();
                return 0;
            }));
            ostd::sleep_for(ostd::time::kNsPerMs);
            t->interrupt();
            MUST(t->join());
            EXPECT_EQ(result.load(), 0);
            m.unlock();
        },
        small_machine());
}

TEST(RwMutex, ReadersConcurrentWriterExclusive) {
    run_in_kernel(
        [] {
            ostd::RwMutex m;
            std::atomic<int> readers_in{0};
            std::atomic<int> max_readers{0};
            std::atomic<int> bad{0};
            int value = 0;
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < 6; ++i) {
                tasks.push_back(MUST(ostd::spawn([&, i] {
                    for (int k = 0; k < 100; ++k) {
                        if (i == 0) {
                            ostd::RwMutexWriteGuard g(m);
                            if (readers_in.load() != 0) ++bad;
                            value++;
                            ostd::yield_now();
                            value++;
                        } else {
                            ostd::RwMutexReadGuard g(m);
                            int n = readers_in.fetch_add(1) + 1;
                            int prev = max_readers.load();
                            while (n > prev && !max_readers.compare_exchange_weak(prev, n)) {
                            }
                            if (value % 2 != 0) ++bad;
                            ostd::yield_now();
                            readers_in.fetch_sub(1);
                        }
                    }
                    return 0;
                })));
            }
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(bad.load(), 0);
            EXPECT_EQ(value, 200);
            EXPECT_GE(max_readers.load(), 2);
        },
        small_machine(2));
}

TEST(Locked, GuardHandsOutTheValue) {
    run_in_kernel(
        [] {
            ostd::Locked<std::vector<int>> spin_locked;
            spin_locked.lock()->push_back(3);
            EXPECT_EQ(spin_locked.with([](std::vector<int>& v) { return v.size(); }), 1u);
            ostd::Locked<int, ostd::Mutex> counter(40);
            {
                auto g = counter.lock();
                *g += 2;
            }
            EXPECT_EQ(*counter.lock(), 42);
        },
        small_machine());
}

// --- Misuse panics -----------------------------------------------------------------------

TEST(LockDeathTest, UnlockingUnheldSpinLock) {
    EXPECT_DEATH(
        run_in_kernel(
            [] {
                ostd::SpinLock l;
                ostd::preempt_disable();  // Keep the preempt count balanced up to the check.
                l.unlock();
            },
            small_machine()),
        "unlocking a SpinLock that is not locked");
}

#ifdef ORRERY_DEBUG  // Release builds do not track the owner: recursion just deadlocks.
TEST(LockDeathTest, SpinLockRecursion) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::SpinLock l;
                         l.lock();
                         l.lock();
                     },
                     small_machine()),
                 "SpinLock recursion");
}

#endif

TEST(LockDeathTest, SleepingWithSpinLockHeld) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::SpinLock l;
                         ostd::SpinLockGuard g(l);
                         ostd::sleep_for(1000);
                     },
                     small_machine()),
                 "while atomic");
}

TEST(LockDeathTest, MutexLockWithPreemptionDisabled) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::Mutex m;
                         ostd::PreemptGuard g;
                         m.lock();
                     },
                     small_machine()),
                 "Mutex::lock\\(\\) while atomic");
}

TEST(LockDeathTest, RecursiveMutex) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::Mutex m;
                         m.lock();
                         m.lock();
                     },
                     small_machine()),
                 "recursive Mutex::lock");
}

TEST(LockDeathTest, UnlockingUnheldMutex) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::Mutex m;
                         m.unlock();
                     },
                     small_machine()),
                 "unlocking a Mutex that is not locked");
}

TEST(LockDeathTest, UnlockingMutexOwnedByAnotherTask) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::Mutex m;
                         m.lock();
                         auto t = MUST(ostd::spawn([&] {
                             m.unlock();
                             return 0;
                         }));
                         (void)t->join();
                     },
                     small_machine()),
                 "unlocking a Mutex owned by another task");
}

TEST(LockDeathTest, UnlockingUnheldRwLock) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::RwLock l;
                         ostd::preempt_disable();
                         l.unlock_shared();
                     },
                     small_machine()),
                 "not read-locked");
}

TEST(LockDeathTest, RecursiveRwMutexWrite) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::RwMutex m;
                         m.lock();
                         m.lock();
                     },
                     small_machine()),
                 "recursive RwMutex::lock");
}

TEST(LockDeathTest, UnlockingUnheldRwMutex) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::RwMutex m;
                         m.unlock_shared();
                     },
                     small_machine()),
                 "not read-locked");
}

}  // namespace
