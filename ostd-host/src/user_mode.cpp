// UserMode on the host backend: every user context runs on the scripted engine for now; native
// code in the user window arrives with the native engine.
#include <ostd/user/user_mode.h>

#include "scripted_engine.h"

namespace ostd {

UserMode::UserMode(VmSpace& space, const UserContext& ctx) : space_(&space), ctx_(ctx) {}

UserMode::~UserMode() { delete engine_; }

ReturnReason UserMode::execute(bool (*has_kernel_event)(void*), void* arg) {
    if (!engine_) engine_ = new detail::UserEngine(*this);
    return engine_->execute(has_kernel_event, arg);
}

void UserMode::set_vm_space(VmSpace& space) {
    space_ = &space;
    if (engine_) engine_->discard_all();
}

}  // namespace ostd
