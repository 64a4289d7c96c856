// User-memory helpers for syscall handlers, over ostd's fallible VmReader/VmWriter.
#include <kernel/syscall/user_memory.h>

#include <kernel/process/process.h>

namespace kernel {

ostd::Result<ostd::VmSpace*> user_space(syscall::SyscallContext& ctx) {
    if (!ctx.process) return ostd::Error(EFAULT, "no process for user memory");
    return &ctx.process->address_space().vm_space();
}

ostd::Result<void> copy_from_user(syscall::SyscallContext& ctx, uint64_t uaddr, void* dst,
                                  size_t n) {
    if (n == 0) return ostd::ok();
    ostd::VmSpace* space = TRY(user_space(ctx));
    auto reader = ostd::VmReader::from_user(*space, ostd::Vaddr(uaddr), n);
    size_t got = TRY(reader.read({static_cast<std::byte*>(dst), n}));
    if (got != n) return ostd::Error(EFAULT);
    return ostd::ok();
}

ostd::Result<void> copy_to_user(syscall::SyscallContext& ctx, uint64_t uaddr, const void* src,
                                size_t n) {
    if (n == 0) return ostd::ok();
    ostd::VmSpace* space = TRY(user_space(ctx));
    auto writer = ostd::VmWriter::from_user(*space, ostd::Vaddr(uaddr), n);
    size_t put = TRY(writer.write({static_cast<const std::byte*>(src), n}));
    if (put != n) return ostd::Error(EFAULT);
    return ostd::ok();
}

ostd::Result<void> clear_user(syscall::SyscallContext& ctx, uint64_t uaddr, size_t n) {
    if (n == 0) return ostd::ok();
    ostd::VmSpace* space = TRY(user_space(ctx));
    auto writer = ostd::VmWriter::from_user(*space, ostd::Vaddr(uaddr), n);
    size_t put = TRY(writer.fill_zero(n));
    if (put != n) return ostd::Error(EFAULT);
    return ostd::ok();
}

ostd::Result<ostd::String> read_user_string(syscall::SyscallContext& ctx, uint64_t uaddr,
                                            size_t max_len) {
    ostd::VmSpace* space = TRY(user_space(ctx));
    char buf[kPathMax];
    size_t cap = max_len + 1 < sizeof buf ? max_len + 1 : sizeof buf;
    auto reader = ostd::VmReader::from_user(*space, ostd::Vaddr(uaddr), cap);
    size_t len = TRY(reader.read_cstring({buf, cap}));
    return ostd::String::from({buf, len});
}

ostd::Result<ostd::String> read_user_path(syscall::SyscallContext& ctx, uint64_t uaddr) {
    auto s = read_user_string(ctx, uaddr, kPathMax - 1);
    if (s.is_ok() && s.value().is_empty()) return ostd::Error(ENOENT);
    return s;
}

ostd::Result<ostd::VmReader> user_reader(syscall::SyscallContext& ctx, uint64_t uaddr,
                                         size_t len) {
    ostd::VmSpace* space = TRY(user_space(ctx));
    return ostd::VmReader::from_user(*space, ostd::Vaddr(uaddr), len);
}

ostd::Result<ostd::VmWriter> user_writer(syscall::SyscallContext& ctx, uint64_t uaddr,
                                         size_t len) {
    ostd::VmSpace* space = TRY(user_space(ctx));
    return ostd::VmWriter::from_user(*space, ostd::Vaddr(uaddr), len);
}

ostd::Result<size_t> ProcessUserReader::read(uint64_t uaddr, void* dst, size_t len) const {
    auto reader = ostd::VmReader::from_user(space_, ostd::Vaddr(uaddr), len);
    size_t copied = 0;
    auto r = reader.read({static_cast<std::byte*>(dst), len}, &copied);
    if (r.is_ok()) return r.value();
    if (copied > 0) return copied;
    return r.error();
}

}  // namespace kernel
