// Exporter: serves a mount namespace to an outside client (the host's FUSE driver) by node id.
// Every operation goes through the same vfs:: entry points the syscalls use, as a caller with the
// request's credentials whose working directory is the node in question, so permission checks,
// errno values and locking are the syscalls' own. Open files are descriptors in the exporter's
// own FdTable (the FUSE file handle is the fd). Runs in kernel task context (HostCallQueue).
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>

#include <kernel/abi/stat.h>
#include <kernel/abi/time.h>
#include <kernel/fs/export/node_table.h>
#include <kernel/fs/fd_table.h>
#include <kernel/fs/fs_context.h>
#include <kernel/fs/vfs.h>
#include <kernel/process/credentials.h>
#include <ostd/common/ref.h>
#include <ostd/ktl/string.h>
#include <ostd/mm/vm_io.h>

namespace kernel::fs::exporter {

/// Who asks: FUSE gives the caller's fsuid/fsgid (and, looked up by the host, its groups).
struct RequestCreds {
    Uid uid = 0;
    Gid gid = 0;
    std::span<const Gid> groups = {};
};

struct EntryOut {
    uint64_t node = 0;
    abi::Stat attr{};
};

/// setattr: which fields of SetAttrIn apply (FUSE_SET_ATTR_* values).
namespace set_attr {
inline constexpr uint32_t kMode = 1 << 0;
inline constexpr uint32_t kUid = 1 << 1;
inline constexpr uint32_t kGid = 1 << 2;
inline constexpr uint32_t kSize = 1 << 3;
inline constexpr uint32_t kAtime = 1 << 4;
inline constexpr uint32_t kMtime = 1 << 5;
inline constexpr uint32_t kAtimeNow = 1 << 7;
inline constexpr uint32_t kMtimeNow = 1 << 8;
}  // namespace set_attr

struct SetAttrIn {
    uint32_t valid = 0;
    uint32_t mode = 0;
    Uid uid = kUnchanged;
    Gid gid = kUnchanged;
    uint64_t size = 0;
    abi::Timespec atime{};
    abi::Timespec mtime{};
};

/// One directory entry as readdir reports it; `next` is the offset to resume after it.
struct DirEntry {
    std::string_view name;
    uint64_t ino;
    uint32_t type;  // DT_* value
    int64_t next;
};
/// readdir sink: returns false when it has no room for this entry (it is not consumed).
using DirSink = bool (*)(void* ctx, const DirEntry& e);

/// The errno to report to a client for a kernel error: restart codes become EINTR, anything
/// outside 1..4095 becomes EIO.
int client_errno(const ostd::Error& e);

class Exporter {
public:
    struct Options {
        bool read_only = false;
    };

    /// Creates the exporter for `ns` (root = the namespace root). Kernel task context. EBUSY if
    /// one exists, ENOMEM.
    static ostd::Result<void> start(ostd::Ref<MountNamespace> ns, Options options);
    /// The running exporter, or nullptr.
    static Exporter* get();
    /// Closes every handle, forgets every node and destroys the exporter. No calls may be in
    /// flight (stop the HostCallQueue first).
    static void stop();

    // ---- Names ----
    ostd::Result<EntryOut> lookup(const RequestCreds& rc, uint64_t parent, std::string_view name);
    void forget(uint64_t node, uint64_t nlookup) { nodes_.forget(node, nlookup); }
    ostd::Result<abi::Stat> getattr(uint64_t node);
    /// fh >= 0: the attributes are changed through that open file where the VFS allows it.
    ostd::Result<abi::Stat> setattr(const RequestCreds& rc, uint64_t node, const SetAttrIn& in,
                                    int64_t fh);
    ostd::Result<EntryOut> mknod(const RequestCreds& rc, uint64_t parent, std::string_view name,
                                 uint32_t mode, uint64_t rdev);
    ostd::Result<EntryOut> mkdir(const RequestCreds& rc, uint64_t parent, std::string_view name,
                                 uint32_t mode);
    ostd::Result<EntryOut> symlink(const RequestCreds& rc, std::string_view target, uint64_t parent,
                                   std::string_view name);
    ostd::Result<EntryOut> link(const RequestCreds& rc, uint64_t node, uint64_t new_parent,
                                std::string_view new_name);
    ostd::Result<void> unlink(const RequestCreds& rc, uint64_t parent, std::string_view name);
    ostd::Result<void> rmdir(const RequestCreds& rc, uint64_t parent, std::string_view name);
    /// flags: RENAME_NOREPLACE (1), RENAME_EXCHANGE (2).
    ostd::Result<void> rename(const RequestCreds& rc, uint64_t parent, std::string_view name,
                              uint64_t new_parent, std::string_view new_name, uint32_t flags);
    ostd::Result<ostd::String> readlink(const RequestCreds& rc, uint64_t node);
    ostd::Result<void> access(const RequestCreds& rc, uint64_t node, int mask);
    ostd::Result<abi::Statfs> statfs(const RequestCreds& rc, uint64_t node);

    // ---- Open files (the handle is a descriptor of the exporter's table) ----
    /// open(2) flags without O_CREAT; the host kernel already applied O_TRUNC rules.
    ostd::Result<int> open(const RequestCreds& rc, uint64_t node, uint32_t flags);
    struct Created {
        EntryOut entry;
        int fh;
    };
    /// O_CREAT open of `name` in `parent` with `mode` (the host applied the umask).
    ostd::Result<Created> create(const RequestCreds& rc, uint64_t parent, std::string_view name,
                                 uint32_t mode, uint32_t flags);
    ostd::Result<int> opendir(const RequestCreds& rc, uint64_t node);
    ostd::Result<size_t> read(int fh, std::span<std::byte> buf, int64_t offset);
    ostd::Result<size_t> write(int fh, std::span<const std::byte> buf, int64_t offset);
    /// Emits entries from `offset` (0 = start, else a `next` seen before) until the sink is
    /// full or the directory ends. Returns how many were emitted.
    ostd::Result<size_t> readdir(int fh, int64_t offset, DirSink sink, void* ctx);
    ostd::Result<void> fsync(int fh);
    /// fallocate(2) on an open file (mode 0 and FALLOC_FL_KEEP_SIZE as the VFS supports).
    ostd::Result<void> fallocate(int fh, int mode, int64_t offset, int64_t len);
    /// copy_file_range(2) between two open files at explicit offsets.
    ostd::Result<size_t> copy_file_range(int fh_in, int64_t off_in, int fh_out, int64_t off_out,
                                         size_t len);
    ostd::Result<void> release(int fh);

    // ---- Extended attributes (on the node itself, symlinks not followed) ----
    /// Size query when `out` is empty. ERANGE when it is too small.
    ostd::Result<size_t> getxattr(const RequestCreds& rc, uint64_t node, std::string_view name,
                                  std::span<std::byte> out);
    ostd::Result<void> setxattr(const RequestCreds& rc, uint64_t node, std::string_view name,
                                std::span<const std::byte> value, int flags);
    ostd::Result<size_t> listxattr(const RequestCreds& rc, uint64_t node, std::span<std::byte> out);
    ostd::Result<void> removexattr(const RequestCreds& rc, uint64_t node, std::string_view name);

    /// Writes back file data (sync(2)); in-memory file systems have nothing to write.
    void sync();

    NodeTable& nodes() { return nodes_; }
    /// Open handles (for tests and shutdown).
    size_t open_handles() const { return handles_.load(std::memory_order_relaxed); }

    /// Use start(); public only for try_make_box.
    Exporter(ostd::Ref<MountNamespace> ns, ostd::Ref<FdTable> fds, ostd::Ref<FsContext> fd_fs,
             Options o)
        : ns_(std::move(ns)), fds_(std::move(fds)), fd_fs_(std::move(fd_fs)), options_(o) {}
    ~Exporter();

private:
    friend class Scope;

    inline static constexpr uint64_t kMaxHandles = uint64_t{1} << 20;
    ostd::Result<EntryOut> entry_for(const Path& p);
    ostd::Result<void> check_writable() const;
    /// The caller for descriptor-only calls (data, fsync, close): no names are resolved.
    vfs::Caller fd_caller() const;

    ostd::Ref<MountNamespace> ns_;
    ostd::Ref<FdTable> fds_;      // open handles
    ostd::Ref<FsContext> fd_fs_;  // for descriptor-only calls (no names resolved)
    Options options_;
    Credentials root_creds_ = Credentials::root();
    NodeTable nodes_;
    std::atomic<size_t> handles_{0};
};

}  // namespace kernel::fs::exporter
