// Host contexts: Boost.Context fcontext fibers on mmap'd stacks with a guard page. Boost 1.74's
// fcontext knows nothing of sanitizers, so every switch is annotated here for ASan and TSan.
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <boost/context/detail/fcontext.hpp>

#include "hal/context.h"

#ifdef ORRERY_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef ORRERY_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace ctx = boost::context::detail;

// Functions that switch TSan's current fiber must not be instrumented themselves: TSan's
// function-entry push would land on the old fiber's shadow stack and the exit pop on the new
// one's (underflowing a fresh fiber's). So the whole switch path opts out.
#if defined(__clang__)
#define ORRERY_SWITCH_PATH __attribute__((disable_sanitizer_instrumentation))
#elif defined(__SANITIZE_THREAD__)
#define ORRERY_SWITCH_PATH __attribute__((no_sanitize_thread))
#else
#define ORRERY_SWITCH_PATH
#endif

namespace ostd::hal {

struct Context {
    ctx::fcontext_t fctx = nullptr;
    std::byte* map_base = nullptr;  // Whole mapping (guard + stack); null for thread contexts.
    size_t map_size = 0;
    const void* stack_bottom = nullptr;  // Lowest usable stack byte (for ASan).
    size_t stack_size = 0;
    ContextEntry entry = nullptr;
    void* create_arg = nullptr;
    void* fake_stack = nullptr;  // ASan's fake stack of this context while suspended.
    void* tsan_fiber = nullptr;
    bool owns_tsan_fiber = false;
};

namespace {

// Lives on the suspending context's stack; read by the resumed side before anything else runs.
struct SwitchPacket {
    Context* from;
    Context* to;
    void* arg;
};

ORRERY_SWITCH_PATH inline void before_switch(Context* from, Context* to, bool from_finished) {
#ifdef ORRERY_ASAN
    __sanitizer_start_switch_fiber(from_finished ? nullptr : &from->fake_stack, to->stack_bottom,
                                   to->stack_size);
#endif
#ifdef ORRERY_TSAN
    __tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
    (void)from;
    (void)to;
    (void)from_finished;
}

// Runs first thing after a context resumes: records where the suspended one stopped.
ORRERY_SWITCH_PATH inline void* after_switch(Context* self, ctx::transfer_t t) {
    auto* p = static_cast<SwitchPacket*>(t.data);
    p->from->fctx = t.fctx;
#ifdef ORRERY_ASAN
    __sanitizer_finish_switch_fiber(self->fake_stack, nullptr, nullptr);
#endif
    (void)self;
    return p->arg;
}

void trampoline(ctx::transfer_t t) {
    Context* self = static_cast<SwitchPacket*>(t.data)->to;
    void* arg = after_switch(self, t);
    self->entry(self->create_arg, arg);
    __builtin_trap();  // ContextEntry must end with context_switch_final().
}

}  // namespace

Result<Context*> context_create(ContextEntry entry, void* create_arg, size_t stack_size) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t usable = (stack_size + page - 1) & ~(page - 1);
    size_t total = usable + page;
    void* m = mmap(nullptr, total, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED) return Error(ENOMEM, "mmap(task stack)");
    // The lowest page stays inaccessible so an overflow faults instead of corrupting memory.
    if (mprotect(m, page, PROT_NONE) != 0) {
        munmap(m, total);
        return Error(ENOMEM, "mprotect(stack guard)");
    }
    auto* c = new Context;
    c->map_base = static_cast<std::byte*>(m);
    c->map_size = total;
    c->stack_bottom = c->map_base + page;
    c->stack_size = usable;
    c->entry = entry;
    c->create_arg = create_arg;
#ifdef ORRERY_TSAN
    c->tsan_fiber = __tsan_create_fiber(0);
    c->owns_tsan_fiber = true;
#endif
    // SAFETY: [map_base + page, map_base + total) is a fresh read-write mapping owned by c.
    c->fctx = ctx::make_fcontext(c->map_base + total, usable, &trampoline);
    return c;
}

Context* context_for_current_thread() {
    auto* c = new Context;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void* addr = nullptr;
        size_t size = 0;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            c->stack_bottom = addr;
            c->stack_size = size;
        }
        pthread_attr_destroy(&attr);
    }
#ifdef ORRERY_TSAN
    c->tsan_fiber = __tsan_get_current_fiber();
#endif
    return c;
}

void context_destroy(Context* c) {
    if (!c) return;
#ifdef ORRERY_TSAN
    if (c->owns_tsan_fiber) __tsan_destroy_fiber(c->tsan_fiber);
#endif
    if (c->map_base) {
#ifdef ORRERY_ASAN
        // Dead frames leave poisoned shadow behind; a later mapping at this address must not
        // inherit it.
        __asan_unpoison_memory_region(c->stack_bottom, c->stack_size);
#endif
        munmap(c->map_base, c->map_size);
    }
    delete c;
}

ORRERY_SWITCH_PATH void* context_switch(Context* from, Context* to, void* arg) {
    SwitchPacket p{from, to, arg};
    before_switch(from, to, false);
    ctx::transfer_t t = ctx::jump_fcontext(to->fctx, &p);
    return after_switch(from, t);
}

ORRERY_SWITCH_PATH void context_switch_final(Context* from, Context* to, void* arg) {
    SwitchPacket p{from, to, arg};
    before_switch(from, to, true);
    ctx::jump_fcontext(to->fctx, &p);
    __builtin_trap();  // A finished context is never resumed.
}

}  // namespace ostd::hal
