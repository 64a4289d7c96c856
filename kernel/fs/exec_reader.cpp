// read_exec_file: the VFS side of execve.
#include <kernel/abi/fcntl.h>
#include <kernel/fs/exec_reader.h>
#include <kernel/fs/permission.h>
#include <kernel/fs/process_files.h>
#include <kernel/process/process_table.h>
#include <ostd/task/task.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Result;

namespace {
constexpr uint64_t kMaxExecSize = uint64_t(256) << 20;

/// The process exec runs for: the current user thread's, else init (boot loads init from the
/// boot task, which is not a user thread).
ostd::RefPtr<Process> exec_process() {
    ostd::Task* t = ostd::Task::current_or_null();
    if (t && t->data()) return static_cast<Thread*>(t->data())->process_ref();
    return ProcessTable::find_process(1);
}
}  // namespace

Result<ostd::Vector<std::byte>> read_exec_file(std::string_view path) {
    ostd::RefPtr<Process> p = exec_process();
    if (!p) return Error(ENOENT, "no process to resolve the path for");
    ProcessFiles* files = TRY(files_of(*p));
    Credentials creds = p->creds();
    vfs::Caller c = caller_for(*p, *files, creds);
    Path at = TRY(vfs::lookup_at(c, abi::at::kFdcwd, path, 0));
    Inode& inode = at.inode();
    if (inode.type() != FileType::kRegular) return Error(EACCES, "exec of a non-regular file");
    if (at.mnt->flags() & mount_flags::kNoExec) return Error(EACCES, "noexec mount");
    TRY(check_access(inode, creds, kMayExec));
    uint64_t size = inode.size();
    if (size > kMaxExecSize) return Error(EFBIG, "executable too large");
    ostd::Vector<std::byte> data;
    TRY(data.reserve(size_t(size)));
    for (uint64_t i = 0; i < size; ++i)
        MUST(data.push_back(std::byte{0}));
    auto w = ostd::VmWriter::from_kernel(data.span());
    size_t done = 0;
    while (done < size) {
        size_t n = TRY(inode.read_at(done, w));
        if (n == 0) break;
        done += n;
    }
    data.truncate(done);
    inode.touch(kAtime);
    return data;
}

}  // namespace kernel::fs
