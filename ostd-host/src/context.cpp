// Host contexts: fibers on mmap'd stacks with a guard page, switched by a few lines of x86-64
// assembly that save the callee-saved registers and the stack pointer (no sanitizer knows about
// them, so every switch is annotated here for ASan and TSan).
#include <cstddef>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mutex>

#include <ostd/common/panic.h>

#include "context_host.h"
#include "hal/context.h"
#include "recycler.h"

#include <cstring>

#ifdef ORRERY_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ORRERY_UNPOISON_STACK(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ORRERY_UNPOISON_STACK(p, n) ((void)(p), (void)(n))
#endif
#ifdef ORRERY_TSAN
#include <sanitizer/tsan_interface.h>
#endif

// orrery_ctx_switch(save_sp, new_sp, arg): pushes the callee-saved registers, stores the stack
// pointer in *save_sp, loads new_sp, pops the registers saved there and the resume address, and
// jumps to it with `arg` in rax (the resumed orrery_ctx_switch call thus returns it).
// - It stores the suspended stack pointer before jumping, so no value has to travel back through
//   memory after the switch, and it leaves the MXCSR and x87 control words alone: ostd and the
//   kernel never change them, so they are the same in every context.
// - It resumes by `jmp`, not `ret`: the return stack buffer holds the suspended side's callers,
//   so a `ret` into the other context mispredicts whenever the two were called from different
//   places, while the indirect-branch predictor learns the alternation. A caller that tail-calls
//   the switch is thus resumed straight in its own caller without a mispredicted return.
// orrery_ctx_switch_then(save_sp, new_sp, then, arg) is the same, except that on the new stack,
// before popping, it calls then(arg) (the stack pointer is 8 mod 16 at every saved frame, so
// one push aligns the call).
// A new context's stack holds a frame for that pop sequence whose resume address is
// orrery_ctx_start, with the Context in r12 and the entry in r13.
__asm__(R"(
    .text
    .globl orrery_ctx_switch
    .hidden orrery_ctx_switch
    .type orrery_ctx_switch, @function
    .p2align 4
orrery_ctx_switch:
    pushq %rbp
    pushq %rbx
    pushq %r15
    pushq %r14
    pushq %r13
    pushq %r12
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r12
    popq %r13
    popq %r14
    popq %r15
    popq %rbx
    popq %rbp
    popq %rcx
    movq %rdx, %rax
    jmpq *%rcx
    .size orrery_ctx_switch, .-orrery_ctx_switch

    .globl orrery_ctx_switch_then
    .hidden orrery_ctx_switch_then
    .type orrery_ctx_switch_then, @function
    .p2align 4
orrery_ctx_switch_then:
    pushq %rbp
    pushq %rbx
    pushq %r15
    pushq %r14
    pushq %r13
    pushq %r12
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    pushq %rcx
    movq %rcx, %rdi
    callq *%rdx
    popq %rax
    popq %r12
    popq %r13
    popq %r14
    popq %r15
    popq %rbx
    popq %rbp
    popq %rcx
    jmpq *%rcx
    .size orrery_ctx_switch_then, .-orrery_ctx_switch_then

    .globl orrery_ctx_start
    .hidden orrery_ctx_start
    .type orrery_ctx_start, @function
    .p2align 4
orrery_ctx_start:
    movq %r12, %rdi
    movq %rax, %rsi
    xorl %ebp, %ebp
    callq *%r13
    ud2
    .size orrery_ctx_start, .-orrery_ctx_start
)");

extern "C" {
__attribute__((visibility("hidden"))) void* orrery_ctx_switch(void** save_sp, void* new_sp,
                                                              void* arg);
__attribute__((visibility("hidden"))) void* orrery_ctx_switch_then(void** save_sp, void* new_sp,
                                                                   void (*then)(void*), void* arg);
__attribute__((visibility("hidden"))) void orrery_ctx_start();
}

// Sanitizer builds annotate every switch in C++ around the bare switch (which then must not run
// `then` before the annotation): the switcher leaves `then` in the resumed Context instead.
#if defined(ORRERY_ASAN) || defined(ORRERY_TSAN)
#define ORRERY_SWITCH_ANNOTATED 1
#endif

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
    void* sp = nullptr;             // Saved stack pointer while suspended.
    std::byte* map_base = nullptr;  // Whole mapping (guard + stack); null for thread contexts.
    size_t map_size = 0;
    const void* stack_bottom = nullptr;  // Lowest usable stack byte (for ASan).
    size_t stack_size = 0;
    ContextEntry entry = nullptr;
    void* create_arg = nullptr;
    void* fake_stack = nullptr;  // ASan's fake stack of this context while suspended.
    void* tsan_fiber = nullptr;
    bool owns_tsan_fiber = false;
    SwitchThen then = nullptr;  // Annotated builds: run on resumption (context_switch_then).
    void* then_arg = nullptr;
    // Contexts created while a machine runs are on the live list (context_host.h).
    Context* live_prev = nullptr;
    Context* live_next = nullptr;
    bool live = false;
};

namespace {

#ifdef ORRERY_SWITCH_ANNOTATED
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

#endif

// Runs first thing after a context resumes.
ORRERY_SWITCH_PATH inline void after_switch(Context* self) {
#ifdef ORRERY_ASAN
    __sanitizer_finish_switch_fiber(self->fake_stack, nullptr, nullptr);
#endif
#ifdef ORRERY_SWITCH_ANNOTATED
    if (SwitchThen then = self->then) {
        self->then = nullptr;
        then(self->then_arg);
    }
#endif
    (void)self;
}

// Called by orrery_ctx_start on a new context's first run.
extern "C" [[noreturn]] void orrery_ctx_entry(Context* self, void* arg) {
    after_switch(self);
    self->entry(self->create_arg, arg);
    __builtin_trap();  // ContextEntry must end with context_switch_final_then().
}

// The frame orrery_ctx_switch pops (lowest address first), then its return address.
struct InitialFrame {
    void* r12;
    void* r13;
    void* r14;
    void* r15;
    void* rbx;
    void* rbp;
    void* ret;
};

// Released task stacks kept for reuse (machines boot and power off thousands of times a second
// under the fuzzers). A cached stack reads as zeros again, just like a fresh mapping: nothing
// left on it by one task can be seen by the next.
struct StackCache {
    static constexpr size_t kMax = 64;
    std::mutex mu;
    size_t count = 0;
    struct Entry {
        std::byte* base;
        size_t size;
    } entries[kMax];
};
StackCache g_stack_cache;

std::byte* take_cached_stack(size_t total) {
    std::lock_guard<std::mutex> lk(g_stack_cache.mu);
    for (size_t i = 0; i < g_stack_cache.count; ++i) {
        if (g_stack_cache.entries[i].size != total) continue;
        std::byte* base = g_stack_cache.entries[i].base;
        g_stack_cache.entries[i] = g_stack_cache.entries[--g_stack_cache.count];
        return base;
    }
    return nullptr;
}

#ifndef ORRERY_TSAN
// Whether [p, p + len) reads as zeros. Not ASan-checked: the caller has just unpoisoned it.
__attribute__((no_sanitize("address"))) bool page_is_zero(const std::byte* p, size_t len) {
    const auto* w = reinterpret_cast<const uint64_t*>(p);
    uint64_t any = 0;
    for (size_t i = 0; i < len / sizeof(uint64_t); ++i) any |= w[i];
    return any == 0;
}

// Makes [lo, lo + len) of a stack read as zeros. A task touches a few pages at the top of its
// stack: those (resident, per mincore) are cleared in place, which is cheaper than dropping
// them and taking a page fault on each again at the next task's first touch. The rest are
// still untouched zero pages. Falls back to MADV_DONTNEED. False if neither worked.
bool zero_stack(std::byte* lo, size_t len, size_t page) {
    constexpr size_t kMaxPages = 1024;
    size_t n = len / page;
    unsigned char resident[kMaxPages];
    if (n <= kMaxPages && mincore(lo, len, resident) == 0) {
        // The frames of a task that ended (or was abandoned at power-off) may still be poisoned
        // in ASan's shadow, and a fresh stack is not. Poison lies within frames, and every frame
        // was written at its lowest address (the return address of its deepest call, or ASan's
        // frame header), so none lies below the lowest resident page: unpoisoning from there to
        // the top covers it all, and is less shadow to clear than the whole stack.
        size_t first = 0;
        while (first < n && !(resident[first] & 1)) ++first;
        ORRERY_UNPOISON_STACK(lo + first * page, (n - first) * page);
        // A page stays resident once touched, so a slot's resident set is everything any of
        // its tasks touched; the fuzzers' tasks leave about half of it as they found it, zero.
        // Reading a page is cheaper than writing it: only the pages holding data are cleared.
        for (size_t i = first; i < n; ++i) {
            std::byte* p = lo + i * page;
            if ((resident[i] & 1) && !page_is_zero(p, page)) memset(p, 0, page);
        }
        return true;
    }
    // MADV_DONTNEED on private anonymous memory: the next touch maps a zero page.
    ORRERY_UNPOISON_STACK(lo, len);
    return madvise(lo, len, MADV_DONTNEED) == 0;
}
#endif

// Caches [base, base + total) (guard page first) or unmaps it when the cache is full.
void release_stack(std::byte* base, size_t total, size_t page) {
#ifndef ORRERY_TSAN  // TSan resets its access history of an address only on munmap: no reuse.
    bool cached = false;
    {
        std::lock_guard<std::mutex> lk(g_stack_cache.mu);
        cached = g_stack_cache.count < StackCache::kMax;
    }
    if (cached && zero_stack(base + page, total - page, page)) {
        std::lock_guard<std::mutex> lk(g_stack_cache.mu);
        if (g_stack_cache.count < StackCache::kMax) {
            g_stack_cache.entries[g_stack_cache.count++] = {base, total};
            return;
        }
    }
#else
    (void)page;
#endif
    // Dead frames leave poisoned shadow behind; a later mapping at this address must not
    // inherit it.
    ORRERY_UNPOISON_STACK(base + page, total - page);
    munmap(base, total);
}

// The live list of the running machine's contexts (context_host.h).
struct LiveContexts {
    std::mutex mu;
    bool in_machine = false;
    Context* head = nullptr;
};
LiveContexts g_live;

host::Recycler<Context> g_contexts;

void track(Context* c) {
    std::lock_guard<std::mutex> lk(g_live.mu);
    if (!g_live.in_machine) return;
    c->live = true;
    c->live_next = g_live.head;
    if (g_live.head) g_live.head->live_prev = c;
    g_live.head = c;
}

void untrack(Context* c) {
    if (!c->live) return;
    std::lock_guard<std::mutex> lk(g_live.mu);
    (c->live_prev ? c->live_prev->live_next : g_live.head) = c->live_next;
    if (c->live_next) c->live_next->live_prev = c->live_prev;
    c->live = false;
    c->live_prev = c->live_next = nullptr;
}

}  // namespace

Result<Context*> context_create(ContextEntry entry, void* create_arg, size_t stack_size) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t usable = (stack_size + page - 1) & ~(page - 1);
    size_t total = usable + page;
    void* m = take_cached_stack(total);
    if (!m) {
        m = mmap(nullptr, total, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (m == MAP_FAILED) return Error(ENOMEM, "mmap(task stack)");
        // The lowest page stays inaccessible so an overflow faults instead of corrupting memory.
        if (mprotect(m, page, PROT_NONE) != 0) {
            munmap(m, total);
            return Error(ENOMEM, "mprotect(stack guard)");
        }
    }
    Context* c = g_contexts.make();
    if (!c) {
        release_stack(static_cast<std::byte*>(m), total, page);
        return Error(ENOMEM, "task context");
    }
    track(c);
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
    // The frame ends at the (page-aligned) stack top, so after its `ret` the stack pointer is
    // 16-byte aligned and orrery_ctx_start's call gives the entry the ABI's alignment.
    // SAFETY: [map_base + page, map_base + total) is a fresh read-write mapping owned by c, and
    // the frame lies at its top.
    auto* f = reinterpret_cast<InitialFrame*>(c->map_base + total) - 1;
    *f =
        InitialFrame{c,       reinterpret_cast<void*>(&orrery_ctx_entry), nullptr, nullptr, nullptr,
                     nullptr, reinterpret_cast<void*>(&orrery_ctx_start)};
    c->sp = f;
    return c;
}

Context* context_for_current_thread() {
    Context* c = g_contexts.make();
    if (!c) panic("no host memory for a CPU's context");
    track(c);
    // Looked up once per thread: for the main thread glibc parses /proc/self/maps, and the
    // single-vCPU machines of the fuzzers run on the main thread at every boot.
    thread_local const void* t_stack_bottom = nullptr;
    thread_local size_t t_stack_size = 0;
    if (!t_stack_bottom) {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            void* addr = nullptr;
            size_t size = 0;
            if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
                t_stack_bottom = addr;
                t_stack_size = size;
            }
            pthread_attr_destroy(&attr);
        }
    }
    c->stack_bottom = t_stack_bottom;
    c->stack_size = t_stack_size;
#ifdef ORRERY_TSAN
    c->tsan_fiber = __tsan_get_current_fiber();
#endif
    return c;
}

void context_destroy(Context* c) {
    if (!c) return;
    untrack(c);
#ifdef ORRERY_TSAN
    if (c->owns_tsan_fiber) __tsan_destroy_fiber(c->tsan_fiber);
#endif
    if (c->map_base) release_stack(c->map_base, c->map_size, c->map_size - c->stack_size);
    g_contexts.drop(c);
}

#ifdef ORRERY_SWITCH_ANNOTATED

ORRERY_SWITCH_PATH void* context_switch(Context* from, Context* to, void* arg) {
    before_switch(from, to, false);
    // SAFETY: `from` is running (its sp slot is free), `to` is suspended with a saved sp.
    void* r = orrery_ctx_switch(&from->sp, to->sp, arg);
    after_switch(from);
    return r;
}

ORRERY_SWITCH_PATH void* context_switch_then(Context* from, Context* to, SwitchThen then,
                                             void* arg) {
    to->then = then;  // `to` is suspended: only this switch touches it now.
    to->then_arg = arg;
    return context_switch(from, to, arg);
}

ORRERY_SWITCH_PATH void context_switch_final_then(Context* from, Context* to, SwitchThen then,
                                                  void* arg) {
    to->then = then;
    to->then_arg = arg;
    before_switch(from, to, true);
    void* discarded = nullptr;  // `from` is never resumed.
    // SAFETY: as in context_switch().
    orrery_ctx_switch(&discarded, to->sp, arg);
    __builtin_trap();  // A finished context is never resumed.
}

#else

// Without annotations each of these is a single jump into the assembly, so a caller's tail call
// reaches it with the caller's frame already gone (see orrery_ctx_switch).
void* context_switch(Context* from, Context* to, void* arg) {
    // SAFETY: `from` is running (its sp slot is free), `to` is suspended with a saved sp.
    return orrery_ctx_switch(&from->sp, to->sp, arg);
}

void* context_switch_then(Context* from, Context* to, SwitchThen then, void* arg) {
    // SAFETY: as in context_switch(); `then` runs on `to`'s stack below its saved frame.
    return orrery_ctx_switch_then(&from->sp, to->sp, then, arg);
}

void context_switch_final_then(Context* from, Context* to, SwitchThen then, void* arg) {
    void* discarded = nullptr;  // `from` is never resumed.
    // SAFETY: as in context_switch_then().
    orrery_ctx_switch_then(&discarded, to->sp, then, arg);
    __builtin_trap();  // A finished context is never resumed.
}

#endif

}  // namespace ostd::hal

namespace ostd::host {

void contexts_machine_begin() {
    std::lock_guard<std::mutex> lk(hal::g_live.mu);
    ORRERY_ASSERT(!hal::g_live.head, "contexts of an earlier machine are still tracked");
    hal::g_live.in_machine = true;
}

size_t contexts_reap_machine() {
    hal::Context* list;
    {
        std::lock_guard<std::mutex> lk(hal::g_live.mu);
        hal::g_live.in_machine = false;
        list = hal::g_live.head;
    }
    size_t n = 0;
    while (list) {
        hal::Context* next = list->live_next;
        hal::context_destroy(list);  // unlinks it
        list = next;
        ++n;
    }
    return n;
}

}  // namespace ostd::host
