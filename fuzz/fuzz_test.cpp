// The fuzzing harness's guarantees: reset per input is exact (A then B behaves like B alone,
// same result and same coverage), replay is deterministic, hangs end by the virtual-time
// budget, and every input in corpora/regressions and the seed corpus runs clean.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "harness.h"
#include "parser_targets.h"
#include "program_builder.h"

// Coverage counters of the instrumented build (fuzz preset: -fsanitize=fuzzer-no-link). The
// compiler-emitted module constructor hands them over here; plain builds never call this.
namespace {
std::vector<std::pair<uint8_t*, uint8_t*>> g_counters;
}
extern "C" void __sanitizer_cov_8bit_counters_init(uint8_t* start, uint8_t* end) {
    if (start != end) g_counters.emplace_back(start, end);
}
// The PC table parallel to the counters (pairs of pc, flags), to name differing edges.
std::vector<std::pair<const uintptr_t*, const uintptr_t*>> g_pcs;
extern "C" void __sanitizer_cov_pcs_init(const uintptr_t* begin, const uintptr_t* end) {
    if (begin != end) g_pcs.emplace_back(begin, end);
}
extern "C" void __sanitizer_symbolize_pc(void* pc, const char* fmt, char* out, size_t size)
    __attribute__((weak));

namespace {
std::string edge_name(size_t index) {
    for (auto [b, e] : g_pcs) {
        size_t n = static_cast<size_t>(e - b) / 2;
        if (index >= n) {
            index -= n;
            continue;
        }
        char buf[512] = "?";
        if (__sanitizer_symbolize_pc)
            __sanitizer_symbolize_pc(reinterpret_cast<void*>(b[2 * index]), "%F %L", buf,
                                     sizeof buf);
        return buf;
    }
    return "?";
}
}  // namespace

namespace orrery::fuzz {
namespace {

void clear_coverage() {
    for (auto [b, e] : g_counters)
        std::fill(b, e, uint8_t{0});
}

// Which counters fired (hit counts vary with nothing but are compared as a set, like
// libFuzzer's features without counts).
std::vector<bool> coverage() {
    std::vector<bool> hit;
    for (auto [b, e] : g_counters)
        for (uint8_t* p = b; p < e; ++p)
            hit.push_back(*p != 0);
    return hit;
}

struct Observed {
    RunResult result;
    std::vector<bool> cover;
};

Observed observe(const std::vector<uint8_t>& input, const RunOptions& options = {}) {
    clear_coverage();
    Observed o{run_syscall_input(input.data(), input.size(), options), {}};
    o.cover = coverage();
    return o;
}

void expect_same(const Observed& a, const Observed& b) {
    EXPECT_EQ(a.result.status, b.result.status);
    EXPECT_EQ(a.result.outcome, b.result.outcome);
    EXPECT_EQ(a.result.program.calls, b.result.program.calls);
    EXPECT_EQ(a.result.program.digest, b.result.program.digest);
    ASSERT_EQ(a.cover.size(), b.cover.size());
    size_t diff = 0;
    std::string where;
    for (size_t i = 0; i < a.cover.size(); ++i) {
        if (a.cover[i] == b.cover[i]) continue;
        ++diff;
        if (diff <= 8) where += "\n  " + std::string(a.cover[i] ? "only first: " : "only second: ") +
                                edge_name(i);
    }
    EXPECT_EQ(diff, 0u) << "coverage differs in " << diff << " counters:" << where;
}

std::vector<uint8_t> random_input(std::mt19937_64& rng, size_t max) {
    std::vector<uint8_t> v(rng() % max);
    for (auto& b : v)
        b = uint8_t(rng());
    return v;
}

// A program that changes lots of kernel state a later input could observe if reset leaked:
// credentials, umask, hostname, signal dispositions, mappings, rlimits, a child process.
std::vector<uint8_t> stateful_program() {
    return ProgramBuilder()
        .call("umask", {1}, 2)
        .call("sethostname", {}, 8)
        .call("setuid", {2})
        .call("rt_sigaction", {}, 16)
        .call("mmap", {}, 16)
        .call("setrlimit", {}, 8)
        .call("alarm", {3})
        .call("fork", {3, 0})
        .call("getpid")
        .call("brk", {}, 4)
        .bytes();
}

// Reads the state a previous input may have changed.
std::vector<uint8_t> probing_program() {
    return ProgramBuilder()
        .call("getpid")
        .call("umask", {0, 0})
        .call("getuid")
        .call("uname", {}, 2)
        .call("getrlimit", {}, 4)
        .call("alarm", {0, 0})
        .call("fork", {0, 0})
        .call("wait4", {}, 8)
        .call("mmap", {}, 16)
        .call("getrandom", {}, 6)
        .call("clock_gettime", {}, 4)
        .bytes();
}

TEST(FuzzReset, AThenBMatchesBAlone) {
    fuzz_init_logging();
    (void)observe(probing_program());  // warm-up: process-level lazy initialisation
    Observed alone = observe(probing_program());
    (void)observe(stateful_program());
    Observed after = observe(probing_program());
    expect_same(alone, after);
    EXPECT_GT(alone.result.program.calls, 5);
    if (g_counters.empty()) {
        GTEST_LOG_(INFO) << "not a coverage build: results compared only";
    } else {
        // The comparison means something only if the kernel's edges were counted.
        EXPECT_GT(std::count(alone.cover.begin(), alone.cover.end(), true), 100);
    }
}

// The same with the whole machine's coverage kept (the fuzzers count only the program's): a
// boot or a shutdown that depended on an earlier machine would show here.
TEST(FuzzReset, AThenBMatchesBAloneIncludingBoot) {
    fuzz_init_logging();
    RunOptions with_boot;
    with_boot.machine_coverage = true;
    (void)observe(probing_program(), with_boot);
    Observed alone = observe(probing_program(), with_boot);
    (void)observe(stateful_program(), with_boot);
    Observed after = observe(probing_program(), with_boot);
    expect_same(alone, after);
    if (!g_counters.empty()) {
        // The program's coverage is part of the machine's, which also has boot and shutdown.
        Observed program = observe(probing_program());
        size_t only_program = 0, only_machine = 0;
        for (size_t i = 0; i < program.cover.size(); ++i) {
            only_program += program.cover[i] && !alone.cover[i];
            only_machine += alone.cover[i] && !program.cover[i];
        }
        EXPECT_EQ(only_program, 0u);
        EXPECT_GT(only_machine, 100u);
    }
}

TEST(FuzzReset, RandomPairsMatch) {
    fuzz_init_logging();
    std::mt19937_64 rng(42);
    std::vector<uint8_t> warm = random_input(rng, 256);
    (void)observe(warm);
    for (int i = 0; i < 12; ++i) {
        auto a = random_input(rng, 400);
        auto b = random_input(rng, 400);
        Observed alone = observe(b);
        (void)observe(a);
        Observed after = observe(b);
        SCOPED_TRACE("pair " + std::to_string(i));
        expect_same(alone, after);
    }
}

// Many inputs in a row, then each again in a shuffled order: every input sees different
// predecessors the second time, yet behaves and covers exactly as the first time.
TEST(FuzzReset, LongSequenceReplaysInAnyOrder) {
    fuzz_init_logging();
    std::mt19937_64 rng(2026);
    std::vector<std::vector<uint8_t>> inputs;
    for (int i = 0; i < 40; ++i)
        inputs.push_back(i % 8 == 0 ? stateful_program() : random_input(rng, 600));
    inputs.push_back(probing_program());
    (void)observe(inputs.back());  // warm-up: process-level lazy initialisation
    std::vector<Observed> first;
    for (const auto& in : inputs)
        first.push_back(observe(in));
    std::vector<size_t> order(inputs.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i : order) {
        SCOPED_TRACE("input " + std::to_string(i));
        expect_same(first[i], observe(inputs[i]));
    }
}

TEST(FuzzReplay, SameInputSameDigest) {
    fuzz_init_logging();
    std::mt19937_64 rng(7);
    for (int i = 0; i < 8; ++i) {
        auto in = random_input(rng, 600);
        auto r1 = run_syscall_input(in.data(), in.size());
        auto r2 = run_syscall_input(in.data(), in.size());
        EXPECT_EQ(r1.status, r2.status);
        EXPECT_EQ(r1.program.digest, r2.program.digest);
        EXPECT_EQ(r1.program.calls, r2.program.calls);
    }
}

TEST(FuzzHang, PauseEndsByVirtualTimeBudget) {
    fuzz_init_logging();
    auto in = ProgramBuilder().call("getpid").call("pause").call("getpid").bytes();
    RunResult r = run_syscall_input(in.data(), in.size());
    EXPECT_EQ(r.outcome, Outcome::kHung);
    EXPECT_EQ(r.program.calls, 2);
    // A short sleep stays inside the budget: the program runs to its end.
    auto ok = ProgramBuilder().call("getpid").call("sched_yield").bytes();
    RunResult r2 = run_syscall_input(ok.data(), ok.size());
    EXPECT_EQ(r2.outcome, Outcome::kExited);
    EXPECT_EQ(r2.status, 0);
    EXPECT_EQ(r2.program.calls, 2);
}

// Host mappings shaped like task and fiber stacks: a 4 KiB PROT_NONE guard page right below a
// read-write mapping of the stack size (256 KiB). Counting only these keeps the sanitizer
// runtimes' own mappings, which split and merge as they go (TSan's shadow), out of the count.
size_t host_stack_mapping_count() {
    FILE* f = fopen("/proc/self/maps", "r");
    if (!f) return 0;
    size_t n = 0;
    unsigned long guard_end = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        unsigned long lo = 0, hi = 0;
        char perms[8] = {};
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
        if (lo == guard_end && hi - lo == (256ul << 10) && !strcmp(perms, "rw-p")) ++n;
        guard_end = (hi - lo == 4096 && !strcmp(perms, "---p")) ? hi : 0;
    }
    fclose(f);
    return n;
}

// Power-off of a hung input froze its tasks; their fibers (task stacks and the scripted user
// program's fiber, owned by objects on those stacks) must still go at machine end. Each hung
// input used to leak two host mappings, and a long fuzzing run died of the map-count limit.
TEST(FuzzHang, HungInputsLeaveNoHostMappings) {
    fuzz_init_logging();
    // A parent and a forked child both pause: two user threads frozen mid-syscall.
    auto in = ProgramBuilder().call("fork", {0, 0}).call("pause").call("getpid").bytes();
    RunResult first = run_syscall_input(in.data(), in.size());
    ASSERT_EQ(first.outcome, Outcome::kHung);
    size_t before = host_stack_mapping_count();
    for (int i = 0; i < 50; ++i) {
        RunResult r = run_syscall_input(in.data(), in.size());
        ASSERT_EQ(r.outcome, Outcome::kHung);
    }
    // A leak is two stacks per input (100 here); the count may move by the few a machine has
    // live or cached.
    EXPECT_LE(host_stack_mapping_count(), before + 8) << "stacks leaked over 50 hung inputs";
}

TEST(FuzzProgram, ExitCodeAndSyscallBudget) {
    fuzz_init_logging();
    // Int argument: byte 1 (not the random form), then kInts[4] = 3.
    auto in = ProgramBuilder().call("getpid").call("exit_group", {1, 4}).call("getpid").bytes();
    RunResult r = run_syscall_input(in.data(), in.size());
    EXPECT_EQ(r.status, 3);
    EXPECT_EQ(r.program.calls, 2);
    std::vector<uint8_t> many;
    for (int i = 0; i < 500; ++i) {
        int sel = selector_for("getppid");
        many.push_back(uint8_t(sel));
        many.push_back(uint8_t(sel >> 8));
    }
    RunResult r2 = run_syscall_input(many.data(), many.size());
    EXPECT_EQ(r2.program.calls, kMaxCalls);
}

// Found by fuzz/syscalls: an input stopped as hung while a vfork parent waited left its wait
// record (on a task stack that shutdown frees) in a kernel-global list; the next machine's
// first thread exit walked it (UBSan: misaligned VforkWait in vfork_release). The list is now
// reset at boot (kernel/syscall/clone.cpp init_clone).
std::vector<uint8_t> vfork_then_hang() {
    // clone with flag set 3 (VFORK|VM|SIGCHLD), child budget 1, no skip; the child pauses.
    return ProgramBuilder().call("clone", {3, 0, 0}).call("pause").bytes();
}

TEST(FuzzRegression, VforkWaitDoesNotSurviveReset) {
    fuzz_init_logging();
    auto a = vfork_then_hang();
    RunResult ra = run_syscall_input(a.data(), a.size());
    EXPECT_EQ(ra.outcome, Outcome::kHung);
    auto b = ProgramBuilder().call("fork", {0, 0}).call("getpid").call("wait4", {}, 8).bytes();
    for (int i = 0; i < 3; ++i) {
        RunResult rb = run_syscall_input(b.data(), b.size());
        EXPECT_EQ(rb.outcome, Outcome::kExited);
    }
}

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
        closedir(d);
    }
    std::sort(out.begin(), out.end());  // regressions may be sequences: a-..., b-...
    return out;
}

// Sends the host's stdout (the machine console) to /dev/null while it lives.
struct QuietStdout {
    QuietStdout() : saved(dup(1)) {
        fflush(stdout);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            close(null);
        }
    }
    ~QuietStdout() {
        fflush(stdout);
        if (saved >= 0) {
            dup2(saved, 1);
            close(saved);
        }
    }
    int saved;
};

std::vector<uint8_t> slurp(const std::string& path) {
    std::vector<uint8_t> v;
    if (FILE* f = fopen(path.c_str(), "rb")) {
        int c;
        while ((c = fgetc(f)) != EOF)
            v.push_back(uint8_t(c));
        fclose(f);
    }
    return v;
}

// Every seed and regression input of every target runs without a crash (a crash aborts the
// test binary with the sanitizer report or panic message naming the input).
// Found by fuzz/syscalls (a libFuzzer timeout in a 600 s run): a thread of a process in a group
// stop (tkill SIGTTOU) sat in pause(); settle_interrupt() re-interrupts a stopped thread so it
// can take the stop on its way to user mode, but wait_for_signal() only returned for a
// deliverable signal, so it woke and slept again forever without a safe point the virtual
// clock could pass. The wait now returns on a group stop; the stopped process is then an
// ordinary hung input.
TEST(FuzzRegression, StoppedThreadInPauseDoesNotSpin) {
    fuzz_init_logging();
    auto in =
        slurp(ORRERY_SOURCE_DIR "/corpora/regressions/syscalls/stopped-thread-pause-spin.bin");
    ASSERT_FALSE(in.empty());
    RunResult r = run_syscall_input(in.data(), in.size());
    EXPECT_EQ(r.outcome, Outcome::kHung);
}

// Found by a 600 s `make fuzz-bench` run: VM-sharing children and getrandom exhausted the 8 MiB
// machine's kernel heap, and exit_group, which copied the thread list into a Vector to stop
// the threads outside the lock, silently missed them when the copy could not grow: the caller
// returned from exit_group three times and the scripted engine panicked. exit_group now marks
// the threads under the lock and allocates nothing.
TEST(FuzzRegression, ExitGroupWithTheHeapExhaustedDoesNotReturn) {
    fuzz_init_logging();
    auto in =
        slurp(ORRERY_SOURCE_DIR "/corpora/regressions/syscalls/exit-group-heap-exhausted.bin");
    ASSERT_FALSE(in.empty());
    RunResult r = run_syscall_input(in.data(), in.size());  // panicked (aborted) before
    EXPECT_EQ(r.outcome, Outcome::kHung);
    EXPECT_EQ(r.program.calls, kMaxCalls);
}

// Found by a 600 s `make fuzz-bench` run (a libFuzzer timeout): sendfile of up to 2 GiB to the
// console wrote it 256 bytes at a time with no safe point in either loop, so the virtual clock
// stood still and the hang budget could not stop it (~8 M host writes, over 10 s). Both loops
// now call preempt_point(), the input ends as hung within its budget.
TEST(FuzzRegression, SendfileToTheConsoleReachesTheHangBudget) {
    fuzz_init_logging();
    auto in =
        slurp(ORRERY_SOURCE_DIR "/corpora/regressions/syscalls/sendfile-console-no-safe-point.bin");
    ASSERT_FALSE(in.empty());
    QuietStdout quiet;  // megabytes of console output
    RunResult r = run_syscall_input(in.data(), in.size());
    EXPECT_EQ(r.outcome, Outcome::kHung);
}

TEST(FuzzCorpora, SeedsAndRegressionsRunClean) {
    fuzz_init_logging();
    QuietStdout quiet;  // the machine console: some inputs write megabytes
    const std::string root = ORRERY_SOURCE_DIR "/corpora/";
    size_t n = 0;
    for (const char* target : {"syscalls", "cpio", "elf", "pathwalk"}) {
        for (const char* sub : {"", "regressions/"}) {
            for (const auto& path : files_in(root + sub + target)) {
                auto in = slurp(path);
                fprintf(stderr, "corpus input %s\n", path.c_str());
                std::string t = target;
                if (t == "syscalls")
                    (void)run_syscall_input(in.data(), in.size());
                else
                    (void)run_kernel_body(t == "cpio"  ? &cpio_body
                                          : t == "elf" ? &elf_body
                                                       : &pathwalk_body,
                                          in.data(), in.size());
                ++n;
            }
        }
    }
    EXPECT_GT(n, 10u);
}

}  // namespace
}  // namespace orrery::fuzz

// Inputs stopped by the virtual-time budget leave frozen tasks whose host-side fiber objects are
// never destroyed (by design of power-off), so LSan would report them at exit.
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
