// execve(2), execveat(2): copy the path, argv and envp in, load the new image into a fresh
// address space, and only then (the point of no return) kill the other threads, release the
// old image (robust futexes, clear_child_tid, the vfork parent) and switch.
#include <ostd/ktl/string.h>
#include <ostd/ktl/vector.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>
#include <ostd/user/user_mode.h>

#include <kernel/fs/process_files.h>
#include <kernel/futex/thread_exit.h>
#include <kernel/process/initial_stack.h>
#include <kernel/process/process_table.h>
#include <kernel/process/program.h>
#include <kernel/process/user_loop.h>
#include <kernel/signal/signal.h>
#include <kernel/syscall/clone.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>

namespace kernel::syscall {
namespace {

constexpr size_t kMaxArgStrlen = 32 * 4096;    // MAX_ARG_STRLEN
constexpr size_t kMaxArgStrings = 0x7fffffff;  // MAX_ARG_STRINGS
constexpr int kAtFdcwd = -100;
constexpr uint32_t kAtSymlinkNofollow = 0x100, kAtEmptyPath = 0x1000;

// argv or envp: a NULL-terminated array of string pointers (a NULL array is empty). Adds the
// strings' size (with their pointers) to *total. EFAULT; E2BIG past kArgMax or MAX_ARG_STRLEN.
ostd::Result<void> read_string_array(SyscallContext& ctx, uint64_t uarray,
                                     ostd::Vector<ostd::String>& out, uint64_t* total) {
    if (!uarray) return ostd::ok();
    for (size_t i = 0; i < kMaxArgStrings; ++i) {
        uint64_t p = TRY(read_user<uint64_t>(ctx, uarray + 8 * i));
        if (!p) return ostd::ok();
        auto s = read_user_string(ctx, p, kMaxArgStrlen - 1);
        if (s.is_error())
            return ostd::Error(s.error().code() == ENAMETOOLONG ? E2BIG : s.error().code());
        *total += s.value().size() + 1 + sizeof(uint64_t);
        if (*total > kArgMax) return ostd::Error(E2BIG);
        TRY(out.push_back(s.release_value()));
    }
    return ostd::Error(E2BIG);
}

ostd::Result<ostd::Vector<std::string_view>> views(const ostd::Vector<ostd::String>& strings) {
    ostd::Vector<std::string_view> v;
    TRY(v.reserve(strings.size()));
    for (const auto& s : strings)
        TRY(v.push_back(s.view()));
    return v;
}

// Asks every other thread of the process to exit and waits until they have. EINTR when this
// thread is itself killed meanwhile.
ostd::Result<void> de_thread(Thread& self) {
    Process& p = self.process();
    auto others = TRY(p.threads());
    for (auto& t : others) {
        if (t.ptr() == &self) continue;
        t->request_exit();
        if (t->task()) t->task()->interrupt();
    }
    while (p.thread_count() > 1) {
        if (self.exit_requested()) return ostd::Error(EINTR);
        ostd::sleep_for(ostd::time::kNsPerMs);
    }
    return ostd::ok();
}

ostd::Result<int64_t> do_execve(SyscallContext& ctx, ostd::String path, uint64_t uargv,
                                uint64_t uenvp) {
    if (!ctx.thread || !ctx.thread->has_user_mode()) return ostd::Error(ESRCH);
    Thread& self = *ctx.thread;
    Process& proc = self.process();
    ostd::Vector<ostd::String> argv, envp;
    uint64_t total = path.size() + 1;
    TRY(read_string_array(ctx, uargv, argv, &total));
    TRY(read_string_array(ctx, uenvp, envp, &total));
    auto argv_v = TRY(views(argv));
    auto envp_v = TRY(views(envp));

    auto as = TRY(AddressSpace::create());
    ostd::String loaded;
    ostd::UserContext start =
        TRY(load_program(proc, *as,
                         {path.view(), {argv_v.data(), argv_v.size()},
                          {envp_v.data(), envp_v.size()}, &loaded}));
    std::optional<fs::Path> exe;
    if (!loaded.is_empty()) {
        auto found = fs::lookup_exe(proc, loaded.view());
        if (found.is_ok()) exe = found.release_value();  // Renamed meanwhile: no exe link.
    }

    // Point of no return: from here the old image is gone even if something below fails.
    TRY(de_thread(self));
    futex::release_thread_futexes(self);  // Still in the old address space.
    proc.set_address_space(as);
    self.user_mode().set_vm_space(as->vm_space());
    self.user_mode().context() = start;
    ProcessTable::note_exec(proc);
    fs::exec_files(proc);  // Close-on-exec descriptors.
    fs::set_exe(proc, std::move(exe));
    vfork_release(self);
    signal::on_exec(self);  // Caught signals back to SIG_DFL.
    return 0;               // rax of the new image starts at 0.
}

}  // namespace

ostd::Result<int64_t> sys_execve(SyscallContext& ctx, const SyscallArgs& args) {
    ostd::String path = TRY(read_user_path(ctx, args.args[0]));
    return do_execve(ctx, std::move(path), args.args[1], args.args[2]);
}

ostd::Result<int64_t> sys_execveat(SyscallContext& ctx, const SyscallArgs& args) {
    uint32_t flags = args.as_uint(4);
    if (flags & ~(kAtSymlinkNofollow | kAtEmptyPath)) return ostd::Error(EINVAL);
    auto path = read_user_string(ctx, args.args[1], kPathMax - 1);
    if (path.is_error()) return path.error();
    if (path.value().is_empty()) {
        if (!(flags & kAtEmptyPath)) return ostd::Error(ENOENT);
        // Executing an open file itself needs the file table.
        return ostd::Error(EBADF, "execveat(fd, \"\", AT_EMPTY_PATH) needs the VFS");
    }
    if (path.value().view()[0] != '/' && args.as_int(0) != kAtFdcwd &&
        path.value().view().substr(0, 9) != "scripted:")
        return ostd::Error(EBADF, "directory file descriptors need the VFS");
    return do_execve(ctx, path.release_value(), args.args[2], args.args[3]);
}

}  // namespace kernel::syscall
