// clone(2), clone3(2), fork(2), vfork(2), set_robust_list(2), get_robust_list(2): flag checks in
// Linux's order (kernel/fork.c), then ProcessTable creates the thread or process and the child
// starts from a copy of the caller's registers with rax = 0.
#include <kernel/syscall/clone.h>

#include <atomic>

#include <ostd/mm/vm_io.h>
#include <ostd/sync/intrusive_list.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/timer/timer.h>

#include <kernel/abi/sched.h>
#include <kernel/futex/futex.h>
#include <kernel/futex/thread_exit.h>
#include <kernel/process/elf_loader.h>
#include <kernel/process/process_table.h>
#include <kernel/process/user_loop.h>
#include <kernel/signal/signal.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>

namespace kernel {
namespace {

namespace cf = abi::clone;

constexpr uint64_t kSigchld = 17;
constexpr uint64_t kNamespaces = cf::kNewns | cf::kNewcgroup | cf::kNewuts | cf::kNewipc |
                                 cf::kNewuser | cf::kNewpid | cf::kNewnet;
constexpr uint64_t kTaskSizeMax = (uint64_t{1} << 47) - 4096;

// A vfork parent waiting for its child to exec or exit. Lives on the parent's stack; linked
// while waiting. The releaser wakes it under g_vfork_lock, and the parent unlinks only under
// that lock, so the entry never disappears under a releaser.
struct VforkWait {
    Thread* child = nullptr;  // Identity only; the parent holds a reference while waiting.
    std::atomic<bool> done{false};
    ostd::WaitQueue wq;
    ostd::ListNode link;
};

struct VforkTable {
    ostd::Mutex lock;
    ostd::IntrusiveList<VforkWait, &VforkWait::link> waits ORRERY_GUARDED_BY(lock);
};

VforkTable& vforks() {
    static VforkTable t;
    return t;
}

void on_thread_exit(Thread& thread) {
    futex::release_thread_futexes(thread);
    vfork_release(thread);
}

const ProcessHooks kCloneHooks = {nullptr, &on_thread_exit, nullptr, nullptr};

// The parent side of vfork: sleep until released. Only the thread being killed ends it early
// (Linux's killable wait).
void wait_for_vfork(Thread& parent, Thread& child, VforkWait& w) {
    constexpr uint64_t kPollNs = 10 * ostd::time::kNsPerMs;
    while (!w.done.load(std::memory_order_acquire) && !parent.exit_requested())
        (void)w.wq.wait_until([&] { return w.done.load(std::memory_order_acquire); },
                              {ostd::Interruptible::kNo, kPollNs});
    VforkTable& t = vforks();
    ostd::MutexGuard g(t.lock);
    if (w.link.is_linked()) t.waits.remove(w);
    (void)child;
}

struct CloneRequest {
    uint64_t flags = 0;
    uint64_t exit_signal = 0;
    uint64_t stack = 0;  // New stack pointer (0: keep the caller's).
    uint64_t parent_tid = 0;
    uint64_t child_tid = 0;
    uint64_t tls = 0;
};

ostd::Result<void> check_flags(Process& caller, uint64_t flags) {
    if ((flags & (cf::kNewns | cf::kFs)) == (cf::kNewns | cf::kFs)) return ostd::Error(EINVAL);
    if ((flags & (cf::kNewuser | cf::kFs)) == (cf::kNewuser | cf::kFs)) return ostd::Error(EINVAL);
    if ((flags & cf::kThread) && !(flags & cf::kSighand))
        return ostd::Error(EINVAL, "CLONE_THREAD needs CLONE_SIGHAND");
    if ((flags & cf::kSighand) && !(flags & cf::kVm))
        return ostd::Error(EINVAL, "CLONE_SIGHAND needs CLONE_VM");
    if ((flags & cf::kParent) && caller.pid() == 1)
        return ostd::Error(EINVAL, "init cannot create siblings");
    if ((flags & cf::kThread) && (flags & (cf::kNewuser | cf::kNewpid))) return ostd::Error(EINVAL);
    if (flags & kNamespaces) {
        if (!caller.creds().is_privileged()) return ostd::Error(EPERM);
        return ostd::Error(EINVAL, "namespaces are not supported");
    }
    if (flags & cf::kPidfd) return ostd::Error(EINVAL, "CLONE_PIDFD is not supported");
    return ostd::ok();
}

ostd::Result<int64_t> do_clone(syscall::SyscallContext& ctx, const CloneRequest& req) {
    if (!ctx.thread || !ctx.thread->has_user_mode()) return ostd::Error(ESRCH);
    Thread& self = *ctx.thread;
    TRY(check_flags(self.process(), req.flags));
    ostd::Ref<Thread> child = (req.flags & cf::kThread)
                                  ? TRY(ProcessTable::create_thread(self))
                                  : TRY(ProcessTable::fork_process(self, req.flags));
    if (!(req.flags & cf::kThread))
        child->process().exit_signal.store(static_cast<int>(req.exit_signal));
    ostd::UserContext uc = self.user_mode().context();
    uc.regs().rax = 0;
    if (req.stack) uc.regs().rsp = req.stack;
    if (req.flags & cf::kSettls) uc.regs().fs_base = req.tls;
    int32_t tid = child->tid();
    // Linux ignores faults on the tid pointers (put_user results are not checked).
    if (req.flags & cf::kParentSettid) (void)write_user<int32_t>(ctx, req.parent_tid, tid);
    if (req.flags & cf::kChildSettid) {
        auto w = ostd::VmWriter::from_user(child->process().address_space().vm_space(),
                                           ostd::Vaddr(req.child_tid), sizeof tid);
        (void)w.write_val(tid);
    }
    if (req.flags & cf::kChildCleartid) child->clear_child_tid = req.child_tid;

    if (req.flags & cf::kThread) {
        // A new thread inherits the caller's signal mask.
        if (auto r = signal::on_thread_created(self, *child); r.is_error()) {
            ProcessTable::exit_thread(*child, wait_status_exited(0));
            return r.error();
        }
    }

    VforkWait vw;
    if (req.flags & cf::kVfork) {
        vw.child = child.ptr();
        VforkTable& t = vforks();
        ostd::MutexGuard g(t.lock);
        t.waits.push_back(vw);
    }
    if (auto r = start_thread(child, uc); r.is_error()) {
        // The child never ran: let it leave like a thread that exited at once.
        ProcessTable::exit_thread(*child, wait_status_exited(0));
        if (req.flags & cf::kVfork) wait_for_vfork(self, *child, vw);
        return r.error();
    }
    if (req.flags & cf::kVfork) wait_for_vfork(self, *child, vw);
    return tid;
}

}  // namespace

void init_clone() {
    futex::init();
    {
        // A previous machine's vfork waits lived on task stacks that are gone (found by
        // fuzz/syscalls: corpora/regressions/syscalls/vfork-stale-wait).
        VforkTable& t = vforks();
        ostd::MutexGuard g(t.lock);
        t.waits.reset();
    }
    ProcessTable::add_hooks(&kCloneHooks);
    set_exec_file_reader(&read_exec_file);
}

void vfork_release(Thread& child) {
    VforkTable& t = vforks();
    ostd::MutexGuard g(t.lock);
    for (VforkWait* w = t.waits.front(); w;) {
        VforkWait* next = t.waits.next(*w);
        if (w->child == &child) {
            t.waits.remove(*w);
            w->done.store(true, std::memory_order_release);
            w->wq.wake_all();
        }
        w = next;
    }
}

}  // namespace kernel

namespace kernel::syscall {

ostd::Result<int64_t> sys_clone(SyscallContext& ctx, const SyscallArgs& args) {
    // x86-64 order: flags, newsp, parent_tid, child_tid, tls. Only the low 32 flag bits count.
    uint64_t flags = args.as_uint(0);
    CloneRequest req;
    req.flags = flags & ~cf::kCsignal;
    req.exit_signal = flags & cf::kCsignal;
    req.stack = args.args[1];
    req.parent_tid = args.args[2];
    req.child_tid = args.args[3];
    req.tls = args.args[4];
    return do_clone(ctx, req);
}

ostd::Result<int64_t> sys_fork(SyscallContext& ctx, const SyscallArgs&) {
    CloneRequest req;
    req.exit_signal = kSigchld;
    return do_clone(ctx, req);
}

ostd::Result<int64_t> sys_vfork(SyscallContext& ctx, const SyscallArgs&) {
    CloneRequest req;
    req.flags = cf::kVm | cf::kVfork;
    req.exit_signal = kSigchld;
    return do_clone(ctx, req);
}

ostd::Result<int64_t> sys_clone3(SyscallContext& ctx, const SyscallArgs& args) {
    uint64_t size = args.args[1];
    if (size > ostd::kPageSize) return ostd::Error(E2BIG);
    if (size < abi::kCloneArgsSizeVer0) return ostd::Error(EINVAL);
    abi::CloneArgs ca{};
    TRY(copy_from_user(ctx, args.args[0], &ca, size < sizeof ca ? size : sizeof ca));
    // A larger struct from newer user space is fine if the parts we do not know are zero.
    for (uint64_t off = sizeof ca; off < size; off += 8) {
        uint8_t tail[8] = {};
        size_t n = size - off < sizeof tail ? size - off : sizeof tail;
        TRY(copy_from_user(ctx, args.args[0] + off, tail, n));
        for (size_t i = 0; i < n; ++i)
            if (tail[i]) return ostd::Error(E2BIG);
    }
    if (ca.set_tid_size > 32) return ostd::Error(EINVAL);  // MAX_PID_NS_LEVEL
    if ((ca.set_tid == 0) != (ca.set_tid_size == 0)) return ostd::Error(EINVAL);
    if ((ca.exit_signal & ~cf::kCsignal) || ca.exit_signal > 64) return ostd::Error(EINVAL);
    if ((ca.flags & cf::kIntoCgroup) && (ca.cgroup > INT32_MAX || size < abi::kCloneArgsSizeVer2))
        return ostd::Error(EINVAL);
    constexpr uint64_t kLegacy = 0xffffffffULL;
    if (ca.flags & ~(kLegacy | cf::kClearSighand | cf::kIntoCgroup)) return ostd::Error(EINVAL);
    if (ca.flags & (cf::kDetached | (cf::kCsignal & ~cf::kNewtime))) return ostd::Error(EINVAL);
    if ((ca.flags & (cf::kSighand | cf::kClearSighand)) == (cf::kSighand | cf::kClearSighand))
        return ostd::Error(EINVAL);
    if ((ca.flags & (cf::kThread | cf::kParent)) && ca.exit_signal) return ostd::Error(EINVAL);
    if (ca.stack == 0 ? ca.stack_size != 0
                      : (ca.stack_size == 0 || ca.stack + ca.stack_size > kTaskSizeMax ||
                         ca.stack + ca.stack_size < ca.stack))
        return ostd::Error(EINVAL, "bad clone3 stack");
    if (ca.set_tid) return ostd::Error(EINVAL, "set_tid is not supported");
    if (ca.flags & (cf::kNewtime | cf::kIntoCgroup))
        return ostd::Error(EINVAL, "namespaces and cgroups are not supported");
    CloneRequest req;
    req.flags = ca.flags & ~cf::kClearSighand;
    req.exit_signal = ca.exit_signal;
    req.stack = ca.stack ? ca.stack + ca.stack_size : 0;
    req.parent_tid = ca.parent_tid;
    req.child_tid = ca.child_tid;
    req.tls = ca.tls;
    return do_clone(ctx, req);
}

ostd::Result<int64_t> sys_set_robust_list(SyscallContext& ctx, const SyscallArgs& args) {
    if (!ctx.thread) return ostd::Error(ESRCH);
    if (args.args[1] != futex::kRobustListHeadSize) return ostd::Error(EINVAL);
    ctx.thread->robust_list_head = args.args[0];
    ctx.thread->robust_list_len = args.args[1];
    return 0;
}

ostd::Result<int64_t> sys_get_robust_list(SyscallContext& ctx, const SyscallArgs& args) {
    if (!ctx.thread) return ostd::Error(ESRCH);
    int32_t pid = args.as_int(0);
    ostd::RefPtr<Thread> target;
    if (pid != 0) {
        target = ProcessTable::find_thread(pid);
        if (!target) return ostd::Error(ESRCH);
        Credentials me = ctx.process->creds(), them = target->process().creds();
        if (!me.is_privileged() && me.uids().real != them.uids().real &&
            me.uids().effective != them.uids().real)
            return ostd::Error(EPERM);
    }
    Thread& t = target ? *target : *ctx.thread;
    TRY(write_user<uint64_t>(ctx, args.args[2], futex::kRobustListHeadSize));
    TRY(write_user<uint64_t>(ctx, args.args[1], t.robust_list_head));
    return 0;
}

}  // namespace kernel::syscall
