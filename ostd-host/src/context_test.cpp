// The host context switch: arguments travel both ways, and a switch's `then` runs on the resumed
// side, before it continues, for suspended and new contexts alike (once `from` is off its stack).
#include <gtest/gtest.h>

#include <vector>

#include "hal/context.h"

namespace {

using ostd::hal::Context;

constexpr size_t kStack = 64 << 10;

struct Fixture {
    Context* main = nullptr;
    Context* fiber = nullptr;
    std::vector<long> log;  // Events in execution order.
};
Fixture* g = nullptr;

void* as_arg(long v) {
    return reinterpret_cast<void*>(v);
}
long from_arg(void* p) {
    return reinterpret_cast<long>(p);
}

void log_then(void* arg) {
    g->log.push_back(1000 + from_arg(arg));
}

// Logs its arguments, trades values with main twice, then finishes with a `then` for main.
void trading_fiber(void* create_arg, void* switch_arg) {
    g->log.push_back(from_arg(create_arg));
    g->log.push_back(from_arg(switch_arg));
    g->log.push_back(from_arg(ostd::hal::context_switch(g->fiber, g->main, as_arg(2))));
    g->log.push_back(from_arg(
        ostd::hal::context_switch_then(g->fiber, g->main, &log_then, as_arg(4))));
    ostd::hal::context_switch_final_then(g->fiber, g->main, &log_then, as_arg(6));
}

TEST(HostContext, SwitchesCarryArgumentsAndRunThenOnTheResumedSide) {
    Fixture f;
    g = &f;
    f.main = ostd::hal::context_for_current_thread();
    f.fiber = ostd::hal::context_create(&trading_fiber, as_arg(7), kStack).value();

    // A new context: `then` runs before its entry, which gets the arg as switch_arg.
    void* r = ostd::hal::context_switch_then(f.main, f.fiber, &log_then, as_arg(1));
    f.log.push_back(from_arg(r));  // 2, from the fiber's plain switch.
    r = ostd::hal::context_switch(f.main, f.fiber, as_arg(3));
    f.log.push_back(from_arg(r));  // 4: the fiber's then(4) ran here first.
    r = ostd::hal::context_switch_then(f.main, f.fiber, &log_then, as_arg(5));
    f.log.push_back(from_arg(r));  // 6: the fiber finished with then(6).

    std::vector<long> expected = {1001, 7, 1, 2, 3, 1004, 4, 1005, 5, 1006, 6};
    EXPECT_EQ(f.log, expected);
    ostd::hal::context_destroy(f.fiber);
    ostd::hal::context_destroy(f.main);
    g = nullptr;
}

void destroy_then(void* ctx) {
    g->log.push_back(1);
    ostd::hal::context_destroy(static_cast<Context*>(ctx));  // Its stack is left: it may go.
}

void finishing_fiber(void*, void*) {
    ostd::hal::context_switch_final_then(g->fiber, g->main, &destroy_then, g->fiber);
}

// The use `then` exists for: freeing the context just switched away from, stack included. Under
// ASan a `then` that ran on the old stack would be a use-after-unmap.
TEST(HostContext, ThenMayDestroyTheContextSwitchedAwayFrom) {
    Fixture f;
    g = &f;
    f.main = ostd::hal::context_for_current_thread();
    for (int i = 0; i < 3; ++i) {
        f.fiber = ostd::hal::context_create(&finishing_fiber, nullptr, kStack).value();
        ostd::hal::context_switch(f.main, f.fiber, nullptr);
        f.log.push_back(2);
    }
    std::vector<long> expected = {1, 2, 1, 2, 1, 2};
    EXPECT_EQ(f.log, expected);
    ostd::hal::context_destroy(f.main);
    g = nullptr;
}

}  // namespace
