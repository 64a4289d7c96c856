// Decodes fuzzer bytes into syscalls and issues them from a scripted process. Each call takes
// a two-byte selector (a syscall number, see Choice) and then per-argument choices drawn from
// the argument's kind: resource pools for fds, pids and mappings, a path grammar, flag masks,
// scratch buffers, and lengths near boundaries.
#include "syscall_program.h"

#include <cstring>
#include <string>
#include <vector>

#include <kernel/syscall/table.h>

#include "byte_reader.h"

namespace orrery::fuzz {
namespace {

using kernel::syscall::ArgKind;
using kernel::syscall::SyscallInfo;
using kernel::syscall::SyscallStatus;
namespace sysno = kernel::syscall::sysno;

constexpr uint64_t kScratchBytes = 64 * 1024;
constexpr uint64_t kUnmappedLow = 0x8;  // below the user window: always EFAULT

// Calls whose raw form would break the scripted engine rather than test the kernel: a bare
// rt_sigreturn pops a frame that was never pushed, clone/exec replace the caller's fiber.
bool excluded(int nr) {
    switch (nr) {
        case sysno::rt_sigreturn:
        case sysno::clone3:
        case sysno::execve:
        case sysno::execveat:
            return true;
        default:
            return false;
    }
}

// The call selector: two little-endian bytes. The low 9 bits name a syscall number; a number
// that is unknown, excluded or (unless the top 7 bits are zero) not implemented slides to the
// next implemented call. Seeds written as plain numbers therefore decode the same whatever
// syscalls.def flips later, and random selectors mostly land on implemented calls.
/// What a successful call hands back that later calls can use.
enum class Yields : uint8_t { kNothing, kFd, kFdPairAt0, kFdPairAt3 };

struct Choice {
    const SyscallInfo* by_sel[2][512] = {};
    Yields yields[512] = {};  // by syscall number: looked up per call, so not by name
    Choice() {
        // Calls returning a new fd: the open/dup/eventfd/epoll/socket families, F_DUPFD.
        for (const char* n : {"open", "openat", "creat", "dup", "dup2", "dup3", "eventfd",
                              "eventfd2", "epoll_create", "epoll_create1", "socket",
                              "memfd_create", "fcntl", "openat2"})
            set_yields(n, Yields::kFd);
        set_yields("pipe", Yields::kFdPairAt0);
        set_yields("pipe2", Yields::kFdPairAt0);
        set_yields("socketpair", Yields::kFdPairAt3);
        for (int strict = 0; strict < 2; ++strict) {
            for (int nr = 0; nr < 512; ++nr) {
                for (int k = 0; k < 512; ++k) {
                    const SyscallInfo* info = kernel::syscall::find_syscall((nr + k) % 512);
                    if (!info || excluded(info->nr)) continue;
                    if (strict && info->status == SyscallStatus::kEnosys) continue;
                    by_sel[strict][nr] = info;
                    break;
                }
            }
        }
    }
    const SyscallInfo* pick(uint16_t sel) const { return by_sel[(sel >> 9) != 0][sel & 511]; }
    void set_yields(const char* name, Yields y) {
        const SyscallInfo* info = kernel::syscall::find_syscall(name);
        if (info && info->nr >= 0 && info->nr < 512) yields[info->nr] = y;
    }
};

const Choice& choice() {
    static const Choice c;
    return c;
}

// Path grammar: up to four components from a dictionary, absolute or relative.
const char* const kPathWords[] = {
    "",     ".",  "..",   "tmp",  "proc", "self", "dev",  "null",   "a",  "b",
    "fd",   "0",  "etc",  "file", "dir",  "link", "pipe", "status", "maps", "cwd",
    "root", "1",  "sys",  "zero", "x",    "..."};

class Generator {
  public:
    Generator(ostd::host::ScriptedUser& u, ByteReader& in, ProgramResult* result, int budget)
        : u_(u), in_(in), result_(result), budget_(budget) {}

    int run() {
        int64_t m = u_.syscall(sysno::mmap, 0, kScratchBytes, 3, 0x22, uint64_t(-1), 0);
        scratch_ = m > 0 ? uint64_t(m) : u_.stack_alloc(4096);
        scratch_size_ = m > 0 ? kScratchBytes : 4096;
        int code = 0;
        while (!in_.empty() && result_->calls < budget_ && result_->calls < kMaxCalls) {
            if (one_call(&code)) break;
        }
        if (is_init_) reap_all();
        return code;
    }

    void set_init() { is_init_ = true; }

  private:
    // Issues one call; returns true when the program should stop with *code.
    bool one_call(int* code) {
        const SyscallInfo& info = *choice().pick(in_.u16());
        ++result_->calls;
        if (info.nr == sysno::fork || info.nr == sysno::vfork) return do_fork();
        if (info.nr == sysno::clone) return do_clone();
        uint64_t a[6] = {};
        last_len_ = 0;
        for (int i = 0; i < info.arg_count(); ++i)
            a[i] = arg(info.args[i], info.nr, i);
        if (info.nr == sysno::exit || info.nr == sysno::exit_group) {
            // Init leaves through reap_all() first so the machine shuts down with no orphans.
            result_->mix(uint64_t(info.nr));
            *code = int(a[0] & 0xff);
            if (!is_init_) u_.syscall(uint64_t(info.nr), uint64_t(*code));
            return true;
        }
        int64_t ret = u_.syscall(uint64_t(info.nr), a[0], a[1], a[2], a[3], a[4], a[5]);
        result_->mix(uint64_t(info.nr));
        for (uint64_t v : a)
            result_->mix(v);
        result_->mix(uint64_t(ret));
        remember(info, a, ret);
        return false;
    }

    bool do_fork() {
        // The child runs the next few calls of the input with a small budget of its own.
        int child_budget = 1 + in_.below(8);
        size_t skip = in_.below(64);
        // By value: the child may run after this generator (and its reader) is gone. The
        // input bytes and the result live until the machine stops.
        ByteReader snapshot = in_;
        ProgramResult* res = result_;
        int64_t pid = u_.fork([snapshot, res, child_budget](ostd::host::ScriptedUser& cu) {
            ByteReader copy = snapshot;
            Generator child(cu, copy, res, res->calls + child_budget);
            return child.run();
        });
        result_->mix(uint64_t(sysno::fork));
        result_->mix(uint64_t(pid));
        if (pid > 0) pids_.push_back(pid);
        // The parent skips part of what the child consumed, so both do not run identical calls.
        for (size_t i = 0; i < skip; ++i)
            (void)in_.u8();
        return false;
    }

    // clone(2) as threads use it: a second (or third) user thread in this process running the
    // calls after this point with its own small budget. Which thread runs when is decided by
    // the input too: every thread may pick sched_yield, nanosleep or futex waits, and the
    // deterministic scheduler makes each interleaving reproducible.
    bool do_clone() {
        static const uint64_t kFlagSets[] = {
            0x50f00,             // VM|FS|FILES|SIGHAND|THREAD|SYSVSEM
            0x50f00 | 0x200000 | 0x100000,  // + CHILD_CLEARTID|PARENT_SETTID
            0x100 | 17,          // VM + SIGCHLD: a process sharing memory
            0x4000 | 0x100 | 17  // VFORK|VM|SIGCHLD
        };
        uint64_t flags = kFlagSets[in_.below(4)];
        int child_budget = 1 + in_.below(8);
        size_t skip = in_.below(64);
        if (threads_ >= 2 && (flags & 0x10000)) flags = 0x100 | 17;  // at most 3 threads
        uint64_t stack = scratch_ + scratch_size_ / 4 * (1 + threads_ % 2);
        uint64_t tid_slot = scratch_ + scratch_size_ - 64 - 8 * (threads_ % 4);
        ByteReader snapshot = in_;
        ProgramResult* res = result_;
        int64_t tid = u_.clone(flags, stack, tid_slot, tid_slot, 0,
                               [snapshot, res, child_budget](ostd::host::ScriptedUser& cu) {
                                   ByteReader copy = snapshot;
                                   Generator child(cu, copy, res, res->calls + child_budget);
                                   return child.run();
                               });
        result_->mix(uint64_t(sysno::clone));
        result_->mix(flags);
        result_->mix(uint64_t(tid));
        if (tid > 0) {
            if (flags & 0x10000)
                ++threads_;
            else
                pids_.push_back(tid);
        }
        for (size_t i = 0; i < skip; ++i)
            (void)in_.u8();
        return false;
    }

    // Kills and reaps every other process so that shutdown finds no live tasks and the leak
    // checks (kernel frames, LSan) only see real leaks. Not part of the digest.
    void reap_all() {
        u_.syscall(sysno::kill, uint64_t(-1), 9);
        while (u_.syscall(sysno::wait4, uint64_t(-1), 0, 0x40000000, 0) > 0) {
        }
    }

    void remember(const SyscallInfo& info, const uint64_t* a, int64_t ret) {
        if (ret < 0) return;
        switch (info.nr) {
            case sysno::mmap:
            case sysno::mremap:
                maps_.push_back(uint64_t(ret));
                return;
            default:
                break;
        }
        Yields y = info.nr >= 0 && info.nr < 512 ? choice().yields[info.nr] : Yields::kNothing;
        if (y == Yields::kFd) {
            if (ret < 4096) fds_.push_back(int(ret));
        } else if ((y == Yields::kFdPairAt0 || y == Yields::kFdPairAt3) && ret == 0) {
            uint64_t p = y == Yields::kFdPairAt3 ? a[3] : a[0];
            if (p >= scratch_ && p + 8 <= scratch_ + scratch_size_) {
                uint32_t two[2];
                u_.read(p, two, sizeof two);
                fds_.push_back(int(two[0]));
                fds_.push_back(int(two[1]));
            }
        }
    }

    // --- argument generators, by kind ----------------------------------------------------

    uint64_t arg(ArgKind k, int nr, int idx) {
        switch (k) {
            case ArgKind::Fd: return uint64_t(int64_t(fd()));
            case ArgKind::DirFd: return in_.flag() ? uint64_t(int64_t(-100)) : uint64_t(int64_t(fd()));
            case ArgKind::Int: return int_value();
            case ArgKind::Uint: return uint64_t(uint32_t(int_value()));
            case ArgKind::Hex: return in_.below(4) == 0 ? in_.u64() : uint64_t(1) << in_.below(32);
            case ArgKind::Size: return size_value();
            case ArgKind::Off: return offset_value();
            case ArgKind::Ptr: return pointer(0, false);
            case ArgKind::PtrIn: return pointer(in_.below(256), true);
            case ArgKind::PtrOut: return pointer(0, false);
            case ArgKind::BufIn: {
                last_len_ = in_.below(5) == 0 ? 4096 + in_.below(3) - 1 : in_.below(64);
                return pointer(last_len_, true);
            }
            case ArgKind::Path:
            case ArgKind::Str: return path();
            case ArgKind::OpenFlags: return mask(0x3fffff);
            case ArgKind::Mode: return in_.flag() ? 0644 : in_.u16() & 07777;
            case ArgKind::Prot: return in_.below(8) == 0 ? in_.u32() : in_.below(8);
            case ArgKind::MmapFlags: {
                uint64_t type = 1 + in_.below(3);  // SHARED, PRIVATE, SHARED_VALIDATE
                return type | (mask(0x1ffff0) & ~uint64_t(0x10)) |
                       (in_.below(4) == 0 ? 0x10 : 0);  // MAP_FIXED sometimes
            }
            case ArgKind::CloneFlags: return mask(0xffffff00) | in_.below(65);
            case ArgKind::Signal: return in_.below(8) == 0 ? in_.u32() : in_.below(66);
            case ArgKind::Pid: return uint64_t(int64_t(pid()));
            case ArgKind::Whence: return in_.below(6);
            case ArgKind::FcntlCmd: return in_.below(4) == 0 ? 1024 + in_.below(12) : in_.below(40);
            case ArgKind::AtFlags: return mask(0xff00);
            case ArgKind::ClockId: return uint64_t(int64_t(int(in_.below(16)) - 4));
            case ArgKind::Ioctl: return in_.flag() ? 0x5400 + in_.below(0x40) : in_.u32();
            case ArgKind::Uid: {
                static const uint32_t kIds[] = {0, 1, 1000, 65534, uint32_t(-1)};
                return in_.below(6) == 5 ? in_.u32() : kIds[in_.below(5)];
            }
            case ArgKind::WaitOptions: return mask(0x0100000f) | (in_.flag() ? 0x40000000 : 0);
            case ArgKind::FutexOp: return in_.below(14) | (in_.flag() ? 128 : 0) |
                                          (in_.below(4) == 0 ? 256 : 0);
            case ArgKind::SigHow: return in_.below(5);
            case ArgKind::SigsetIn: {
                uint64_t set = in_.u64();
                return buffer(&set, sizeof set);
            }
            case ArgKind::SigactionIn: return sigaction();
            case ArgKind::TimespecIn: return timespec();
            case ArgKind::Argv: return in_.flag() ? 0 : pointer(16, true);
            case ArgKind::None: return 0;
        }
        (void)nr;
        (void)idx;
        return 0;
    }

    int fd() {
        switch (in_.below(8)) {
            case 0: return -1;
            case 1: return int(in_.below(4));
            case 2: return 1000 + int(in_.below(30));
            default:
                if (fds_.empty()) return int(in_.below(8));
                return fds_[in_.below(uint32_t(fds_.size()))];
        }
    }

    int64_t pid() {
        switch (in_.below(8)) {
            case 0: return 0;
            case 1: return -1;
            case 2: return 1;
            case 3: return -int64_t(in_.below(4));
            case 4: return int64_t(in_.u32());
            default:
                if (pids_.empty()) return 1 + in_.below(4);
                return pids_[in_.below(uint32_t(pids_.size()))];
        }
    }

    uint64_t int_value() {
        static const int64_t kInts[] = {0, 1, -1, 2, 3, 8, 16, 64, 0x7fffffff, -0x7fffffff - 1};
        if (in_.below(4) == 0) return uint64_t(int64_t(int32_t(in_.u32())));
        return uint64_t(kInts[in_.below(10)]);
    }

    uint64_t size_value() {
        if (last_len_ && in_.flag()) return last_len_;
        static const uint64_t kSizes[] = {0,    1,    7,    8,    16,    64,   128,
                                          4095, 4096, 4097, 8192, 65536, 1 << 20};
        switch (in_.below(6)) {
            case 0: return in_.u64();
            case 1: return uint64_t(-1) - in_.below(4096);
            default: return kSizes[in_.below(13)];
        }
    }

    uint64_t offset_value() {
        static const int64_t kOffs[] = {0, 1, 4095, 4096, -1, -4096, int64_t(1) << 40,
                                        0x7fffffffffffffff};
        return in_.below(4) == 0 ? in_.u64() : uint64_t(kOffs[in_.below(8)]);
    }

    uint64_t mask(uint64_t m) {
        switch (in_.below(4)) {
            case 0: return 0;
            case 1: return in_.u64() & m;
            default: return (uint64_t(1) << in_.below(32)) & m;
        }
    }

    // A user address: mostly scratch (filled with n input bytes when `fill`), sometimes a
    // mapping from the pool, null, an unmapped low address, a kernel address, or scratch's end.
    uint64_t pointer(size_t n, bool fill) {
        switch (in_.below(16)) {
            case 0: return 0;
            case 1: return kUnmappedLow;
            case 2: return 0xffff800000000000ull;
            case 3: return scratch_ + scratch_size_ - 1 - in_.below(8);
            case 4:
                if (!maps_.empty()) return maps_[in_.below(uint32_t(maps_.size()))];
                [[fallthrough]];
            default: {
                uint64_t off = (in_.below(64) * 64) % (scratch_size_ / 2);
                if (fill && n) {
                    std::vector<uint8_t> tmp(n);
                    in_.bytes(tmp.data(), n);
                    u_.write(scratch_ + off, tmp.data(), n);
                }
                return scratch_ + off;
            }
        }
    }

    uint64_t buffer(const void* data, size_t n) {
        uint64_t where = scratch_ + scratch_size_ / 2 + (next_slot_++ % 16) * 512;
        u_.write(where, data, n);
        return in_.below(16) == 0 ? kUnmappedLow : where;
    }

    uint64_t path() {
        std::string p;
        if (in_.below(4) == 0) {
            size_t n = 250 + in_.below(12);  // around NAME_MAX
            p.assign(n, 'n');
        } else {
            if (in_.flag()) p = "/";
            int parts = 1 + in_.below(4);
            for (int i = 0; i < parts; ++i) {
                if (i) p += '/';
                p += kPathWords[in_.below(sizeof kPathWords / sizeof kPathWords[0])];
            }
        }
        p.push_back('\0');
        return buffer(p.data(), p.size() < 512 ? p.size() : 512);
    }

    uint64_t sigaction() {
        struct {
            uint64_t handler, flags, restorer, mask;
        } sa{};
        switch (in_.below(4)) {
            case 0: sa.handler = 0; break;
            case 1: sa.handler = 1; break;
            default: sa.handler = handler(); break;
        }
        sa.flags = mask(0xdc00000f) | 0x04000000;  // SA_RESTORER is what libc always sets
        sa.restorer = handler();
        sa.mask = in_.u64();
        return buffer(&sa, sizeof sa);
    }

    uint64_t handler() {
        if (!handler_) handler_ = u_.code_address([](ostd::host::ScriptedUser&) {});
        return handler_;
    }

    uint64_t timespec() {
        static const int64_t kNs[] = {0, 1, 999999999, 1000000000, -1, 500000};
        int64_t ts[2] = {int64_t(in_.below(3)), kNs[in_.below(6)]};
        if (in_.below(8) == 0) ts[0] = -1;
        return buffer(ts, sizeof ts);
    }

    ostd::host::ScriptedUser& u_;
    ByteReader& in_;
    ProgramResult* result_;
    int budget_;
    bool is_init_ = false;
    int threads_ = 0;
    uint64_t scratch_ = 0;
    uint64_t scratch_size_ = 0;
    uint64_t last_len_ = 0;
    uint64_t handler_ = 0;
    unsigned next_slot_ = 0;
    std::vector<int> fds_;
    std::vector<int64_t> pids_;
    std::vector<uint64_t> maps_;
};

}  // namespace

void ProgramResult::mix(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
        digest ^= (v >> (8 * i)) & 0xff;
        digest *= 0x100000001b3ull;
    }
}

int run_syscall_program(ostd::host::ScriptedUser& u, const uint8_t* data, size_t size,
                        ProgramResult* result) {
    ByteReader in(data, size);
    Generator g(u, in, result, kMaxCalls);
    g.set_init();
    return g.run();
}

int selector_for(const char* name) {
    const SyscallInfo* info = kernel::syscall::find_syscall(name);
    if (!info || excluded(info->nr)) return -1;
    return info->nr;
}

}  // namespace orrery::fuzz
