// Threads of one process changing its address space at the same time (mmap/touch/munmap
// loops on several vCPUs): every mapping stays private to its user, faults resolve, nothing
// leaks or races (run under host-tsan too).
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <atomic>
#include <cerrno>

#include <gtest/gtest.h>

#include "run_program.h"
#include "scripted_memory.h"

namespace {

using ostd::host::ScriptedUser;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using orrery::testing::map_rw;

constexpr uint64_t kThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
                                  CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID |
                                  CLONE_CHILD_SETTID;

// Maps, fills, checks and unmaps a few pages `rounds` times; returns the number of mismatches.
int churn(ScriptedUser& u, uint64_t tag, int rounds) {
    int bad = 0;
    for (int i = 0; i < rounds; ++i) {
        int64_t a = map_rw(u, 4 * 4096);
        if (a < 0) return 1000;
        for (uint64_t p = 0; p < 4; ++p) u.write_u64(a + p * 4096, tag + p + uint64_t(i) * 8);
        for (uint64_t p = 0; p < 4; ++p)
            if (u.read_u64(a + p * 4096) != tag + p + uint64_t(i) * 8) ++bad;
        if (i % 3 == 0) u.syscall(SYS_mprotect, a, 4096, PROT_READ);
        if (u.syscall(SYS_munmap, a, 4 * 4096) != 0) ++bad;
    }
    return bad;
}

void concurrent_churn(unsigned cpus) {
    static std::atomic<int> mismatches;
    mismatches = 0;
    int status = run_program("mm_threads", [](ScriptedUser& u) {
        constexpr int kThreads = 4;
        uint64_t ctids = static_cast<uint64_t>(map_rw(u, 4096));
        for (int t = 0; t < kThreads; ++t) {
            uint64_t stack = static_cast<uint64_t>(map_rw(u, 65536));
            uint64_t tag = uint64_t(t + 1) << 40;
            int64_t tid = u.clone(kThreadFlags, stack + 65536, 0, ctids + 4 * t, 0,
                                  [tag](ScriptedUser& c) {
                                      mismatches += churn(c, tag, 60);
                                      return 0;
                                  });
            EXPECT_GT(tid, 0);
        }
        mismatches += churn(u, 0, 60);
        for (int t = 0; t < kThreads; ++t) {  // Join through CLONE_CHILD_CLEARTID.
            uint64_t w = ctids + 4 * t;
            for (uint32_t v; (u.read(w, &v, 4), v) != 0;)
                u.syscall(SYS_futex, w, FUTEX_WAIT, v, 0, 0, 0);
        }
        return 0;
    }, kernel_machine(cpus));
    EXPECT_EQ(status, 0);
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(MmThreads, ConcurrentMmapMunmapOnTwoCpus) { concurrent_churn(2); }
TEST(MmThreads, ConcurrentMmapMunmapOnFourCpus) { concurrent_churn(4); }

}  // namespace
