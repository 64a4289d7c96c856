// Test helpers for the VFS: a fresh tmpfs namespace with a caller (FsContext, FdTable,
// Credentials) and string-based read/write wrappers. Only for *_test.cpp files.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include <kernel/abi/fcntl.h>
#include <kernel/abi/io.h>
#include <kernel/fs/fd_table.h>
#include <kernel/fs/fs_context.h>
#include <kernel/fs/superblock.h>
#include <kernel/fs/tmpfs/tmpfs.h>
#include <kernel/fs/vfs.h>

#include "kernel_env.h"

namespace kernel::fs::testing {

/// Everything a process would own, over a fresh root tmpfs.
struct World {
    ostd::Ref<MountNamespace> ns;
    ostd::Ref<FsContext> fs;
    ostd::Ref<FdTable> fds;
    Credentials creds = Credentials::root();

    static World make(uint64_t max_bytes = 0) {
        register_builtin_filesystems();
        auto sb = MUST(tmpfs::create(max_bytes, 0755));
        auto ns = MUST(MountNamespace::create(std::move(sb)));
        auto fs = MUST(FsContext::create(ns));
        auto fds = MUST(FdTable::create());
        return World{std::move(ns), std::move(fs), std::move(fds)};
    }
    vfs::Caller caller() { return vfs::Caller{*fs, creds, *fds, 1024}; }
    /// A second process: same namespace and root, its own fd table and credentials.
    vfs::Caller as(const Credentials& c) { return vfs::Caller{*fs, c, *fds, 1024}; }
};

inline ostd::Result<size_t> write_str(const vfs::Caller& c, int fd, std::string_view s) {
    auto r = ostd::VmReader::from_kernel(std::as_bytes(std::span<const char>(s.data(), s.size())));
    return vfs::write(c, fd, r);
}

inline ostd::Result<std::string> read_str(const vfs::Caller& c, int fd, size_t max = 4096) {
    std::string buf(max, '\0');
    auto w = ostd::VmWriter::from_kernel(std::as_writable_bytes(std::span<char>(buf.data(), max)));
    size_t n = TRY(vfs::read(c, fd, w));
    buf.resize(n);
    return buf;
}

/// Creates `path` with `contents` (mode 0644). Fails the test on error.
inline void put_file(const vfs::Caller& c, std::string_view path, std::string_view contents) {
    int fd = MUST(vfs::open_at(c, abi::at::kFdcwd, path, abi::open::kWronly | abi::open::kCreat |
                                                             abi::open::kTrunc,
                               0644));
    EXPECT_EQ(MUST(write_str(c, fd, contents)), contents.size());
    MUST(vfs::close(c, fd));
}

inline std::string get_file(const vfs::Caller& c, std::string_view path) {
    int fd = MUST(vfs::open_at(c, abi::at::kFdcwd, path, abi::open::kRdonly, 0));
    std::string s = MUST(read_str(c, fd, 65536));
    MUST(vfs::close(c, fd));
    return s;
}

inline int err(const ostd::Result<void>& r) { return r.is_ok() ? 0 : r.error().code(); }
template <typename T>
int err(const ostd::Result<T>& r) {
    return r.is_ok() ? 0 : r.error().code();
}

/// Runs `body` in a small machine.
template <typename F>
void in_kernel(F&& body) {
    orrery::testing::run_in_kernel([&] { body(); }, orrery::testing::small_machine());
}

}  // namespace kernel::fs::testing
