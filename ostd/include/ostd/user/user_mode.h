// UserMode: run a thread's user code until it makes a syscall, takes an exception, or the
// kernel has something to do. The kernel's per-thread loop is:
//     UserMode um(space, ctx);
//     for (;;) switch (um.execute(has_event)) { syscall: dispatch; exception: fault; event: ... }
// Two engines sit behind it on the host: scripted programs (C++ functions on fibers, used by tests
// and fuzzers) and, later, native x86-64 code in the user window. The kernel cannot tell which.
#pragma once

#include <string_view>

#include <ostd/common/result.h>
#include <ostd/user/user_context.h>

namespace ostd {

class VmSpace;

enum class ReturnReason : uint8_t {
    kUserSyscall,    // context().syscall_nr()/syscall_arg() hold the call; set_syscall_ret().
    kUserException,  // context().exception() says what; rip points at the faulting instruction.
    kKernelEvent,    // has_kernel_event() returned true (timer, signal pending, kill, ...).
};

namespace detail {
class UserEngine;
class NativeEngine;
}

class UserMode {
public:
    /// Prepares to run `ctx` in `space`. The caller keeps `space` alive while this object lives
    /// and never destroys it while execute() runs.
    UserMode(VmSpace& space, const UserContext& ctx);
    ~UserMode();
    UserMode(const UserMode&) = delete;
    UserMode& operator=(const UserMode&) = delete;

    /// Enters user mode and runs until a syscall, an exception, or has_kernel_event(arg) returns
    /// true (checked on entry and whenever user code could be interrupted). Must be called from
    /// a task (it may be preempted), never with a spinlock held.
    ReturnReason execute(bool (*has_kernel_event)(void* arg), void* arg);
    ReturnReason execute() {
        return execute([](void*) { return false; }, nullptr);
    }

    UserContext& context() { return ctx_; }
    const UserContext& context() const { return ctx_; }
    VmSpace& vm_space() { return *space_; }
    /// Switches address space (execve). Any state tied to the old image is discarded.
    void set_vm_space(VmSpace& space);

private:
    VmSpace* space_;  // Owned by the caller (the kernel's process).
    UserContext ctx_;
    detail::UserEngine* engine_ = nullptr;  // Owned; created lazily by the backend.
    detail::NativeEngine* native_ = nullptr;  // Owned; the host's native engine, if used.
};

/// Entry address of a scripted user program registered with the host backend under `name`
/// (harness/test code registers them). Set it as the context's instruction pointer to start it.
/// ENOENT if there is no such program (always, on bare metal).
Result<Vaddr> scripted_program_entry(std::string_view name);

}  // namespace ostd
