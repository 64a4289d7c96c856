// Sys bound to the host Linux kernel: real syscalls in a forked child, ordinary host memory.
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <utility>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "backends.h"

// sa_restorer for host handlers: what glibc's __restore_rt does.
extern "C" void orrery_difftest_restorer();
asm(".pushsection .text\n"
    ".globl orrery_difftest_restorer\n"
    ".type orrery_difftest_restorer, @function\n"
    "orrery_difftest_restorer:\n"
    "    mov $15, %eax\n"  // SYS_rt_sigreturn
    "    syscall\n"
    "    hlt\n"
    ".popsection\n");

namespace orrery::difftest {

namespace {

constexpr size_t kArenaBytes = size_t{1} << 20;
constexpr uint64_t kTranscriptFd = 1023;
constexpr int kRefusedStatus = 121;  // Exit status of a child that hit refuse_host_wide().
bool g_uts_isolated = false;  // Set in the host child by prepare_child().

int64_t raw_syscall(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                    uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0) {
    long r = syscall(static_cast<long>(nr), a0, a1, a2, a3, a4, a5);
    return r == -1 ? -static_cast<int64_t>(errno) : r;
}

// Byte copies the sanitizers do not intercept: a bad address must fault like user code would
// (and kill the child with SIGSEGV), not produce a sanitizer report.
__attribute__((no_sanitize("address", "thread"))) void raw_copy(volatile unsigned char* dst,
                                                                const volatile unsigned char* src,
                                                                size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
}

// Signal handlers: host code addresses must be real functions, so each registered Handler gets
// one of kSlots trampolines. Slots live in the child's memory (fork children inherit them) and
// run with the Sys of whichever process took the signal.
constexpr int kSlots = 32;
Sys::Handler g_handlers[kSlots];
int g_used_slots = 0;
Sys* g_current = nullptr;  // The HostSys of this process; owned by its run/fork frame.

template <int I>
void trampoline(int sig) {
    int saved = errno;  // raw_syscall reads errno after the syscall returns.
    g_handlers[I](*g_current, sig);
    errno = saved;
}

template <int... I>
constexpr auto make_trampolines(std::integer_sequence<int, I...>) {
    return std::array<void (*)(int), sizeof...(I)>{&trampoline<I>...};
}
constexpr auto kTrampolines = make_trampolines(std::make_integer_sequence<int, kSlots>{});

// Calls whose effect would reach beyond the child (the host's clock; its hostname unless the
// child has its own UTS namespace) end the child with a harness error instead.
void refuse_host_wide(uint64_t nr) {
    bool refuse = nr == SYS_settimeofday || nr == SYS_clock_settime || nr == SYS_adjtimex ||
                  nr == SYS_clock_adjtime || nr == SYS_reboot ||
                  (!g_uts_isolated && (nr == SYS_sethostname || nr == SYS_setdomainname));
    if (!refuse) return;
    static const char kMsg[] = "difftest: program issued a host-wide syscall; refused\n";
    (void)!::write(2, kMsg, sizeof kMsg - 1);
    _exit(kRefusedStatus);
}

class HostSys final : public Sys {
public:
    HostSys(int fd, unsigned char* arena) : fd_(fd), arena_(arena) { g_current = this; }

    int64_t call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                 uint64_t a5) override {
        refuse_host_wide(nr);
        // Programs are single-threaded, but the host child may hold sanitizer runtime threads
        // (TSan's background thread) that would outlive a thread-only exit: end the process.
        if (nr == SYS_exit) nr = SYS_exit_group;
        return raw_syscall(nr, a0, a1, a2, a3, a4, a5);
    }
    uint64_t scratch(size_t n) override {
        // A bump allocator in an arena shared by nothing: fork children inherit a copy, as the
        // stack memory Orrery's scratch() uses is copied into a fork child.
        used_ = (used_ + 15) & ~size_t{15};
        if (used_ + n > kArenaBytes) {
            static const char kMsg[] = "difftest: scratch arena exhausted\n";
            (void)!::write(2, kMsg, sizeof kMsg - 1);
            _exit(120);
        }
        uint64_t a = reinterpret_cast<uint64_t>(arena_ + used_);
        memset(arena_ + used_, 0, n);
        used_ += n;
        return a;
    }
    void put(uint64_t addr, const void* data, size_t n) override {
        raw_copy(reinterpret_cast<volatile unsigned char*>(addr),
                 static_cast<const unsigned char*>(data), n);
    }
    void get(uint64_t addr, void* data, size_t n) override {
        raw_copy(static_cast<unsigned char*>(data),
                 reinterpret_cast<const volatile unsigned char*>(addr), n);
    }
    int64_t fork(Program child) override {
        pid_t pid = ::fork();
        if (pid < 0) return -errno;
        if (pid == 0) {
            HostSys sys(fd_, arena_);
            sys.used_ = used_;
            _exit(child(sys) & 0xff);
        }
        return pid;
    }
    uint64_t handler(Handler fn) override {
        if (g_used_slots == kSlots) {
            static const char kMsg[] = "difftest: out of signal handler slots\n";
            (void)!::write(2, kMsg, sizeof kMsg - 1);
            _exit(120);
        }
        g_handlers[g_used_slots] = std::move(fn);
        return reinterpret_cast<uint64_t>(kTrampolines[static_cast<size_t>(g_used_slots++)]);
    }
    const char* backend() const override { return "linux"; }

protected:
    uint64_t restorer() override { return reinterpret_cast<uint64_t>(&orrery_difftest_restorer); }
    void emit(const char* line, size_t len) override {
        // One write() per record, at most PIPE_BUF bytes: records from several processes
        // never interleave.
        char buf[kMaxLine + 1];
        memcpy(buf, line, len);
        buf[len] = '\n';
        (void)!::write(fd_, buf, len + 1);
    }

private:
    int fd_;
    unsigned char* arena_;
    size_t used_ = 0;
};

// Linux's boot-time limits for init (and Orrery's, see kernel/process/rlimit.cpp). NPROC and
// SIGPENDING scale with RAM on Linux; Orrery fixes them, so the host child takes Orrery's value.
void set_boot_rlimits() {
    constexpr uint64_t kInf = RLIM_INFINITY;
    struct Row {
        int resource;
        uint64_t cur, max;
    };
    const Row rows[] = {
        {RLIMIT_CPU, kInf, kInf},          {RLIMIT_FSIZE, kInf, kInf},
        {RLIMIT_DATA, kInf, kInf},         {RLIMIT_STACK, 8u << 20, kInf},
        {RLIMIT_CORE, 0, kInf},            {RLIMIT_RSS, kInf, kInf},
        {RLIMIT_NPROC, 63536, 63536},      {RLIMIT_NOFILE, 1024, 4096},
        {RLIMIT_MEMLOCK, 8u << 20, 8u << 20}, {RLIMIT_AS, kInf, kInf},
        {RLIMIT_LOCKS, kInf, kInf},        {RLIMIT_SIGPENDING, 63536, 63536},
        {RLIMIT_MSGQUEUE, 819200, 819200}, {RLIMIT_NICE, 0, 0},
        {RLIMIT_RTPRIO, 0, 0},             {RLIMIT_RTTIME, kInf, kInf},
    };
    for (const Row& r : rows) {
        uint64_t lim[2] = {r.cur, r.max};
        raw_syscall(SYS_prlimit64, 0, static_cast<uint64_t>(r.resource),
                    reinterpret_cast<uint64_t>(lim), 0);
    }
}

// The kernel's struct sigaction for rt_sigaction (not glibc's).
struct KernelSigaction {
    uint64_t handler, flags, restorer, mask;
};

// Puts the child in the state Orrery's init starts in (see run_on_host's comment).
void prepare_child() {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // The runner dying must not leave the child behind.
    raw_syscall(SYS_setsid);
    // A private hostname, so sethostname() in a program stays in the child (needs root).
    g_uts_isolated = unshare(CLONE_NEWUTS) == 0;
    prctl(PR_SET_CHILD_SUBREAPER, 1);  // Orphans come back to us, as to Orrery's pid 1.
    raw_syscall(SYS_setgroups, 0, 0);
    raw_syscall(SYS_umask, 022);
    set_boot_rlimits();
    // Raw rt_sigaction: the sanitizers' own SIGSEGV handlers must go, so faults kill the child.
    KernelSigaction dfl{};  // SIG_DFL
    for (int sig = 1; sig <= 64; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        raw_syscall(SYS_rt_sigaction, static_cast<uint64_t>(sig),
                    reinterpret_cast<uint64_t>(&dfl), 0, 8);
    }
    // No alternate signal stack (the sanitizers install one; fork copies it).
    stack_t no_altstack{};
    no_altstack.ss_flags = SS_DISABLE;
    raw_syscall(SYS_sigaltstack, reinterpret_cast<uint64_t>(&no_altstack), 0);
    uint64_t empty = 0;
    raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<uint64_t>(&empty), 0, 8);
}

int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
    return ::remove(path);
}

// Removes a program's working directory and whatever it left there (depth first, no symlink
// following).
void remove_tree(const std::string& dir) {
    nftw(dir.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

}  // namespace

Outcome run_on_host(const Program& program, int timeout_ms) {
    Outcome out;
    // The arena is mapped before fork so that its address is fixed and the child's malloc is
    // never needed.
    void* arena = mmap(nullptr, kArenaBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
    if (arena == MAP_FAILED) {
        out.harness_error = "mmap arena: " + errno_name(errno);
        return out;
    }
    // A fresh, empty working directory per run (Orrery's init starts in a fresh file system).
    char dir_template[] = "/tmp/orrery-difftest-XXXXXX";
    std::string workdir = mkdtemp(dir_template) ? dir_template : "";
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        out.harness_error = "pipe: " + errno_name(errno);
        if (!workdir.empty()) remove_tree(workdir);
        munmap(arena, kArenaBytes);
        return out;
    }
    pid_t pid = ::fork();
    if (pid < 0) {
        out.harness_error = "fork: " + errno_name(errno);
        if (!workdir.empty()) remove_tree(workdir);
        close(fds[0]);
        close(fds[1]);
        munmap(arena, kArenaBytes);
        return out;
    }
    if (pid == 0) {
        close(fds[0]);
        prepare_child();
        // The transcript pipe moves out of the way (fd 1023, below RLIMIT_NOFILE) and every
        // other inherited descriptor above stderr closes, so the program's first open() gets 3.
        int out_fd = static_cast<int>(raw_syscall(SYS_dup3, static_cast<uint64_t>(fds[1]),
                                                  kTranscriptFd, O_CLOEXEC));
        if (out_fd < 0) _exit(122);
        raw_syscall(SYS_close_range, 3, kTranscriptFd - 1, 0);
        if (workdir.empty() || chdir(workdir.c_str()) != 0) _exit(123);
        HostSys sys(out_fd, static_cast<unsigned char*>(arena));
        _exit(program(sys) & 0xff);
    }
    close(fds[1]);

    // Read records until every writer (the child and any descendants) has closed the pipe.
    std::string buffer;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fds[0], POLLIN, 0};
        int n = poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            out.harness_error = "timed out";
            kill(-pid, SIGKILL);
            break;
        }
        char chunk[4096];
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        buffer.append(chunk, static_cast<size_t>(got));
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    kill(-pid, SIGKILL);  // Stragglers in the child's session, if a program leaked any.
    munmap(arena, kArenaBytes);
    if (!workdir.empty()) remove_tree(workdir);
    if (workdir.empty() && out.harness_error.empty()) out.harness_error = "mkdtemp failed";

    size_t start = 0;
    for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1)
        out.records.push_back(buffer.substr(start, nl - start));
    if (out.harness_error.empty() && WIFEXITED(status) && WEXITSTATUS(status) == kRefusedStatus)
        out.harness_error = "program issued a host-wide syscall (refused)";
    if (out.harness_error.empty())
        out.status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    return out;
}

}  // namespace orrery::difftest
