// The comparison driver behind DIFFTEST.
#include "difftest.h"

#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include <kernel/syscall/table.h>

namespace orrery::difftest {

int first_missing(std::initializer_list<int> needs) {
    for (int nr : needs) {
        const kernel::syscall::SyscallInfo* info = kernel::syscall::find_syscall(nr);
        if (!info || info->status == kernel::syscall::SyscallStatus::kEnosys) return nr;
    }
    return -1;
}

bool host_only() { return std::getenv("ORRERY_DIFFTEST_HOST_ONLY") != nullptr; }

namespace {
void print(const std::string& title, const std::vector<std::string>& lines) {
    std::string text = title + ":\n";
    for (const auto& l : lines) text += "  " + l + "\n";
    fputs(text.c_str(), stdout);
}
}  // namespace

void compare(const std::string& name, const Program& program, std::initializer_list<int>) {
    if (host_only()) {
        Outcome linux_run = run_on_host(program);
        print(name + " (linux)", normalise(linux_run));
        EXPECT_TRUE(linux_run.harness_error.empty()) << linux_run.harness_error;
        return;
    }
    if (geteuid() != 0) {
        // Orrery's init runs as root; an unprivileged host child would differ in every
        // credential, rlimit and hostname check.
        GTEST_SKIP() << "differential tests need root on the host (as in CI)";
    }
    // Host first: run_on_host forks, which wants this process single-threaded, and a booted
    // machine's vCPU threads are only guaranteed gone once run_machine has returned.
    Outcome linux_run = run_on_host(program);
    Outcome orrery_run = run_on_orrery(name, program);
    ASSERT_TRUE(linux_run.harness_error.empty()) << linux_run.harness_error;
    std::vector<std::string> a = normalise(orrery_run);
    std::vector<std::string> b = normalise(linux_run);
    std::string d = diff(a, b);
    EXPECT_TRUE(d.empty()) << name << ": Orrery and Linux disagree\n" << d;
    if (d.empty() && std::getenv("ORRERY_DIFFTEST_VERBOSE")) print(name, a);
}

}  // namespace orrery::difftest
