// hal: execution contexts (a stack plus saved registers) and switching between them.
// On the host a context is a fiber switched by a few lines of assembly; on bare metal a kernel
// stack and callee-saved registers. The backend annotates every switch for the sanitizers.
#pragma once

#include <cstddef>

#include <ostd/common/result.h>

namespace ostd::hal {

/// Backend-defined saved state of one context.
struct Context;

/// Entry of a new context. `create_arg` is the value given to context_create(), `switch_arg`
/// the `arg` of the switch that first entered it. Must never return: it ends by
/// context_switch_final_then().
using ContextEntry = void (*)(void* create_arg, void* switch_arg);

/// Creates a suspended context that runs entry(create_arg, ...) on a fresh stack of at least
/// `stack_size` bytes (with a guard page below it). ENOMEM if the stack cannot be mapped.
Result<Context*> context_create(ContextEntry entry, void* create_arg, size_t stack_size);

/// Wraps the calling host thread's own stack (a CPU's boot/idle context). Its state is filled
/// the first time it is switched away from. Destroy with context_destroy() on that thread or
/// after the thread stopped.
Context* context_for_current_thread();

/// Frees the context and its stack. Precondition: the context is not running.
void context_destroy(Context* ctx);

/// Suspends `from` (the running context) and resumes `to`, handing it `arg`. Returns, with the
/// `arg` of whoever switches back to `from`, when some CPU resumes `from`.
/// Built so that a caller that ends with it (a tail call) is resumed straight in its own caller:
/// the resumed side is entered by an indirect jump, not a return, so the CPU predicts it from
/// its branch history instead of the return stack (which holds the suspended side's callers).
void* context_switch(Context* from, Context* to, void* arg);

/// Work the resumed side runs first, on its own stack, once `from` is off the CPU.
using SwitchThen = void (*)(void* arg);

/// Like context_switch(), but `to` first runs then(arg) on its own stack, before it continues
/// where it was suspended (or enters its entry, with `arg` as switch_arg). For work that must
/// wait until `from` is no longer running: releasing a lock held across the switch, freeing
/// `from`. `from` then returns with the `arg` of whoever resumes it.
void* context_switch_then(Context* from, Context* to, SwitchThen then, void* arg);

/// Like context_switch_then() but `from` is finished and will never be resumed; `then` (or
/// someone later) context_destroy()s it.
[[noreturn]] void context_switch_final_then(Context* from, Context* to, SwitchThen then,
                                            void* arg);

}  // namespace ostd::hal
