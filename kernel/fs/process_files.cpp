// Per-process file state: creation, fork sharing/copying, exec and exit hooks.
#include <atomic>

#include <kernel/abi/fcntl.h>
#include <kernel/fs/devfs/devfs.h>
#include <kernel/fs/process_files.h>
#include <kernel/fs/procfs/procfs.h>
#include <kernel/fs/tmpfs/tmpfs.h>
#include <ostd/sync/mutex.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
namespace o = abi::open;

namespace {

constexpr uint64_t kCloneFs = 0x200;
constexpr uint64_t kCloneFiles = 0x400;

/// Serialises creation and replacement of files_state (reads are lock-free after publication).
ostd::Mutex& state_lock() {
    static ostd::Mutex m;
    return m;
}

std::atomic_ref<void*> slot(Process& p) {
    return std::atomic_ref<void*>(p.files_state);
}

/// Publishes `files` as p's state (taking over one reference) and returns the old one.
ProcessFiles* exchange_state(Process& p, ProcessFiles* files) {
    return static_cast<ProcessFiles*>(slot(p).exchange(files, std::memory_order_acq_rel));
}

void drop(ProcessFiles* f) {
    if (f) f->unref();
}

Result<void> open_console_fds(ProcessFiles& files) {
    Credentials root = Credentials::root();
    vfs::Caller c{*files.fs, root, *files.fds, 1024};
    // As Linux's kernel_init: one open of the console, dup'ed to 1 and 2 (one description).
    auto f = vfs::open_file(c, abi::at::kFdcwd, "/dev/console", o::kRdwr | o::kNoctty, 0);
    if (f.is_error()) return ostd::ok();  // no /dev/console: start without fds
    Ref<File> console = f.release_value();
    for (int fd = 0; fd < 3; ++fd)
        TRY(files.fds->install(console, CloseOnExec::kNo, 1024, fd));
    return ostd::ok();
}

}  // namespace

Result<Ref<MountNamespace>> make_boot_namespace(std::span<const std::byte> initramfs,
                                                InitramfsPolicy policy) {
    register_builtin_filesystems();
    Ref<SuperBlock> root_sb = TRY(tmpfs::create(0, 0755, "rootfs"));
    Ref<MountNamespace> ns = TRY(MountNamespace::create(std::move(root_sb)));
    Ref<FsContext> fs = TRY(FsContext::create(ns));
    Ref<FdTable> fds = TRY(FdTable::create());
    Credentials root = Credentials::root();
    vfs::Caller c{*fs, root, *fds, 1024, 0};
    if (!initramfs.empty()) TRY(unpack_initramfs(c, initramfs, policy));
    for (const char* dir : {"/dev", "/proc", "/tmp"}) {
        auto r = vfs::mkdir_at(c, abi::at::kFdcwd, dir, dir[1] == 't' ? 01777 : 0755);
        if (r.is_error() && r.error().code() != EEXIST) return r.release_error();
    }
    TRY(vfs::mount(c, "devtmpfs", "/dev", "devtmpfs", 0, ""));
    TRY(vfs::mount(c, "proc", "/proc", "proc", 0, ""));
    return ns;
}

Result<void> install_files(Process& p, Ref<MountNamespace> ns) {
    Ref<FsContext> fs = TRY(FsContext::create(std::move(ns)));
    Ref<FdTable> fds = TRY(FdTable::create());
    Ref<ProcessFiles> files = TRY(ostd::try_make_ref<ProcessFiles>(std::move(fds), std::move(fs)));
    TRY(open_console_fds(*files));
    ostd::MutexGuard g(state_lock());
    drop(exchange_state(p, files.leak_ref()));
    return ostd::ok();
}

Result<ProcessFiles*> files_of(Process& p) {
    if (void* s = slot(p).load(std::memory_order_acquire)) return static_cast<ProcessFiles*>(s);
    Ref<MountNamespace> ns = TRY(make_boot_namespace({}, InitramfsPolicy::kContinue));
    Ref<FsContext> fs = TRY(FsContext::create(std::move(ns)));
    Ref<FdTable> fds = TRY(FdTable::create());
    Ref<ProcessFiles> files = TRY(ostd::try_make_ref<ProcessFiles>(std::move(fds), std::move(fs)));
    TRY(open_console_fds(*files));
    ostd::MutexGuard g(state_lock());
    if (void* s = slot(p).load(std::memory_order_acquire)) return static_cast<ProcessFiles*>(s);
    ProcessFiles* raw = files.leak_ref();
    slot(p).store(raw, std::memory_order_release);
    return raw;
}

ostd::RefPtr<ProcessFiles> existing_files(Process& p) {
    ostd::MutexGuard g(state_lock());  // release_files drops its reference after unlocking
    void* s = slot(p).load(std::memory_order_acquire);
    if (!s) return ostd::RefPtr<ProcessFiles>();
    return ostd::RefPtr<ProcessFiles>(Ref<ProcessFiles>(*static_cast<ProcessFiles*>(s)));
}

Result<void> fork_files(Process& parent, Process& child, uint64_t clone_flags) {
    ProcessFiles* pf = TRY(files_of(parent));
    Ref<FdTable> fds = (clone_flags & kCloneFiles) ? pf->fds : TRY(pf->fds->clone());
    Ref<FsContext> fs = (clone_flags & kCloneFs) ? pf->fs : TRY(pf->fs->clone());
    Ref<ProcessFiles> files = TRY(ostd::try_make_ref<ProcessFiles>(std::move(fds), std::move(fs)));
    files->set_exe(pf->exe());
    ProcessFiles* old;
    {
        ostd::MutexGuard g(state_lock());
        old = exchange_state(child, files.leak_ref());
    }
    drop(old);
    return ostd::ok();
}

void exec_files(Process& p) {
    if (void* s = slot(p).load(std::memory_order_acquire))
        static_cast<ProcessFiles*>(s)->fds->close_on_exec();
}

std::optional<Path> ProcessFiles::exe() const {
    ostd::MutexGuard g(exe_lock_);
    return exe_;
}

void ProcessFiles::set_exe(std::optional<Path> exe) {
    {
        ostd::MutexGuard g(exe_lock_);
        std::swap(exe_, exe);
    }
    // The old path (now in `exe`) is released here, outside the lock.
}

Result<Path> lookup_exe(Process& p, std::string_view path) {
    ProcessFiles* files = TRY(files_of(p));
    Credentials creds = p.creds();
    return vfs::lookup_at(caller_for(p, *files, creds), abi::at::kFdcwd, path, 0);
}

void set_exe(Process& p, std::optional<Path> exe) {
    auto files = files_of(p);
    if (files.is_ok()) files.value()->set_exe(std::move(exe));
}

void release_files(Process& p) {
    ProcessFiles* old;
    {
        ostd::MutexGuard g(state_lock());
        old = exchange_state(p, nullptr);
    }
    if (old) {
        int64_t owner = p.pid();
        old->fds->for_each([owner](int, File& f) {
            if (f.inode()) f.inode()->record_locks().release_owner(owner);
        });
    }
    drop(old);
}

vfs::Caller caller_for(Process& p, ProcessFiles& files, const Credentials& creds) {
    uint64_t nofile = p.rlimit(Resource::kNofile).cur;
    if (nofile > (uint64_t(1) << 20)) nofile = uint64_t(1) << 20;
    return vfs::Caller{*files.fs, creds, *files.fds, nofile, int64_t(p.umask()), int64_t(p.pid())};
}

}  // namespace kernel::fs
