// The scripted user engine: runs scripted programs on fibers behind UserMode::execute().
#pragma once

#include <cstdint>
#include <vector>

#include <ostd-host/scripted.h>
#include <ostd/mm/vm_space.h>
#include <ostd/user/user_mode.h>

#include "hal/context.h"
#include "scripted_registry.h"

namespace ostd::detail {

class UserEngine;

/// One scripted activation (a program's main, a signal handler, a fork child) on its own fiber.
struct ScriptedFiber {
    UserEngine* engine = nullptr;
    hal::Context* ctx = nullptr;
    host::detail::ScriptedCode code;
    uint64_t site_base = 0;       // This fiber's suspension-site tokens.
    uint64_t suspended_rip = 0;   // Where it waits for the kernel (0: never ran).
    uint64_t initial_rsp = 0;     // rsp when it started (argc for a program's main).
    uint64_t next_site_override = 0;  // fork/clone: the child's token becomes the return site.
};

class UserEngine {
public:
    explicit UserEngine(UserMode& mode) : mode_(mode) {}
    ~UserEngine();

    ReturnReason execute(bool (*has_kernel_event)(void*), void* arg);
    /// execve: everything running belongs to the old image.
    void discard_all();

    // Called on the fiber by ScriptedUser.
    int64_t do_syscall(ScriptedFiber& f);
    void access_memory(ScriptedFiber& f, uint64_t va, void* buf, size_t n, bool write);
    UserContext& context() { return mode_.context(); }

private:
    static void fiber_main(void* create_arg, void* switch_arg);
    void switch_to_fiber(ScriptedFiber& f);
    void switch_to_kernel(ScriptedFiber& f, ReturnReason reason);
    void destroy_fibers_above(size_t keep);
    /// Copies one page-bounded chunk if the page allows it; false on a fault.
    bool try_copy_page(uint64_t va, std::byte* buf, size_t n, bool write, bool* present);

    UserMode& mode_;
    hal::Context* kernel_ctx_ = nullptr;  // The task's kernel context while a fiber runs.
    std::vector<ScriptedFiber*> fibers_;  // Activation stack; back() is the innermost.
    ReturnReason reason_ = ReturnReason::kUserSyscall;
    bool (*has_event_)(void*) = nullptr;
    void* event_arg_ = nullptr;
};

}  // namespace ostd::detail
