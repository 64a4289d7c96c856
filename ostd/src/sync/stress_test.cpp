// Stress: 4 vCPUs, over a thousand tasks contending on a Mutex, a SpinLock and a WaitQueue-based
// semaphore, with mutual-exclusion and counter invariants checked. Meant for host-tsan too.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include <ostd/sync/completion.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/spinlock.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/task/task.h>

#include "kernel_env.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;

// A counting semaphore from a WaitQueue, to stress wait/wake races.
class Semaphore {
  public:
    explicit Semaphore(int n) : tokens_(n) {}
    void down() {
        MUST(wq_.wait_until([this] {
            int t = tokens_.load();
            while (t > 0)
                if (tokens_.compare_exchange_weak(t, t - 1)) return true;
            return false;
        }));
    }
    void up() {
        tokens_.fetch_add(1);
        wq_.wake_one();
    }

  private:
    std::atomic<int> tokens_;
    ostd::WaitQueue wq_;
};

TEST(Stress, ThousandTasksOnMutexSpinLockAndWaitQueue) {
    constexpr int kTasks = 1200;
    constexpr int kIters = 20;
    constexpr int kSlots = 3;
    int status = run_in_kernel(
        [] {
            ostd::Mutex mutex;
            ostd::SpinLock spin;
            Semaphore sem(kSlots);
            long mutex_counter = 0;
            long spin_counter = 0;
            std::atomic<int> in_mutex{0}, in_spin{0}, in_sem{0};
            std::atomic<int> violations{0};
            std::atomic<int> finished{0};
            ostd::Completion all_done;

            std::vector<ostd::TaskRef> tasks;
            tasks.reserve(kTasks);
            for (int i = 0; i < kTasks; ++i) {
                auto t =
                    ostd::Task::spawn(ostd::TaskOptions([&, i] {
                                          for (int k = 0; k < kIters; ++k) {
                                              {
                                                  ostd::MutexGuard g(mutex);
                                                  if (in_mutex.fetch_add(1) != 0) violations++;
                                                  mutex_counter++;
                                                  if ((i + k) % 7 == 0)
                                                      ostd::yield_now();  // Sleep-capable lock.
                                                  in_mutex.fetch_sub(1);
                                              }
                                              {
                                                  ostd::SpinLockGuard g(spin);
                                                  if (in_spin.fetch_add(1) != 0) violations++;
                                                  spin_counter++;
                                                  in_spin.fetch_sub(1);
                                              }
                                              sem.down();
                                              if (in_sem.fetch_add(1) >= kSlots) violations++;
                                              ostd::preempt_point();
                                              in_sem.fetch_sub(1);
                                              sem.up();
                                          }
                                          if (finished.fetch_add(1) + 1 == kTasks)
                                              all_done.complete();
                                          return i;
                                      })
                                          .priority(static_cast<uint8_t>(2 + i % 4))
                                          .stack_size(64 << 10));
                ASSERT_TRUE(t.is_ok());
                tasks.push_back(t.release_value());
            }
            all_done.wait();
            for (int i = 0; i < kTasks; ++i)
                EXPECT_EQ(MUST(tasks[i]->join()), i);
            EXPECT_EQ(violations.load(), 0);
            EXPECT_EQ(mutex_counter, long{kTasks} * kIters);
            EXPECT_EQ(spin_counter, long{kTasks} * kIters);
            EXPECT_FALSE(mutex.is_locked());
            EXPECT_FALSE(spin.is_locked());
        },
        small_machine(4));
    EXPECT_EQ(status, 0);
}

}  // namespace
