// The host sandbox: in a forked child (the filter is for good), a machine still boots and runs
// tasks on two vCPUs under the allow-list, while raw host syscalls issued from inside the
// running machine (a kernel task on a vCPU thread) and after it are refused.
#include <ostd-host/sandbox.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

#include <gtest/gtest.h>

#include <ostd/task/task.h>

#include "kernel_env.h"

namespace {

struct Refused {
    long rc = 0;
    int err = 0;
    bool is_eperm() const { return rc == -1 && err == EPERM; }
};

Refused raw(long rc) { return {rc, rc == -1 ? errno : 0}; }

// Returns 0 when everything behaved; otherwise the number of the failed check.
int sandboxed_child() {
    if (ostd::host::enter_sandbox().is_error()) return 10;
    Refused open_in_machine, socket_in_machine;
    std::atomic<int> ran{0};
    int status = orrery::testing::run_in_kernel(
        [&] {
            // A guest that escaped the trap is host code on a vCPU thread, like this task.
            open_in_machine = raw(syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY));
            socket_in_machine = raw(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0));
            auto a = ostd::spawn([&] { ostd::sleep_for(1'000'000); ++ran; return 0; });
            auto b = ostd::spawn([&] { ++ran; return 0; });
            if (a.is_ok()) (void)a.value()->join();
            if (b.is_ok()) (void)b.value()->join();
        },
        orrery::testing::small_machine(2));
    if (status != 0) return 11;
    if (ran.load() != 2) return 12;
    if (!open_in_machine.is_eperm()) return 13;
    if (!socket_in_machine.is_eperm()) return 14;
    if (!raw(open("/etc/passwd", O_RDONLY)).is_eperm()) return 15;
    if (!raw(fork()).is_eperm()) return 16;  // No host processes.
    char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
    if (!raw(execve("/bin/true", argv, nullptr)).is_eperm()) return 17;
    if (!raw(kill(getppid(), 0)).is_eperm()) return 18;  // No signals to other processes.
    std::atomic<bool> thread_ran{false};
    std::thread t([&] { thread_ran = true; });  // Threads still start (clone3 -> clone).
    t.join();
    if (!thread_ran) return 19;
    if (write(STDERR_FILENO, "", 0) != 0) return 20;  // Console output still works.
    return 0;
}

TEST(Sandbox, MachineRunsButHostSyscallsOutsideTheListAreRefused) {
    fflush(nullptr);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) _exit(sandboxed_child());
    int st = 0;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    ASSERT_TRUE(WIFEXITED(st)) << "child died with signal " << WTERMSIG(st);
    EXPECT_EQ(WEXITSTATUS(st), 0) << "failed check (see sandboxed_child)";
}

}  // namespace
