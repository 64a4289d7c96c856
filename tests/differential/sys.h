// The syscall interface differential programs are written against. One program runs on two
// backends: Orrery (a scripted user through the real kernel) and the host Linux kernel (real
// syscalls in a forked child). Programs record observations; the harness compares transcripts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace orrery::difftest {

class Sys;
/// A differential program: its return value is the process exit status (exit_group).
using Program = std::function<int(Sys&)>;

/// Kinds of transcript records. The harness normalises each kind (see transcript.h).
enum class Kind : char {
    kExact = 'r',    ///< an exact value; -4095..-1 print as errno names
    kOk = 'o',       ///< only success ("ok") or the errno matters: fds, sizes that legitimately vary
    kPid = 'p',      ///< a process id: renamed P0, P1, ... by first appearance (errno if < 0)
    kAddr = 'a',     ///< a user address: renamed A0, A1, ... by first appearance (errno if < 0)
    kBytes = 'x',    ///< raw bytes, printed in hex
    kNote = 'n',     ///< free text
};

/// A user process's view of its kernel. Not thread-safe: one Sys per user process (a fork child
/// gets its own). Transcript records from parent and children go to one shared transcript, in
/// the order they are made; programs order them by waiting for children.
class Sys {
public:
    virtual ~Sys() = default;

    /// Issues syscall nr; returns the raw result (-errno on failure), as the kernel's rax.
    virtual int64_t call(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                         uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0) = 0;
    /// n zeroed bytes of user memory, 16-byte aligned, valid (and inherited by fork children)
    /// until the program ends.
    virtual uint64_t scratch(size_t n) = 0;
    /// Copies to/from user memory. An access the kernel refuses kills the process (SIGSEGV on
    /// both backends), which the harness records as the program's end.
    virtual void put(uint64_t addr, const void* data, size_t n) = 0;
    virtual void get(uint64_t addr, void* data, size_t n) = 0;
    /// fork(2): the child runs `child` (its return value is its exit status) on a fresh Sys that
    /// shares this transcript. Returns the child's pid, or -errno.
    virtual int64_t fork(Program child) = 0;
    /// A signal handler (sa_handler/sa_sigaction address) that runs fn(sys, signo) with a Sys for
    /// the interrupted process. On return the backend's restorer issues rt_sigreturn.
    /// fn must not call scratch() (on Orrery the handler's frame is popped from its rsp).
    using Handler = std::function<void(Sys&, int)>;
    virtual uint64_t handler(Handler fn) = 0;
    /// rt_sigaction(sig, {handler, flags | SA_RESTORER, restorer, mask}, oact, 8) with this
    /// backend's restorer. handler may be 0 (SIG_DFL) or 1 (SIG_IGN). Returns the raw result.
    int64_t sigaction(int sig, uint64_t handler, uint64_t flags = 0, uint64_t mask = 0,
                      uint64_t oact = 0);

    /// "orrery" or "linux"; programs must not branch on it (it is for diagnostics).
    virtual const char* backend() const = 0;

    // Recording. Each returns `value` so calls can be wrapped: sys.ret("getuid", sys.call(..)).
    int64_t ret(const char* label, int64_t value) { return record(Kind::kExact, label, value); }
    int64_t ok(const char* label, int64_t value) { return record(Kind::kOk, label, value); }
    int64_t pid(const char* label, int64_t value) { return record(Kind::kPid, label, value); }
    int64_t addr(const char* label, int64_t value) { return record(Kind::kAddr, label, value); }
    void bytes(const char* label, const void* data, size_t n);
    void note(const char* label, const char* text);

    // Memory helpers.
    uint64_t get_u64(uint64_t addr);
    uint32_t get_u32(uint64_t addr);
    void put_u64(uint64_t addr, uint64_t v) { put(addr, &v, sizeof v); }
    void put_u32(uint64_t addr, uint32_t v) { put(addr, &v, sizeof v); }
    /// A NUL-terminated copy of `s` in scratch memory.
    uint64_t put_string(const char* s);

protected:
    /// A code address that issues rt_sigreturn (the sa_restorer).
    virtual uint64_t restorer() = 0;
    /// Appends one serialised record (no newline, at most kMaxLine bytes) to the transcript.
    /// Must not allocate on the host backend (the program may have moved the host's brk).
    virtual void emit(const char* line, size_t len) = 0;
    static constexpr size_t kMaxLine = 480;

private:
    int64_t record(Kind kind, const char* label, int64_t value);
};

}  // namespace orrery::difftest
