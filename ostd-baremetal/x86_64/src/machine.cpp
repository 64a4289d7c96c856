// Bare-metal machine control: backtraces over frame pointers, panic and power-off through
// QEMU's isa-debug-exit device (then a halt loop on hardware without it).
#include <ostd/boot/boot_info.h>

#include "hal/machine.h"
#include "serial.h"
#include "symbols.h"
#include "user_entry.h"
#include "x86.h"

namespace ostd {
namespace bm {
BootInfo g_boot_info;
}

const BootInfo& boot_info() { return bm::g_boot_info; }

}  // namespace ostd

namespace ostd::hal {

void print_backtrace() {
    uint64_t rbp;
    __asm__ volatile("movq %%rbp, %0" : "=r"(rbp));
    bm::serial_printf("  backtrace:\n");
    bm::print_backtrace_from(rbp);
}

[[noreturn]] static void stop_cpu() {
    for (;;) __asm__ volatile("cli; hlt");
}

void halt_on_panic() {
    bm::serial_printf("orrery: halted on panic (QEMU exit status %u)\n",
                      (bm::kPanicExitValue << 1) | 1);
    bm::outl(bm::kDebugExitPort, bm::kPanicExitValue);
    stop_cpu();
}

void power_off(int status) {
    bm::print_user_entry_stats();
    bm::serial_printf("orrery: power-off, status %d\n", status);
    // QEMU exits with (v << 1) | 1: status 0 -> 1, status 1 -> 3 ... (kept below the panic code).
    uint32_t v = static_cast<uint32_t>(status) & 0x3f;
    bm::outl(bm::kDebugExitPort, v);
    stop_cpu();
}

}  // namespace ostd::hal
