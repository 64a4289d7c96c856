// procfs: system files in Linux formats, /proc/self and per-process entries via a provider.
#include <kernel/fs/procfs/procfs.h>
#include <kernel/time/host_name.h>

#include <map>

#include "../fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
constexpr int kCwd = abi::at::kFdcwd;

class FakeProvider final : public procfs::ProcessProvider {
public:
    int current_pid() override { return 42; }
    bool pid_exists(int pid) override { return pid == 1 || pid == 42; }
    bool pid_owner(int pid, uint32_t* uid, uint32_t* gid) override {
        *uid = *gid = pid == 42 ? 1000 : 0;
        return pid_exists(pid);
    }
    ostd::Result<void> write_file(int, std::string_view, std::string_view) override {
        return ostd::Error(EINVAL);
    }
    void for_each_pid(void (*visit)(void*, int), void* ctx) override {
        visit(ctx, 1);
        visit(ctx, 42);
    }
    ostd::Result<ostd::String> read_file(int pid, std::string_view name) override {
        if (name == "cmdline")
            return ostd::String::from(pid == 42 ? std::string_view("sh\0-c\0", 6) : "init");
        if (name == "stat") return ostd::String::from("42 (sh) S 1 42 42 0 -1\n");
        return ostd::Error(ENOENT);
    }
    ostd::Result<ostd::String> read_link(int pid, std::string_view name) override {
        if (name == "cwd") return ostd::String::from("/tmp");
        if (name == "fd/0") return ostd::String::from("/dev/null");
        return ostd::Error(ENOENT);
    }
    ostd::Result<Path> link_path(int, std::string_view) override { return ostd::Error(ENOENT); }
    void for_each_fd(int, void (*visit)(void*, int), void* ctx) override {
        visit(ctx, 0);
        visit(ctx, 2);
    }
};

std::vector<std::string> list_dir(const vfs::Caller& c, std::string_view path) {
    int fd = MUST(vfs::open_at(c, kCwd, path, o::kRdonly | o::kDirectory, 0));
    std::vector<std::string> names;
    for (;;) {
        std::byte buf[512];
        auto wr = ostd::VmWriter::from_kernel(buf);
        size_t n = MUST(vfs::getdents(c, fd, wr));
        if (n == 0) break;
        for (size_t off = 0; off < n;) {
            abi::LinuxDirent64 h;
            memcpy(&h, buf + off, sizeof h);
            names.emplace_back(reinterpret_cast<const char*>(buf + off + abi::kDirentNameOffset));
            off += h.d_reclen;
        }
    }
    MUST(vfs::close(c, fd));
    return names;
}

TEST(Procfs, SystemFiles) {
    in_kernel([] {
        procfs::set_process_provider(nullptr);  // a booted kernel may have left its provider
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/proc", 0555));
        MUST(vfs::mount(c, "proc", "/proc", "proc", 0, ""));
        std::string mem = get_file(c, "/proc/meminfo");
        EXPECT_EQ(mem.rfind("MemTotal:", 0), 0u) << mem;
        unsigned long long total = 0, free = 0;
        ASSERT_EQ(sscanf(mem.c_str(), "MemTotal: %llu kB\nMemFree: %llu kB", &total, &free), 2);
        EXPECT_GT(total, 0u);
        EXPECT_LE(free, total);
        EXPECT_NE(get_file(c, "/proc/cpuinfo").find("processor\t: 0\n"), std::string::npos);
        double up = -1, idle = -1;
        EXPECT_EQ(sscanf(get_file(c, "/proc/uptime").c_str(), "%lf %lf", &up, &idle), 2);
        EXPECT_GE(up, 0.0);
        std::string fs = get_file(c, "/proc/filesystems");
        EXPECT_NE(fs.find("nodev\ttmpfs\n"), std::string::npos) << fs;
        EXPECT_NE(fs.find("nodev\tproc\n"), std::string::npos) << fs;
        std::string mounts = get_file(c, "/proc/mounts");
        EXPECT_EQ(mounts, "tmpfs / tmpfs rw 0 0\nproc /proc proc rw 0 0\n");
        EXPECT_EQ(get_file(c, "/proc/sys/kernel/ostype"), "Linux\n");
        EXPECT_EQ(get_file(c, "/proc/sys/kernel/osrelease").rfind("6.", 0), 0u);
        MUST(set_hostname("box", 3));
        EXPECT_EQ(get_file(c, "/proc/sys/kernel/hostname"), "box\n");
        // Read-only: no creation; no /proc/self without a provider.
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/proc/new", o::kCreat | o::kWronly, 0644)), EPERM);
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/proc/self/stat", 0)), ENOENT);
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/proc/1", 0)), ENOENT);
        auto names = list_dir(c, "/proc");
        EXPECT_NE(std::find(names.begin(), names.end(), "meminfo"), names.end());
        EXPECT_NE(std::find(names.begin(), names.end(), "sys"), names.end());
    });
}

// The system-wide tree is made on lookup (a mount creates only the root): its inodes keep
// fixed numbers, the same in getdents and stat and from one lookup to the next.
TEST(Procfs, StaticEntriesKeepTheirInodeNumbers) {
    in_kernel([] {
        procfs::set_process_provider(nullptr);
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/proc", 0555));
        MUST(vfs::mount(c, "proc", "/proc", "proc", 0, ""));
        int fd = MUST(vfs::open_at(c, kCwd, "/proc", o::kRdonly | o::kDirectory, 0));
        std::byte buf[1024];
        auto wr = ostd::VmWriter::from_kernel(buf);
        size_t n = MUST(vfs::getdents(c, fd, wr));
        MUST(vfs::close(c, fd));
        size_t seen = 0;
        for (size_t off = 0; off < n;) {
            abi::LinuxDirent64 h;
            memcpy(&h, buf + off, sizeof h);
            std::string name(reinterpret_cast<const char*>(buf + off + abi::kDirentNameOffset));
            off += h.d_reclen;
            if (name == "." || name == ".." || name == "self") continue;  // self: no provider
            std::string path = "/proc/" + name;
            auto st = MUST(vfs::stat_at(c, kCwd, path, 0));
            EXPECT_EQ(st.st_ino, h.d_ino) << path;
            EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, path, 0)).st_ino, st.st_ino) << path;
            ++seen;
        }
        EXPECT_EQ(seen, 8u);  // meminfo cpuinfo uptime stat loadavg filesystems mounts sys
        auto sys = MUST(vfs::stat_at(c, kCwd, "/proc/sys", 0));
        EXPECT_EQ(sys.st_nlink, 3u);  // ".", its entry in /proc, kernel/..
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/proc/sys/kernel/..", 0)).st_ino, sys.st_ino);
        EXPECT_NE(MUST(vfs::stat_at(c, kCwd, "/proc/sys/kernel/ostype", 0)).st_ino,
                  MUST(vfs::stat_at(c, kCwd, "/proc/sys/kernel/hostname", 0)).st_ino);
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/proc/meminfo", 0)).st_nlink, 1u);
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/proc/sys/nonesuch", 0)), ENOENT);
    });
}

TEST(Procfs, PerProcessEntriesThroughProvider) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        FakeProvider fake;
        procfs::set_process_provider(&fake);
        MUST(vfs::mkdir_at(c, kCwd, "/proc", 0555));
        MUST(vfs::mount(c, "proc", "/proc", "proc", 0, ""));
        EXPECT_EQ(MUST(vfs::readlink_at(c, kCwd, "/proc/self")).view(), "42");
        EXPECT_EQ(get_file(c, "/proc/self/cmdline"), std::string("sh\0-c\0", 6));
        EXPECT_EQ(get_file(c, "/proc/1/cmdline"), "init");
        EXPECT_EQ(get_file(c, "/proc/42/stat").substr(0, 7), "42 (sh)");
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/proc/7", 0)), ENOENT);
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/proc/42/nonesuch", 0)), ENOENT);
        EXPECT_EQ(MUST(vfs::readlink_at(c, kCwd, "/proc/42/cwd")).view(), "/tmp");
        EXPECT_EQ(MUST(vfs::readlink_at(c, kCwd, "/proc/self/fd/0")).view(), "/dev/null");
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/proc/42/environ", o::kRdonly, 0)), ENOENT);
        // System files that count processes ask the provider.
        std::string stat = get_file(c, "/proc/stat");
        EXPECT_EQ(stat.rfind("cpu  0 0 0 ", 0), 0u) << stat;
        EXPECT_NE(stat.find("\ncpu0 "), std::string::npos) << stat;
        EXPECT_NE(stat.find("\nprocesses 2\n"), std::string::npos) << stat;
        EXPECT_NE(stat.find("\nbtime "), std::string::npos) << stat;
        EXPECT_EQ(get_file(c, "/proc/loadavg"), "0.00 0.00 0.00 1/2 42\n");
        auto names = list_dir(c, "/proc");
        EXPECT_NE(std::find(names.begin(), names.end(), "1"), names.end());
        EXPECT_NE(std::find(names.begin(), names.end(), "42"), names.end());
        auto pid_names = list_dir(c, "/proc/42");
        EXPECT_EQ(pid_names.size(), 2u + 8 + 3 + 2);
        // /proc/<pid> belongs to the process's effective user.
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/proc/42", 0)).st_uid, 1000u);
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/proc/42/environ", 0)).st_mode & 0777, 0400u);
        auto fds = list_dir(c, "/proc/self/fd");
        EXPECT_EQ(fds, (std::vector<std::string>{".", "..", "0", "2"}));
        // ".." from a computed directory goes back up.
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/proc/42/..", 0)).st_ino,
                  MUST(vfs::stat_at(c, kCwd, "/proc", 0)).st_ino);
        procfs::set_process_provider(nullptr);
    });
}

}  // namespace
}  // namespace kernel::fs
