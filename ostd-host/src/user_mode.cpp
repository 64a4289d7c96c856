// UserMode on the host backend: instruction pointers in the user window run on the native
// engine (real x86-64 code), everything else (scripted-program tokens) on the scripted engine.
#include <ostd/user/user_mode.h>

#include <ostd/mm/vm_space.h>

#include <ostd/common/panic.h>

#include "native_engine.h"
#include "recycler.h"
#include "scripted_engine.h"

namespace ostd {
namespace {
host::Recycler<detail::UserEngine> g_engines;  // one per user thread that ran scripted code
}  // namespace

UserMode::UserMode(VmSpace& space, const UserContext& ctx) : space_(&space), ctx_(ctx) {}

UserMode::~UserMode() {
    g_engines.drop(engine_);
    delete native_;
}

ReturnReason UserMode::execute(bool (*has_kernel_event)(void*), void* arg) {
    const uint64_t rip = ctx_.regs().rip;
    if (rip >= kUserStart.value() && rip < kUserEnd.value()) {
        if (!native_) native_ = new detail::NativeEngine(*this);
        return native_->execute(has_kernel_event, arg);
    }
    if (!engine_) {
        engine_ = g_engines.make(*this);
        if (!engine_) panic("no host memory for a user thread's scripted engine");
    }
    return engine_->execute(has_kernel_event, arg);
}

void UserMode::set_vm_space(VmSpace& space) {
    space_ = &space;
    if (engine_) engine_->discard_all();
    if (native_) native_->discard_all();
}

}  // namespace ostd
