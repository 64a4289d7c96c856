// The comparison driver behind DIFFTEST.
#include "difftest.h"

#include <kernel/syscall/table.h>

namespace orrery::difftest {

int first_missing(std::initializer_list<int> needs) {
    for (int nr : needs) {
        const kernel::syscall::SyscallInfo* info = kernel::syscall::find_syscall(nr);
        if (!info || info->status == kernel::syscall::SyscallStatus::kEnosys) return nr;
    }
    return -1;
}

void compare(const std::string& name, const Program& program, std::initializer_list<int>) {
    // Host first: run_on_host forks, which wants this process single-threaded, and a booted
    // machine's vCPU threads are only guaranteed gone once run_machine has returned.
    Outcome linux_run = run_on_host(program);
    Outcome orrery_run = run_on_orrery(name, program);
    ASSERT_TRUE(linux_run.harness_error.empty()) << linux_run.harness_error;
    std::vector<std::string> a = normalise(orrery_run);
    std::vector<std::string> b = normalise(linux_run);
    std::string d = diff(a, b);
    EXPECT_TRUE(d.empty()) << name << ": Orrery and Linux disagree\n" << d;
    if (d.empty() && std::getenv("ORRERY_DIFFTEST_VERBOSE")) {
        std::string text;
        for (const auto& l : a) text += "  " + l + "\n";
        printf("%s:\n%s", name.c_str(), text.c_str());
    }
}

}  // namespace orrery::difftest
