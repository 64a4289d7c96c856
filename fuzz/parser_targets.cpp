// The cpio, ELF and path-walk fuzz bodies.
#include "parser_targets.h"

#include <span>
#include <string>
#include <string_view>

#include <ostd/common/result.h>
#include <ostd/ktl/vector.h>

#include <kernel/abi/fcntl.h>
#include <kernel/elf/elf_image.h>
#include <kernel/elf/load_plan.h>
#include <kernel/fs/fd_table.h>
#include <kernel/fs/fs_context.h>
#include <kernel/fs/initramfs_unpack.h>
#include <kernel/fs/mount.h>
#include <kernel/fs/superblock.h>
#include <kernel/fs/tmpfs/tmpfs.h>
#include <kernel/fs/vfs.h>
#include <kernel/process/credentials.h>
#include <kernel/process/elf_loader.h>
#include <kernel/process/process.h>
#include <kernel/process/process_table.h>
#include <kernel/vm/address_space.h>

#include "byte_reader.h"

namespace orrery::fuzz {
namespace {

namespace fs = kernel::fs;
namespace vfs = kernel::fs::vfs;

// A process's file-system view over a fresh root tmpfs (limited so ENOSPC is reachable).
struct World {
    ostd::Ref<fs::MountNamespace> ns;
    ostd::Ref<fs::FsContext> ctx;
    ostd::Ref<fs::FdTable> fds;
    kernel::Credentials creds = kernel::Credentials::root();

    static World make() {
        fs::register_builtin_filesystems();
        auto sb = MUST(fs::tmpfs::create(uint64_t{1} << 20, 0755));
        auto ns = MUST(fs::MountNamespace::create(std::move(sb)));
        auto ctx = MUST(fs::FsContext::create(ns));
        auto fds = MUST(fs::FdTable::create());
        return World{std::move(ns), std::move(ctx), std::move(fds)};
    }
    vfs::Caller caller() { return vfs::Caller{*ctx, creds, *fds, 64}; }
};

std::span<const std::byte> bytes_of(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const std::byte*>(data), size};
}

}  // namespace

void cpio_body(const uint8_t* data, size_t size) {
    for (auto policy : {fs::InitramfsPolicy::kStop, fs::InitramfsPolicy::kContinue}) {
        World w = World::make();
        auto c = w.caller();
        (void)fs::unpack_initramfs(c, bytes_of(data, size), policy);
        // Walk back what was unpacked: every name must resolve without crashing.
        (void)vfs::stat_at(c, kernel::abi::at::kFdcwd, "/", 0);
    }
}

void elf_body(const uint8_t* data, size_t size) {
    auto image = kernel::elf::parse_elf(bytes_of(data, size));
    if (image.is_ok()) (void)kernel::elf::plan_load(image.value(), ostd::Vaddr(kernel::kPieBase));
    auto as = kernel::AddressSpace::create();
    if (as.is_error()) return;
    // The loader wants the process it loads for (it hands it to the interpreter reader).
    kernel::ProcessTable::init();
    auto init = kernel::ProcessTable::create_init();
    if (init.is_error()) return;
    // The interpreter, if any, is the input itself: exercises the nested-load checks.
    static const uint8_t* s_data;
    static size_t s_size;
    s_data = data;
    s_size = size;
    auto reader = [](kernel::Process&,
                     std::string_view) -> ostd::Result<ostd::Vector<std::byte>> {
        ostd::Vector<std::byte> v;
        TRY(v.reserve(s_size));
        for (size_t i = 0; i < s_size; ++i)
            TRY(v.push_back(std::byte(s_data[i])));
        return v;
    };
    (void)kernel::load_elf(init.value()->process(), *as.value(), bytes_of(data, size), reader);
}

void pathwalk_body(const uint8_t* data, size_t size) {
    World w = World::make();
    auto c = w.caller();
    constexpr int kCwd = kernel::abi::at::kFdcwd;
    (void)vfs::mkdir_at(c, kCwd, "/a", 0755);
    (void)vfs::mkdir_at(c, kCwd, "/a/b", 0755);
    (void)vfs::mkdir_at(c, kCwd, "/d", 0700);
    (void)vfs::symlink_at(c, "/a/b", kCwd, "/l");
    (void)vfs::symlink_at(c, "loop", kCwd, "/loop");
    (void)vfs::symlink_at(c, "../..", kCwd, "/a/b/up");
    (void)vfs::symlink_at(c, "", kCwd, "/empty");
    if (auto fd = vfs::open_at(c, kCwd, "/a/f", kernel::abi::open::kCreat | 1, 0644); fd.is_ok())
        (void)vfs::close(c, fd.value());

    ByteReader in(data, size);
    static const char* const kWords[] = {"a", "b", "f", "l", "loop", "up", "d", "..", ".",
                                         "",  "x", "empty"};
    auto path = [&]() {
        std::string p;
        if (in.flag()) p = "/";
        int parts = in.below(6);
        for (int i = 0; i < parts; ++i) {
            if (i) p += in.below(8) == 0 ? "//" : "/";
            if (in.below(8) == 0) {
                char raw[8];
                size_t n = in.below(8);
                in.bytes(raw, n);
                p.append(raw, n);
            } else {
                p += kWords[in.below(sizeof kWords / sizeof kWords[0])];
            }
        }
        if (in.below(16) == 0) p.append(256, 'n');
        return p;
    };
    for (int op = 0; op < 32 && !in.empty(); ++op) {
        uint32_t at = in.flag() ? kernel::abi::at::kSymlinkNofollow : 0;
        switch (in.below(10)) {
            case 0: (void)vfs::lookup_at(c, kCwd, path(), at, true); break;
            case 1: {
                auto fd = vfs::open_at(c, kCwd, path(), in.u32() & 0x2fffff, 0644);
                if (fd.is_ok()) (void)vfs::close(c, fd.value());
                break;
            }
            case 2: (void)vfs::mkdir_at(c, kCwd, path(), 0755); break;
            case 3: (void)vfs::unlink_at(c, kCwd, path(), in.flag() ? 0x200 : 0); break;
            case 4: {
                std::string target = path();
                (void)vfs::symlink_at(c, target, kCwd, path());
                break;
            }
            case 5: {
                std::string from = path();
                (void)vfs::rename_at(c, kCwd, from, kCwd, path(), in.below(4));
                break;
            }
            case 6: (void)vfs::readlink_at(c, kCwd, path()); break;
            case 7: (void)vfs::stat_at(c, kCwd, path(), at); break;
            case 8: (void)vfs::chdir(c, path()); break;
            case 9: {
                std::string from = path();
                (void)vfs::link_at(c, kCwd, from, kCwd, path(), in.flag() ? 0x400 : 0);
                break;
            }
        }
    }
    (void)vfs::getcwd(c);
}

}  // namespace orrery::fuzz
