// Bare-metal execution contexts: a kernel stack with a guard page (kstack.cpp) and the
// callee-saved registers pushed on it. Switching saves them, swaps rsp and pops the other context's set.
#include <ostd/common/panic.h>
#include <ostd/mm/heap.h>

#include "hal/context.h"
#include "kstack.h"

// bm_ctx_switch(save_sp, new_sp, arg): pushes the callee-saved registers, stores rsp in
// *save_sp, loads new_sp, pops that context's registers and returns `arg` there.
// bm_ctx_switch_then(save_sp, new_sp, then, arg) is the same, except that on the new stack,
// before popping, it calls then(arg). Every saved stack pointer is 8 mod 16 (as after the
// pushes of a call), so the one value pushed before that call aligns it as the ABI requires.
// A new context's stack holds such a frame whose return address is bm_ctx_start, with the
// create argument in r12 and the entry in r13. Tasks run with interrupts on.
__asm__(R"(
    .text
    .globl bm_ctx_switch
    .type bm_ctx_switch, @function
    .p2align 4
bm_ctx_switch:
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
    movq %rdx, %rax
    ret
    .size bm_ctx_switch, .-bm_ctx_switch

    .globl bm_ctx_switch_then
    .type bm_ctx_switch_then, @function
    .p2align 4
bm_ctx_switch_then:
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
    ret
    .size bm_ctx_switch_then, .-bm_ctx_switch_then

    .globl bm_ctx_start
    .type bm_ctx_start, @function
    .p2align 4
bm_ctx_start:
    sti
    movq %r12, %rdi
    movq %rax, %rsi
    xorl %ebp, %ebp
    callq *%r13
    ud2
    .size bm_ctx_start, .-bm_ctx_start
)");

extern "C" {
void* bm_ctx_switch(void** save_sp, void* new_sp, void* arg);
void* bm_ctx_switch_then(void** save_sp, void* new_sp, void (*then)(void*), void* arg);
void bm_ctx_start();
}

namespace ostd::hal {

struct Context {
    void* sp = nullptr;
    std::byte* stack = nullptr;  // lowest byte; null for a CPU's boot context
    size_t stack_size = 0;
};

Result<Context*> context_create(ContextEntry entry, void* create_arg, size_t stack_size) {
    auto* ctx = static_cast<Context*>(heap::alloc(sizeof(Context)));
    if (!ctx) return Error(ENOMEM, "context");
    size_t size = (stack_size + 4095) & ~size_t{4095};
    auto stack = bm::kstack_alloc(size);  // with a guard page below
    if (stack.is_error()) {
        heap::free(ctx);
        return stack.error();
    }
    new (ctx) Context{nullptr, stack.value(), size};
    // SAFETY: the frame lies inside the fresh stack; bm_ctx_switch pops it in this order.
    auto* top = reinterpret_cast<uint64_t*>(stack.value() + size);
    uint64_t* sp = top - 9;  // 8 mod 16, like every suspended context
    sp[0] = reinterpret_cast<uint64_t>(create_arg);  // r12
    sp[1] = reinterpret_cast<uint64_t>(entry);       // r13
    sp[2] = sp[3] = sp[4] = sp[5] = 0;               // r14 r15 rbx rbp
    sp[6] = reinterpret_cast<uint64_t>(&bm_ctx_start);
    sp[7] = sp[8] = 0;
    ctx->sp = sp;
    return ctx;
}

Context* context_for_current_thread() {
    auto* ctx = static_cast<Context*>(heap::alloc(sizeof(Context)));
    if (!ctx) panic("no memory for a CPU's boot context");
    new (ctx) Context{};
    return ctx;
}

void context_destroy(Context* ctx) {
    if (!ctx) return;
    if (ctx->stack) bm::kstack_free(ctx->stack, ctx->stack_size);
    heap::free(ctx);
}

void* context_switch(Context* from, Context* to, void* arg) {
    return bm_ctx_switch(&from->sp, to->sp, arg);
}

void* context_switch_then(Context* from, Context* to, SwitchThen then, void* arg) {
    return bm_ctx_switch_then(&from->sp, to->sp, then, arg);
}

void context_switch_final_then(Context* from, Context* to, SwitchThen then, void* arg) {
    (void)from;
    void* discarded;
    bm_ctx_switch_then(&discarded, to->sp, then, arg);
    panic("a finished context was resumed");
}

}  // namespace ostd::hal
