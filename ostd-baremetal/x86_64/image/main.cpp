// The bare-metal image's entry: `ktest` (or ktest=FILTER) on the command line runs the ktests and
// powers off with the number of failures; otherwise it boots the kernel (kernel::main).
#include <ostd/boot/boot_info.h>
#include <ostd/ktest.h>

#include <kernel/boot/main.h>

#include "boot_main.h"
#include "serial.h"

namespace ostd::bm {

int boot_main(const BootInfo& boot) {
    std::string_view cmd = boot.command_line;
    std::string_view filter = boot_arg("ktest");
    bool run_tests = !filter.empty();
    for (size_t pos = 0; pos < cmd.size();) {
        size_t end = cmd.find(' ', pos);
        if (end == std::string_view::npos) end = cmd.size();
        if (cmd.substr(pos, end - pos) == "ktest") run_tests = true;
        pos = end + 1;
    }
    if (run_tests) return ktest::run_all(filter) == 0 ? 0 : 1;
    boot_mark("kernel entry");
    return kernel::main(boot);
}

}  // namespace ostd::bm
