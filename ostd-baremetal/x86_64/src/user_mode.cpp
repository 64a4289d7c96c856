// UserMode on bare metal. Entering ring 3 (iret/sysret paths, FS base, FPU state) is not
// implemented yet: execute() panics with that message, so nothing silently pretends to run user
// code. Scripted programs exist only on the host backend.
#include <ostd/common/panic.h>
#include <ostd/mm/vm_space.h>
#include <ostd/user/user_mode.h>

#include "user_entry.h"

namespace ostd {

UserMode::UserMode(VmSpace& space, const UserContext& ctx) : space_(&space), ctx_(ctx) {}

UserMode::~UserMode() {
    // Neither host engine exists on bare metal.
    (void)engine_;
    (void)native_;
}

ReturnReason UserMode::execute(bool (*has_kernel_event)(void*), void* arg) {
    (void)has_kernel_event;
    (void)arg;
    panic("UserMode::execute: user mode is not implemented on the bare-metal backend yet "
          "(rip %#lx)", static_cast<unsigned long>(ctx_.regs().rip));
}

void UserMode::set_vm_space(VmSpace& space) { space_ = &space; }

Result<Vaddr> scripted_program_entry(std::string_view name) {
    (void)name;
    return Error(ENOENT, "scripted programs exist only on the host backend");
}

}  // namespace ostd

namespace ostd::bm {

bool user_exception(TrapFrame&) { return false; }
void user_interrupted(TrapFrame&) {}

}  // namespace ostd::bm
