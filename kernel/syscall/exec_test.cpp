// execve/execveat from scripted programs: the new image gets argv/envp, keeps the pid, drops the
// old memory and threads, releases a vfork parent; every errno path the loader can reach.
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <cerrno>
#include <cstdio>
#include <initializer_list>
#include <string_view>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_program.h"
#include <kernel/signal/signal_test_util.inc>

namespace {

using ostd::host::ScriptedUser;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using sigtest::kBadPtr;


// Builds a NULL-terminated pointer array of strings on the user stack.
uint64_t push_strings(ScriptedUser& u, std::initializer_list<std::string_view> strs) {
    uint64_t ptrs[16] = {};
    size_t n = 0;
    for (auto s : strs) ptrs[n++] = u.push_string(s);
    return u.push(ptrs, (n + 1) * 8);
}

// A successful execve never returns to the calling fiber, which is discarded with its stack:
// no host heap object (std::string, std::vector) may be alive across the call, or LeakSanitizer
// reports it. Hence plain pointers and initializer lists here.
int64_t execve(ScriptedUser& u, const char* path, std::initializer_list<std::string_view> argv,
               std::initializer_list<std::string_view> envp) {
    uint64_t p = u.push_string(path);
    uint64_t a = push_strings(u, argv);
    uint64_t e = push_strings(u, envp);
    return u.syscall(SYS_execve, p, a, e);
}

TEST(ExecSyscalls, NewImageSeesArgvAndEnvpAndKeepsThePid) {
    ostd::host::register_scripted_program("exec_target", [](ScriptedUser& u) {
        EXPECT_EQ(u.argc(), 3);
        EXPECT_EQ(u.argv(0), "exec_target");
        EXPECT_EQ(u.argv(1), "alpha");
        EXPECT_EQ(u.argv(2), "");
        EXPECT_EQ(u.getenv("Y"), "two");
        EXPECT_EQ(u.getenv("X"), "1");
        EXPECT_EQ(u.syscall(SYS_getpid), 1);
        // The old image's mapping is gone: its address is free again.
        uint64_t old = std::stoull(u.getenv("OLD"));
        EXPECT_EQ(u.syscall(SYS_mmap, old, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
                                                                MAP_FIXED_NOREPLACE, -1, 0),
                  static_cast<int64_t>(old));
        char name[16] = {};
        EXPECT_EQ(u.syscall(SYS_prctl, 16 /*PR_GET_NAME*/, u.stack_alloc(16)), 0);
        u.read(u.regs().rsp, name, sizeof name);
        EXPECT_STREQ(name, "exec_target");
        return 42;
    });
    int status = run_program("exec_main", [](ScriptedUser& u) {
        int64_t old = u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        u.write_u64(old, 1);
        char old_env[32];
        snprintf(old_env, sizeof old_env, "OLD=%ld", static_cast<long>(old));
        int64_t r = execve(u, "scripted:exec_target", {"exec_target", "alpha", ""},
                           {"X=1", "Y=two", old_env});
        ADD_FAILURE() << "execve returned " << r;
        return 1;
    }, kernel_machine());
    EXPECT_EQ(status, 42);
}

TEST(ExecSyscalls, ErrorsLeaveTheCallerRunning) {
    int status = run_program("exec_errors", [](ScriptedUser& u) {
        uint64_t argv = push_strings(u, {"x"});
        uint64_t envp = push_strings(u, {});
        EXPECT_EQ(u.syscall(SYS_execve, u.push_string("scripted:no_such_program"), argv, envp),
                  -ENOENT);
        EXPECT_EQ(u.syscall(SYS_execve, u.push_string("/bin/sh"), argv, envp), -ENOENT);
        EXPECT_EQ(u.syscall(SYS_execve, u.push_string(""), argv, envp), -ENOENT);
        EXPECT_EQ(u.syscall(SYS_execve, kBadPtr, argv, envp), -EFAULT);
        uint64_t target = u.push_string("scripted:exec_errors");
        EXPECT_EQ(u.syscall(SYS_execve, target, kBadPtr, envp), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_execve, target, argv, kBadPtr), -EFAULT);
        uint64_t bad_elem[2] = {kBadPtr, 0};
        EXPECT_EQ(u.syscall(SYS_execve, target, u.push(bad_elem, 16), envp), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_execve, u.push_string(std::string(5000, 'a')), argv, envp),
                  -ENAMETOOLONG);
        // One string longer than MAX_ARG_STRLEN (128 KiB), then 2.4 MiB in total.
        constexpr uint64_t kBig = 160 * 1024, kMid = 120 * 1024;
        int64_t big = u.syscall(SYS_mmap, 0, kBig + 4096, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        u.write(big, std::string(kBig, 'z').data(), kBig);
        uint64_t one_big[2] = {static_cast<uint64_t>(big), 0};
        EXPECT_EQ(u.syscall(SYS_execve, target, u.push(one_big, 16), envp), -E2BIG);
        u.write(big + kMid, "", 1);
        uint64_t many[21];
        for (auto& m : many) m = static_cast<uint64_t>(big);
        many[20] = 0;
        uint64_t many_ptr = u.push(many, sizeof many);
        EXPECT_EQ(u.syscall(SYS_execve, target, argv, many_ptr), -E2BIG);
        // execveat: flags, empty paths and fd-relative paths (no file table yet).
        EXPECT_EQ(u.syscall(SYS_execveat, -100, target, argv, envp, 0x4), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_execveat, -100, u.push_string(""), argv, envp, 0), -ENOENT);
        EXPECT_EQ(u.syscall(SYS_execveat, -100, kBadPtr, argv, envp, 0), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_execveat, 3, u.push_string("rel"), argv, envp, 0), -EBADF);
        EXPECT_EQ(u.syscall(SYS_getpid), 1);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(ExecSyscalls, ForkedChildExecsAndParentReapsItsStatus) {
    ostd::host::register_scripted_program("exec_child", [](ScriptedUser& u) {
        return u.argc() == 2 && u.argv(1) == "child" ? 7 : 1;
    });
    int status = run_program("exec_fork", [](ScriptedUser& u) {
        int64_t pid = u.fork([](ScriptedUser& c) {
            int64_t r = execve(c, "scripted:exec_child", {"exec_child", "child"}, {});
            return static_cast<int>(-r);
        });
        EXPECT_GT(pid, 1);
        uint64_t st = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
        EXPECT_EQ(WEXITSTATUS(static_cast<int>(u.read_u64(st))), 7);
        // execveat with AT_FDCWD behaves as execve.
        return static_cast<int>(-u.syscall(SYS_execveat, -100, u.push_string("scripted:exec_child"),
                                           push_strings(u, {"exec_child", "child"}),
                                           push_strings(u, {}), 0));
    }, kernel_machine(2));
    EXPECT_EQ(status, 7);
}

TEST(ExecSyscalls, ExecReleasesTheVforkParentFirst) {
    ostd::host::register_scripted_program("exec_after_vfork", [](ScriptedUser& u) {
        // Runs in a fresh address space while the parent already continues.
        return 5;
    });
    int status = run_program("exec_vfork", [](ScriptedUser& u) {
        int64_t shared = u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        int64_t pid = u.clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0,
                              [shared](ScriptedUser& c) {
                                  c.write_u64(shared, 1);
                                  int64_t r = execve(c, "scripted:exec_after_vfork",
                                                     {"exec_after_vfork"}, {});
                                  return static_cast<int>(-r);
                              });
        EXPECT_GT(pid, 1);
        EXPECT_EQ(u.read_u64(shared), 1u);  // The child ran up to its exec before we resumed.
        uint64_t st = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
        EXPECT_EQ(WEXITSTATUS(static_cast<int>(u.read_u64(st))), 5);
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(ExecSyscalls, ExecKillsTheOtherThreads) {
    ostd::host::register_scripted_program("exec_single", [](ScriptedUser& u) { return 11; });
    int status = run_program("exec_threads", [](ScriptedUser& u) {
        int64_t mem = u.syscall(SYS_mmap, 0, 3 * 65536, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (int i = 0; i < 2; ++i) {
            uint64_t word = mem + 8 * i;
            int64_t tid = u.clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD,
                                  mem + 65536 * (i + 2), 0, 0, 0, [word](ScriptedUser& c) {
                                      // Sleeps forever; only exec's de-thread ends it.
                                      for (;;) c.syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0,
                                                         0, 0, 0);
                                      return 0;
                                  });
            EXPECT_GT(tid, 1);
        }
        int64_t r = execve(u, "scripted:exec_single", {"exec_single"}, {});
        ADD_FAILURE() << "execve returned " << r;
        return 1;
    }, kernel_machine(2));
    EXPECT_EQ(status, 11);
}

TEST(ExecSyscalls, CaughtSignalsResetIgnoredStayIgnored) {
    ostd::host::register_scripted_program("exec_sig_target", [](ScriptedUser& u) {
        uint64_t oact = u.stack_alloc(sizeof(kernel::abi::KernelSigaction));
        EXPECT_EQ(u.syscall(SYS_rt_sigaction, SIGUSR1, 0, oact, 8), 0);
        EXPECT_EQ(u.read_u64(oact), 0u);  // SIG_DFL
        EXPECT_EQ(u.syscall(SYS_rt_sigaction, SIGUSR2, 0, oact, 8), 0);
        EXPECT_EQ(u.read_u64(oact), sigtest::kSigIgn);
        EXPECT_EQ(sigtest::current_mask(u, u.stack_alloc(8)), sigtest::bit(SIGTERM));  // Kept.
        return 3;
    });
    int status = run_program("exec_sig", [](ScriptedUser& u) {
        EXPECT_EQ(sigtest::set_handler(u, SIGUSR1, u.code_address([](ScriptedUser&) {})), 0);
        EXPECT_EQ(sigtest::set_handler(u, SIGUSR2, sigtest::kSigIgn), 0);
        EXPECT_EQ(sigtest::set_mask(u, SIG_BLOCK, sigtest::bit(SIGTERM), u.stack_alloc(8)), 0);
        int64_t r = execve(u, "scripted:exec_sig_target", {"t"}, {});
        ADD_FAILURE() << "execve returned " << r;
        return 1;
    }, kernel_machine());
    EXPECT_EQ(status, 3);
}

// Creates `path` with `text` and mode `mode` through the VFS syscalls.
void make_file(ScriptedUser& u, const char* path, std::string_view text, int mode) {
    int64_t fd = u.syscall(SYS_open, u.push_string(path), O_CREAT | O_WRONLY | O_TRUNC, mode);
    EXPECT_GE(fd, 0) << path;
    uint64_t buf = u.push(text.data(), text.size());
    EXPECT_EQ(u.syscall(SYS_write, fd, buf, text.size()), static_cast<int64_t>(text.size()));
    EXPECT_EQ(u.syscall(SYS_close, fd), 0);
}

TEST(ExecSyscalls, FilesFromTheVfsScriptsPermissionsAndCloseOnExec) {
    ostd::host::register_scripted_program("exec_vfs_target", [](ScriptedUser& u) {
        EXPECT_EQ(u.argc(), 4);
        EXPECT_EQ(u.argv(0), "scripted:exec_vfs_target");
        EXPECT_EQ(u.argv(1), "-v");
        EXPECT_EQ(u.argv(2), "/tmp/run.sh");
        EXPECT_EQ(u.argv(3), "arg");
        int keep = std::stoi(u.getenv("KEEP")), gone = std::stoi(u.getenv("GONE"));
        EXPECT_EQ(u.syscall(SYS_fcntl, keep, F_GETFD), 0);
        EXPECT_EQ(u.syscall(SYS_fcntl, gone, F_GETFD), -EBADF);  // O_CLOEXEC closed it.
        return 21;
    });
    int status = run_program("exec_vfs", [](ScriptedUser& u) {
        u.syscall(SYS_mkdir, u.push_string("/tmp"), 0777);
        make_file(u, "/tmp/run.sh", "#! scripted:exec_vfs_target -v\n", 0755);
        make_file(u, "/tmp/noexec.sh", "#!scripted:exec_vfs_target\n", 0644);
        make_file(u, "/tmp/junk", "this is not a program", 0755);
        uint64_t argv = push_strings(u, {"x"});
        uint64_t envp = push_strings(u, {});
        EXPECT_EQ(u.syscall(SYS_execve, u.push_string("/tmp/noexec.sh"), argv, envp), -EACCES);
        EXPECT_EQ(u.syscall(SYS_execve, u.push_string("/tmp"), argv, envp), -EACCES);
        EXPECT_EQ(u.syscall(SYS_execve, u.push_string("/tmp/junk"), argv, envp), -ENOEXEC);
        EXPECT_EQ(u.syscall(SYS_execve, u.push_string("/tmp/missing"), argv, envp), -ENOENT);
        EXPECT_EQ(u.syscall(SYS_execve, u.push_string("/tmp/junk/x"), argv, envp), -ENOTDIR);
        int64_t keep = u.syscall(SYS_open, u.push_string("/tmp/junk"), O_RDONLY, 0);
        int64_t gone = u.syscall(SYS_open, u.push_string("/tmp/junk"), O_RDONLY | O_CLOEXEC, 0);
        EXPECT_GE(keep, 0);
        EXPECT_GE(gone, 0);
        char keep_env[16], gone_env[16];
        snprintf(keep_env, sizeof keep_env, "KEEP=%d", static_cast<int>(keep));
        snprintf(gone_env, sizeof gone_env, "GONE=%d", static_cast<int>(gone));
        int64_t r = execve(u, "/tmp/run.sh", {"run", "arg"}, {keep_env, gone_env});
        ADD_FAILURE() << "execve returned " << r;
        return 1;
    }, kernel_machine());
    EXPECT_EQ(status, 21);
}

}  // namespace
