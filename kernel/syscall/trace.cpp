// The syscall tracer: walks a call's syscalls.def argument kinds and renders each one, reading
// user strings through the caller's UserReader.
#include <kernel/syscall/trace.h>

#include <ostd/common/errno.h>

#include <kernel/abi/fcntl.h>
#include <kernel/syscall/decode.h>
#include <kernel/syscall/decode_user.h>
#include <kernel/syscall/table.h>
#include <kernel/syscall/trace_writer.h>

namespace kernel::syscall {
namespace {

namespace abi = kernel::abi;

void put_hex(TraceWriter& out, uint64_t v) {
    out.printf("%#lx", static_cast<unsigned long>(v));
}

// The first Size-kind argument after slot i (a buffer's or set's length), or 0.
uint64_t size_after(const SyscallInfo& info, const SyscallArgs& args, size_t i) {
    for (size_t j = i + 1; j < kMaxSyscallArgs; ++j)
        if (info.args[j] == ArgKind::Size) return args.args[j];
    return 0;
}

void put_arg(TraceWriter& out, const SyscallInfo& info, const SyscallArgs& args, size_t i,
             const UserReader* user) {
    uint64_t v = args.args[i];
    ArgKind kind = info.args[i];
    switch (kind) {
        case ArgKind::None:
            break;
        case ArgKind::Int:
        case ArgKind::Fd:
        case ArgKind::Pid:
        case ArgKind::Uid:
            out.printf("%d", args.as_int(i));
            break;
        case ArgKind::Uint:
            out.printf("%u", args.as_uint(i));
            break;
        case ArgKind::Hex:
            put_hex(out, v);
            break;
        case ArgKind::DirFd:
            decode_dirfd(out, args.as_int(i));
            break;
        case ArgKind::Ptr:
        case ArgKind::PtrIn:
        case ArgKind::PtrOut:
            decode_pointer(out, v);
            break;
        case ArgKind::BufIn:
            decode_user_buffer(out, user, v, size_after(info, args, i));
            break;
        case ArgKind::Path:
            decode_user_string(out, user, v, kTraceMaxPath);
            break;
        case ArgKind::Str:
            decode_user_string(out, user, v, kTraceMaxString);
            break;
        case ArgKind::Size:
            out.printf("%lu", static_cast<unsigned long>(v));
            break;
        case ArgKind::Off:
            out.printf("%ld", static_cast<long>(v));
            break;
        case ArgKind::OpenFlags:
            decode_open_flags(out, v);
            break;
        case ArgKind::Mode:
            decode_mode(out, v);
            break;
        case ArgKind::Prot:
            decode_prot(out, v);
            break;
        case ArgKind::MmapFlags:
            decode_mmap_flags(out, v);
            break;
        case ArgKind::CloneFlags:
            decode_clone_flags(
                out, v,
                args.nr == sysno::clone ? CloneForm::kWithExitSignal : CloneForm::kFlagsOnly);
            break;
        case ArgKind::Signal:
            decode_signal(out, args.as_int(i));
            break;
        case ArgKind::Whence:
            decode_whence(out, args.as_int(i));
            break;
        case ArgKind::FcntlCmd:
            decode_fcntl_cmd(out, args.as_int(i));
            break;
        case ArgKind::AtFlags:
            decode_at_flags(out, v);
            break;
        case ArgKind::ClockId:
            decode_clock_id(out, args.as_int(i));
            break;
        case ArgKind::Ioctl:
            decode_ioctl(out, v);
            break;
        case ArgKind::WaitOptions:
            decode_wait_options(out, v);
            break;
        case ArgKind::FutexOp:
            decode_futex_op(out, v);
            break;
        case ArgKind::SigHow:
            decode_sighow(out, args.as_int(i));
            break;
        case ArgKind::SigsetIn:
            decode_user_sigset(out, user, v, size_after(info, args, i));
            break;
        case ArgKind::SigactionIn:
            decode_user_sigaction(out, user, v);
            break;
        case ArgKind::TimespecIn:
            decode_user_timespec(out, user, v);
            break;
        case ArgKind::Argv:
            decode_user_argv(out, user, v);
            break;
    }
}

// strace drops arguments the kernel ignores: open's mode without O_CREAT / O_TMPFILE, and
// fcntl's third argument for commands that take none.
int shown_arg_count(const SyscallInfo& info, const SyscallArgs& args) {
    int n = info.arg_count();
    for (int i = 0; i + 1 < n; ++i) {
        if (info.args[i] == ArgKind::OpenFlags && info.args[i + 1] == ArgKind::Mode) {
            uint32_t flags = args.as_uint(static_cast<size_t>(i));
            bool creates =
                (flags & abi::open::kCreat) || (flags & abi::open::kTmpfile) == abi::open::kTmpfile;
            if (!creates && i + 2 == n) return i + 1;
        }
        if (info.args[i] == ArgKind::FcntlCmd) {
            int cmd = args.as_int(static_cast<size_t>(i));
            if (cmd == abi::fcntl::kGetfd || cmd == abi::fcntl::kGetfl ||
                cmd == abi::fcntl::kGetown || cmd == abi::fcntl::kGetsig ||
                cmd == abi::fcntl::kGetlease || cmd == abi::fcntl::kGetpipeSz ||
                cmd == abi::fcntl::kGetSeals)
                return i + 1;
        }
    }
    return n;
}

// fcntl's third argument decoded by command: F_SETFL takes open flags, F_SETFD FD_CLOEXEC.
bool put_fcntl_arg(TraceWriter& out, const SyscallArgs& args, size_t i) {
    if (i != 2) return false;
    int cmd = args.as_int(1);
    if (cmd == abi::fcntl::kSetfl) {
        decode_open_flags(out, args.args[2]);
        return true;
    }
    if (cmd == abi::fcntl::kSetfd) {
        if (args.as_int(2) == abi::fcntl::kFdCloexec)
            out.puts("FD_CLOEXEC");
        else
            out.printf("%d", args.as_int(2));
        return true;
    }
    if (cmd == abi::fcntl::kDupfd || cmd == abi::fcntl::kDupfdCloexec) {
        out.printf("%d", args.as_int(2));
        return true;
    }
    return false;
}

bool returns_address(const SyscallInfo* info) {
    if (!info) return false;
    switch (info->nr) {
        case sysno::mmap:
        case sysno::brk:
        case sysno::mremap:
        case sysno::shmat:
        case sysno::map_shadow_stack:
            return true;
        default:
            return false;
    }
}

void write_call(TraceWriter& out, const SyscallArgs& args, const UserReader* user) {
    const SyscallInfo* info = find_syscall(args.nr);
    if (!info) {
        out.printf("syscall_%ld(", static_cast<long>(args.nr));
        for (size_t i = 0; i < kMaxSyscallArgs; ++i) {
            if (i) out.puts(", ");
            put_hex(out, args.args[i]);
        }
        out.put(')');
        return;
    }
    out.puts(info->name);
    out.put('(');
    int n = shown_arg_count(*info, args);
    bool is_fcntl = info->args[1] == ArgKind::FcntlCmd;
    for (int i = 0; i < n; ++i) {
        if (i) out.puts(", ");
        auto idx = static_cast<size_t>(i);
        if (is_fcntl && put_fcntl_arg(out, args, idx)) continue;
        put_arg(out, *info, args, idx, user);
    }
    out.put(')');
}

void write_return(TraceWriter& out, const SyscallArgs& args, int64_t ret) {
    out.puts("= ");
    if (ret < 0 && ret >= -ostd::kMaxErrno) {
        int err = static_cast<int>(-ret);
        const char* name = ostd::errno_name(err);
        const char* text = errno_text(err);
        bool restart = err >= ERESTARTSYS && err <= ERESTART_RESTARTBLOCK;
        out.puts(restart ? "? " : "-1 ");
        if (name)
            out.puts(name);
        else
            out.printf("errno %d", err);
        if (text) out.printf(" (%s)", text);
        return;
    }
    if (returns_address(find_syscall(args.nr)))
        put_hex(out, static_cast<uint64_t>(ret));
    else
        out.printf("%ld", static_cast<long>(ret));
}

}  // namespace

size_t format_syscall_call(char* buf, size_t size, const SyscallArgs& args,
                           const UserReader* user) {
    TraceWriter out(buf, size);
    write_call(out, args, user);
    return out.length();
}

size_t format_syscall_return(char* buf, size_t size, const SyscallArgs& args, int64_t ret) {
    TraceWriter out(buf, size);
    write_return(out, args, ret);
    return out.length();
}

size_t format_syscall(char* buf, size_t size, const SyscallArgs& args, int64_t ret,
                      const UserReader* user) {
    TraceWriter out(buf, size);
    write_call(out, args, user);
    out.put(' ');
    write_return(out, args, ret);
    return out.length();
}

}  // namespace kernel::syscall
