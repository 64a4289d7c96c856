// Scripted user programs: host C++ functions that run as user-mode code of the emulated
// machine. Each runs on its own fiber; its syscalls and memory accesses reach the kernel through
// exactly the UserMode path native code uses (syscall -> ReturnReason::kUserSyscall, a missing or
// protected page -> a page-fault exception the kernel resolves or turns into SIGSEGV).
//
// Code addresses: a scripted program, continuation or signal handler is known to the kernel by a
// token address in [kScriptedTextStart, kScriptedTextEnd), outside the native user window. The
// kernel stores it in rip (entry, sigaction handler, fork child) like any code address.
// Scripted code is cooperative: it yields to the kernel at syscalls and memory accesses only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <ostd/user/user_context.h>

namespace ostd::host {

inline constexpr uint64_t kScriptedTextStart = 0x7e0000000000;
inline constexpr uint64_t kScriptedTextEnd = 0x7f0000000000;

class ScriptedUser;
using ScriptedMain = std::function<int(ScriptedUser&)>;

/// The program's view of its CPU: registers, syscalls, and memory through the MMU.
class ScriptedUser {
public:
    /// Issues syscall nr with up to six arguments; returns rax (-errno on failure).
    int64_t syscall(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                    uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0);

    /// Copies to/from user memory at va with user rights. A fault enters the kernel; if the kernel
    /// resolves it the access continues, otherwise this program never resumes (it is killed, or
    /// a signal handler runs first and the access is retried after it returns).
    void write(uint64_t va, const void* src, size_t n);
    void read(uint64_t va, void* dst, size_t n);
    uint64_t read_u64(uint64_t va);
    void write_u64(uint64_t va, uint64_t v);
    /// Reads a NUL-terminated string of at most max bytes.
    std::string read_string(uint64_t va, size_t max = 4096);

    /// Moves the stack pointer down by n bytes (aligned to `align`), copies data there and returns
    /// the address: scratch memory for syscall arguments.
    uint64_t push(const void* data, size_t n, size_t align = 16);
    uint64_t push_string(std::string_view s);
    /// Reserves n zeroed bytes on the stack and returns their address.
    uint64_t stack_alloc(size_t n, size_t align = 16);

    /// argc/argv/envp from the initial stack the kernel built (valid in a program's main).
    int argc();
    std::string argv(int i);
    std::string getenv(std::string_view name);

    /// A code address that runs fn when the kernel points rip at it: signal handlers
    /// (handler(sig) in rdi; return = rt_sigreturn through the kernel's restorer convention:
    /// when fn returns the engine issues rt_sigreturn) and clone/fork children.
    uint64_t code_address(std::function<void(ScriptedUser&)> fn);

    /// fork(2) whose child runs `child` (its return value is the child's exit status) instead of
    /// returning 0 from this call. Returns the child's pid in the parent, or -errno.
    int64_t fork(ScriptedMain child);
    /// clone(2) with explicit flags and new stack; the child runs `child`.
    int64_t clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
                  uint64_t tls, ScriptedMain child);

    const GeneralRegs& regs() const;

private:
    friend class ScriptedEngineAccess;
    explicit ScriptedUser(void* fiber) : fiber_(fiber) {}
    void* fiber_;  // The engine's fiber state; owned by the engine.
};

/// Registers a program under `name` (replacing any earlier one). The kernel finds it with
/// ostd::scripted_program_entry(name). Call before booting the machine that runs it.
void register_scripted_program(const std::string& name, ScriptedMain main);
/// Forgets all registered programs and continuations (between tests).
void clear_scripted_programs();

}  // namespace ostd::host
