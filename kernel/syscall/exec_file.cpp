// The exec file reader over the VFS: resolves a path as the calling process, checks execute
// permission (effective ids) and that it names a regular file, and reads it whole.
#include <ostd/mm/vm_io.h>

#include <kernel/fs/process_files.h>
#include <kernel/fs/vfs.h>
#include <kernel/syscall/clone.h>

namespace kernel {
namespace {

constexpr int kAtFdcwd = -100;
constexpr int kXOk = 1;
constexpr uint32_t kAtEaccess = 0x200;
// Larger images are refused (ENOMEM): the whole file is held in kernel memory while loading.
constexpr uint64_t kMaxExecFile = uint64_t{64} << 20;

}  // namespace

ostd::Result<ostd::Vector<std::byte>> read_exec_file(Process& process, std::string_view path) {
    fs::ProcessFiles* files = TRY(fs::files_of(process));
    Credentials creds = process.creds();
    fs::vfs::Caller caller = fs::caller_for(process, *files, creds);
    ostd::Ref<fs::File> file = TRY(fs::vfs::open_file(caller, kAtFdcwd, path, 0, 0));
    fs::Inode* inode = file->inode();
    if (!inode || inode->type() != fs::FileType::kRegular)
        return ostd::Error(EACCES, "exec of something that is not a regular file");
    TRY(fs::vfs::access_at(caller, kAtFdcwd, path, kXOk, kAtEaccess));
    uint64_t size = inode->size();
    if (size > kMaxExecFile) return ostd::Error(ENOMEM, "executable too large to load");
    ostd::Vector<std::byte> bytes;
    TRY(bytes.resize(size));
    uint64_t done = 0;
    while (done < size) {
        auto w = ostd::VmWriter::from_kernel({bytes.data() + done, size - done});
        size_t n = TRY(inode->read_at(done, w));
        if (n == 0) break;  // Shrunk meanwhile: load what is there.
        done += n;
    }
    ostd::Vector<std::byte> out;
    if (done == size) return bytes;
    TRY(out.reserve(done));
    for (uint64_t i = 0; i < done; ++i)
        TRY(out.push_back(bytes[i]));
    return out;
}

}  // namespace kernel
