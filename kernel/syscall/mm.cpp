// The memory-mapping family: mmap (anonymous; files come with the VFS), munmap, mprotect,
// mremap, brk, madvise. Validation follows man 2 mmap; the work is in kernel/vm/.
#include <kernel/abi/mman.h>
#include <kernel/fs/file_pages.h>
#include <kernel/fs/inode.h>
#include <kernel/fs/process_files.h>
#include <kernel/process/process.h>
#include <kernel/syscall/handlers.h>

namespace kernel::syscall {
namespace {

constexpr uint64_t kPage = 4096;
constexpr int kMadvNormal = 0, kMadvRandom = 1, kMadvSequential = 2, kMadvWillneed = 3,
              kMadvDontneed = 4, kMadvFree = 8;

ostd::Result<AddressSpace*> space(SyscallContext& ctx) {
    if (!ctx.process) return ostd::Error(ESRCH, "no calling process");
    return &ctx.process->address_space();
}

}  // namespace

ostd::Result<int64_t> sys_mmap(SyscallContext& ctx, const SyscallArgs& a) {
    AddressSpace* as = TRY(space(ctx));
    uint64_t addr = a.args[0], len = a.args[1];
    uint32_t prot = a.as_uint(2), flags = a.as_uint(3);
    uint64_t off = a.args[5];
    using namespace abi;
    uint32_t type = flags & map::kTypeMask;
    if (type != map::kShared && type != map::kPrivate && type != map::kSharedValidate)
        return ostd::Error(EINVAL, "mmap needs MAP_SHARED or MAP_PRIVATE");
    if (len == 0) return ostd::Error(EINVAL);
    if (off & (kPage - 1)) return ostd::Error(EINVAL);
    if (prot & ~(prot::kRead | prot::kWrite | prot::kExec | prot::kSem | prot::kGrowsdown |
                 prot::kGrowsup))
        return ostd::Error(EINVAL);
    if ((flags & map::kAnonymous) && type == map::kSharedValidate)
        return ostd::Error(EINVAL, "anonymous mappings are MAP_SHARED or MAP_PRIVATE");
    if (type == map::kSharedValidate) {
        constexpr uint32_t known = map::kTypeMask | map::kFixed | map::kAnonymous |
                                   map::k32Bit | map::kGrowsdown | map::kDenywrite |
                                   map::kExecutable | map::kLocked | map::kNoreserve |
                                   map::kPopulate | map::kNonblock | map::kStack |
                                   map::kHugetlb | map::kSync | map::kFixedNoreplace;
        if (flags & ~known) return ostd::Error(EOPNOTSUPP);
    }
    ostd::RefPtr<PageSource> source;
    bool shared_file = false;
    if (!(flags & map::kAnonymous)) {
        // File mappings (man 2 mmap): the descriptor must be open for reading (EACCES), a shared
        // writable mapping needs O_RDWR, only regular files map (ENODEV). MAP_SHARED maps the
        // file's own page-cache frames where the file system has them (tmpfs); elsewhere a
        // read-only shared mapping gets private copies and a writable one is ENODEV.
        auto* files = TRY(fs::files_of(*ctx.process));
        ostd::Ref<fs::File> file = TRY(files->fds->get(a.as_int(4)));
        if (file->is_path_only() || !file->is_readable()) return ostd::Error(EACCES);
        if (!file->inode() || file->inode()->type() != fs::FileType::kRegular)
            return ostd::Error(ENODEV);
        if (type != map::kPrivate) {
            if ((prot & prot::kWrite) && !file->is_writable()) return ostd::Error(EACCES);
            shared_file = file->inode()->has_page_cache();
            if (!shared_file && (prot & prot::kWrite))
                return ostd::Error(ENODEV, "this file system cannot share its pages");
        }
        source = TRY(fs::FilePageSource::create(std::move(file)));
    }
    if (flags & map::kHugetlb) return ostd::Error(EINVAL, "no huge pages");
    AddressSpace::MapRequest req;
    req.addr = addr;
    req.len = len;
    req.prot = prot & (prot::kRead | prot::kWrite | prot::kExec);
    req.shared = type != map::kPrivate;
    req.fixed = flags & map::kFixed;
    req.fixed_noreplace = flags & map::kFixedNoreplace;
    req.grows_down = flags & map::kGrowsdown;
    req.populate = flags & map::kPopulate;
    if (source) {
        req.shared = shared_file;
        req.source = std::move(source);
        req.source_off = off;
    }
    return static_cast<int64_t>(TRY(as->map_anonymous(req)));
}

ostd::Result<int64_t> sys_msync(SyscallContext& ctx, const SyscallArgs& a) {
    constexpr uint32_t kAsync = 1, kInvalidate = 2, kSync = 4;
    uint64_t addr = a.args[0];
    uint32_t flags = a.as_uint(2);
    if (addr & (kPage - 1)) return ostd::Error(EINVAL, "unaligned msync address");
    if ((flags & ~(kAsync | kInvalidate | kSync)) || ((flags & kAsync) && (flags & kSync)))
        return ostd::Error(EINVAL, "bad msync flags");
    if (a.args[1] == 0) return 0;
    // Shared file pages are the page cache itself (tmpfs has no backing store to write to):
    // only the range check remains.
    TRY(TRY(space(ctx))->check_mapped(addr, a.args[1]));
    return 0;
}

ostd::Result<int64_t> sys_munmap(SyscallContext& ctx, const SyscallArgs& a) {
    TRY(TRY(space(ctx))->unmap(a.args[0], a.args[1]));
    return 0;
}

ostd::Result<int64_t> sys_mprotect(SyscallContext& ctx, const SyscallArgs& a) {
    uint32_t prot = a.as_uint(2);
    if (prot & ~(abi::prot::kRead | abi::prot::kWrite | abi::prot::kExec | abi::prot::kSem |
                 abi::prot::kGrowsdown | abi::prot::kGrowsup))
        return ostd::Error(EINVAL);
    if (prot & abi::prot::kGrowsup) return ostd::Error(EINVAL);  // No grows-up stacks on x86.
    bool growsdown = prot & abi::prot::kGrowsdown;
    prot &= abi::prot::kRead | abi::prot::kWrite | abi::prot::kExec;
    TRY(TRY(space(ctx))->protect(a.args[0], a.args[1], prot, growsdown));
    return 0;
}

ostd::Result<int64_t> sys_mremap(SyscallContext& ctx, const SyscallArgs& a) {
    AddressSpace* as = TRY(space(ctx));
    return static_cast<int64_t>(
        TRY(as->remap(a.args[0], a.args[1], a.args[2], a.as_uint(3), a.args[4])));
}

ostd::Result<int64_t> sys_brk(SyscallContext& ctx, const SyscallArgs& a) {
    return static_cast<int64_t>(TRY(space(ctx))->brk(a.args[0]));
}

ostd::Result<int64_t> sys_madvise(SyscallContext& ctx, const SyscallArgs& a) {
    AddressSpace* as = TRY(space(ctx));
    uint64_t addr = a.args[0], len = a.args[1];
    if (addr & (kPage - 1)) return ostd::Error(EINVAL);
    switch (a.as_int(2)) {
        case kMadvDontneed:
        case kMadvFree:
            TRY(as->discard(addr, len));
            return 0;
        case kMadvNormal:
        case kMadvRandom:
        case kMadvSequential:
        case kMadvWillneed:
            return 0;  // Hints only.
        default: return ostd::Error(EINVAL);
    }
}

}  // namespace kernel::syscall
