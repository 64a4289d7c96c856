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
/// the value given to the context_switch() that first entered it. Must never return: it ends by
/// context_switch_final().
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
void* context_switch(Context* from, Context* to, void* arg);

/// Like context_switch() but `from` is finished and will never be resumed; the caller arranges
/// for someone else to context_destroy() it.
[[noreturn]] void context_switch_final(Context* from, Context* to, void* arg);

}  // namespace ostd::hal
