// ktest bookkeeping (failure counts) and the registry runner used by the bare-metal image.
#include <ostd/ktest.h>

#include <atomic>
#include <cstdarg>

#include <ostd/common/log.h>
#include <ostd/mm/frame.h>
#include <ostd/mm/heap.h>
#include <ostd/task/preempt.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

// The registry: the linker collects every Case placed in section "ktests" between these.
extern "C" const ostd::ktest::Case __start_ktests[] __attribute__((weak));
extern "C" const ostd::ktest::Case __stop_ktests[] __attribute__((weak));

namespace ostd::ktest {
namespace {

std::atomic<unsigned> g_failures{0};

void out(const char* fmt, ...) ORRERY_PRINTF(1, 2);
void out(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    console_write(buf, n < sizeof buf ? n : sizeof buf - 1);
}

bool matches(std::string_view filter, const Case& c) {
    if (filter.empty() || filter == "*" || filter == "all") return !c.crash;
    std::string_view suite(c.suite), name(c.name);
    size_t dot = filter.find('.');
    if (dot == std::string_view::npos) return !c.crash && filter == suite;
    if (filter.substr(0, dot) != suite) return false;
    std::string_view rest = filter.substr(dot + 1);
    if (rest == "*") return !c.crash;
    return rest == name;
}

}  // namespace

void fail(const char* file, int line, const char* fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    g_failures.fetch_add(1, std::memory_order_relaxed);
    out("%s:%d: Failure: %s\n", file, line, msg);
}

unsigned failures() { return g_failures.load(std::memory_order_relaxed); }
void reset() { g_failures.store(0, std::memory_order_relaxed); }

int run_all(std::string_view filter) {
    const Case* begin = __start_ktests;
    const Case* end = __stop_ktests;
    unsigned passed = 0, failed = 0;
    out("[==========] ktest: running on %u CPU(s)\n", num_cpus());
    // CPUs still coming up allocate their idle tasks: let that finish before leak accounting.
    sleep_for(20 * time::kNsPerMs);
    for (const Case* c = begin; c && c != end; ++c) {
        if (!matches(filter, *c)) continue;
        out("[ RUN      ] %s.%s\n", c->suite, c->name);
        reset();
        uint64_t heap_before = heap::stats().live_objects;
        // Frames the heap keeps in its caches are not leaks: count only the others.
        auto heap_frames = [] { return heap::stats().slab_frames + heap::stats().large_frames; };
        uint64_t frames_before = frame_stats().free_frames + heap_frames();
        uint64_t t0 = time::now();
        c->fn();
        uint64_t ms = (time::now() - t0) / 1000000;
        // Exited tasks are reaped asynchronously, other CPUs may be allocating their idle
        // tasks: give the machine a moment to settle before calling a difference a leak.
        uint64_t heap_after = heap::stats().live_objects;
        uint64_t frames_after = frame_stats().free_frames + heap_frames();
        for (int i = 0; i < 50 && (heap_after > heap_before || frames_after < frames_before); ++i) {
            sleep_for(2 * time::kNsPerMs);
            heap_after = heap::stats().live_objects;
            frames_after = frame_stats().free_frames + heap_frames();
        }
        if (heap_after > heap_before)
            fail(c->suite, 0, "leaked %lld heap objects",
                 static_cast<long long>(heap_after - heap_before));
        if (frames_after < frames_before)
            fail(c->suite, 0, "leaked %llu frames",
                 static_cast<unsigned long long>(frames_before - frames_after));
        if (failures() == 0) {
            ++passed;
            out("[       OK ] %s.%s (%lu ms)\n", c->suite, c->name, static_cast<unsigned long>(ms));
        } else {
            ++failed;
            out("[  FAILED  ] %s.%s (%lu ms)\n", c->suite, c->name, static_cast<unsigned long>(ms));
        }
    }
    out("[==========] ktest: %u passed, %u failed\n", passed, failed);
    return static_cast<int>(failed);
}

}  // namespace ostd::ktest
