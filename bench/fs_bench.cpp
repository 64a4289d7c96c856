// VFS costs against host Linux on its tmpfs (/dev/shm), same run: open+close, stat,
// create+unlink, 4 KiB pread/pwrite, getdents over 1,000 entries, pipe ping-pong. Orrery runs
// the kernel's VFS entry points directly (no syscall trap), so the ratio shows VFS work only.
#include <benchmark/benchmark.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <thread>

#include <kernel/abi/fcntl.h>
#include <kernel/fs/fd_table.h>
#include <kernel/fs/fs_context.h>
#include <kernel/fs/tmpfs/tmpfs.h>
#include <kernel/fs/vfs.h>
#include <ostd/task/task.h>

#include "kernel_env.h"

namespace {

namespace o = kernel::abi::open;
namespace vfs = kernel::fs::vfs;
constexpr int kCwd = kernel::abi::at::kFdcwd;

/// Runs body(caller) inside a machine over a fresh tmpfs root.
template <typename Body>
void in_orrery(Body&& body) {
    orrery::testing::run_in_kernel(
        [&] {
            kernel::fs::register_builtin_filesystems();
            auto ns =
                MUST(kernel::fs::MountNamespace::create(MUST(kernel::fs::tmpfs::create(0, 0755))));
            auto fs = MUST(kernel::fs::FsContext::create(ns));
            auto fds = MUST(kernel::fs::FdTable::create());
            kernel::Credentials root = kernel::Credentials::root();
            vfs::Caller c{*fs, root, *fds, 4096};
            body(c);
        },
        orrery::testing::small_machine(2));
}

std::string host_dir() {
    static std::string dir = [] {
        std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        std::string d = base + "/orrery-fs-bench-" + std::to_string(getpid());
        mkdir(d.c_str(), 0755);
        return d;
    }();
    return dir;
}

void BM_OpenClose_Orrery(benchmark::State& state) {
    in_orrery([&](const vfs::Caller& c) {
        MUST(vfs::mkdir_at(c, kCwd, "/d", 0755));
        MUST(vfs::close(c, MUST(vfs::open_at(c, kCwd, "/d/f", o::kCreat | o::kWronly, 0644))));
        for (auto _ : state)
            MUST(vfs::close(c, MUST(vfs::open_at(c, kCwd, "/d/f", o::kRdonly, 0))));
    });
}
void BM_OpenClose_Host(benchmark::State& state) {
    std::string f = host_dir() + "/oc";
    close(open(f.c_str(), O_CREAT | O_WRONLY, 0644));
    for (auto _ : state)
        close(open(f.c_str(), O_RDONLY));
    unlink(f.c_str());
}
BENCHMARK(BM_OpenClose_Orrery);
BENCHMARK(BM_OpenClose_Host);

void BM_Stat_Orrery(benchmark::State& state) {
    in_orrery([&](const vfs::Caller& c) {
        MUST(vfs::mkdir_at(c, kCwd, "/d", 0755));
        MUST(vfs::close(c, MUST(vfs::open_at(c, kCwd, "/d/f", o::kCreat | o::kWronly, 0644))));
        for (auto _ : state)
            benchmark::DoNotOptimize(MUST(vfs::stat_at(c, kCwd, "/d/f", 0)));
    });
}
void BM_Stat_Host(benchmark::State& state) {
    std::string f = host_dir() + "/st";
    close(open(f.c_str(), O_CREAT | O_WRONLY, 0644));
    struct stat st;
    for (auto _ : state)
        benchmark::DoNotOptimize(stat(f.c_str(), &st));
    unlink(f.c_str());
}
BENCHMARK(BM_Stat_Orrery);
BENCHMARK(BM_Stat_Host);

void BM_CreateUnlink_Orrery(benchmark::State& state) {
    in_orrery([&](const vfs::Caller& c) {
        for (auto _ : state) {
            MUST(vfs::close(c, MUST(vfs::open_at(c, kCwd, "/cu", o::kCreat | o::kWronly, 0644))));
            MUST(vfs::unlink_at(c, kCwd, "/cu", 0));
        }
    });
}
void BM_CreateUnlink_Host(benchmark::State& state) {
    std::string f = host_dir() + "/cu";
    for (auto _ : state) {
        close(open(f.c_str(), O_CREAT | O_WRONLY, 0644));
        unlink(f.c_str());
    }
}
BENCHMARK(BM_CreateUnlink_Orrery);
BENCHMARK(BM_CreateUnlink_Host);

void BM_Pwrite4K_Orrery(benchmark::State& state) {
    in_orrery([&](const vfs::Caller& c) {
        int fd = MUST(vfs::open_at(c, kCwd, "/w", o::kCreat | o::kRdwr, 0644));
        std::byte buf[4096] = {};
        for (auto _ : state) {
            auto r = ostd::VmReader::from_kernel(buf);
            MUST(vfs::pwrite(c, fd, r, 0));
        }
    });
}
void BM_Pwrite4K_Host(benchmark::State& state) {
    std::string f = host_dir() + "/w";
    int fd = open(f.c_str(), O_CREAT | O_RDWR, 0644);
    char buf[4096] = {};
    for (auto _ : state)
        benchmark::DoNotOptimize(pwrite(fd, buf, sizeof buf, 0));
    close(fd);
    unlink(f.c_str());
}
BENCHMARK(BM_Pwrite4K_Orrery);
BENCHMARK(BM_Pwrite4K_Host);

void BM_Pread4K_Orrery(benchmark::State& state) {
    in_orrery([&](const vfs::Caller& c) {
        int fd = MUST(vfs::open_at(c, kCwd, "/r", o::kCreat | o::kRdwr, 0644));
        std::byte buf[4096] = {};
        auto r = ostd::VmReader::from_kernel(buf);
        MUST(vfs::pwrite(c, fd, r, 0));
        for (auto _ : state) {
            auto w = ostd::VmWriter::from_kernel(buf);
            MUST(vfs::pread(c, fd, w, 0));
        }
    });
}
void BM_Pread4K_Host(benchmark::State& state) {
    std::string f = host_dir() + "/r";
    int fd = open(f.c_str(), O_CREAT | O_RDWR, 0644);
    char buf[4096] = {};
    benchmark::DoNotOptimize(pwrite(fd, buf, sizeof buf, 0));
    for (auto _ : state)
        benchmark::DoNotOptimize(pread(fd, buf, sizeof buf, 0));
    close(fd);
    unlink(f.c_str());
}
BENCHMARK(BM_Pread4K_Orrery);
BENCHMARK(BM_Pread4K_Host);

void BM_Getdents1000_Orrery(benchmark::State& state) {
    in_orrery([&](const vfs::Caller& c) {
        MUST(vfs::mkdir_at(c, kCwd, "/g", 0755));
        for (int i = 0; i < 1000; ++i) {
            std::string n = "/g/entry" + std::to_string(i);
            MUST(vfs::close(c, MUST(vfs::open_at(c, kCwd, n, o::kCreat | o::kWronly, 0644))));
        }
        int fd = MUST(vfs::open_at(c, kCwd, "/g", o::kRdonly | o::kDirectory, 0));
        static std::byte buf[32768];
        for (auto _ : state) {
            MUST(vfs::lseek(c, fd, 0, kernel::abi::seek::kSet));
            for (;;) {
                auto w = ostd::VmWriter::from_kernel(buf);
                if (MUST(vfs::getdents(c, fd, w)) == 0) break;
            }
        }
    });
}
void BM_Getdents1000_Host(benchmark::State& state) {
    std::string d = host_dir() + "/g";
    mkdir(d.c_str(), 0755);
    for (int i = 0; i < 1000; ++i)
        close(open((d + "/entry" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0644));
    int fd = open(d.c_str(), O_RDONLY | O_DIRECTORY);
    static char buf[32768];
    for (auto _ : state) {
        lseek(fd, 0, SEEK_SET);
        while (syscall(SYS_getdents64, fd, buf, sizeof buf) > 0) {
        }
    }
    close(fd);
    for (int i = 0; i < 1000; ++i)
        unlink((d + "/entry" + std::to_string(i)).c_str());
    rmdir(d.c_str());
}
BENCHMARK(BM_Getdents1000_Orrery);
BENCHMARK(BM_Getdents1000_Host);

/// One iteration = one byte there and back over two pipes.
void BM_PipePingPong_Orrery(benchmark::State& state) {
    in_orrery([&](const vfs::Caller& c) {
        auto a = MUST(vfs::pipe2(c, 0));
        auto b = MUST(vfs::pipe2(c, 0));
        auto echo = MUST(ostd::spawn([&] {
            std::byte x[1];
            for (;;) {
                auto w = ostd::VmWriter::from_kernel(x);
                if (MUST(vfs::read(c, a.read_fd, w)) == 0) return 0;
                auto r = ostd::VmReader::from_kernel(x);
                MUST(vfs::write(c, b.write_fd, r));
            }
        }));
        std::byte x[1] = {std::byte{1}};
        for (auto _ : state) {
            auto r = ostd::VmReader::from_kernel(x);
            MUST(vfs::write(c, a.write_fd, r));
            auto w = ostd::VmWriter::from_kernel(x);
            MUST(vfs::read(c, b.read_fd, w));
        }
        MUST(vfs::close(c, a.write_fd));
        MUST(echo->join());
    });
}
void BM_PipePingPong_Host(benchmark::State& state) {
    int a[2], b[2];
    if (pipe(a) || pipe(b)) return;
    std::thread echo([&] {
        char x;
        while (read(a[0], &x, 1) == 1)
            benchmark::DoNotOptimize(write(b[1], &x, 1));
    });
    char x = 1;
    for (auto _ : state) {
        benchmark::DoNotOptimize(write(a[1], &x, 1));
        benchmark::DoNotOptimize(read(b[0], &x, 1));
    }
    close(a[1]);
    echo.join();
    close(a[0]);
    close(b[0]);
    close(b[1]);
}
BENCHMARK(BM_PipePingPong_Orrery);
BENCHMARK(BM_PipePingPong_Host);

}  // namespace
