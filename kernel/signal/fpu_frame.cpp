// Signal-frame FPU state: copying the opaque xsave image between the UserContext and the user
// stack, and validating what user space hands back (it goes to XRSTOR on the host).
#include <kernel/signal/fpu_frame.h>

#include <cstring>

#include <kernel/syscall/user_memory.h>

namespace kernel::signal {
namespace {

// Layout of the signal-frame fpstate (uapi asm/sigcontext.h, Intel SDM vol. 1 ch. 13).
constexpr size_t kFxsaveBytes = 512;
constexpr size_t kMxcsrOffset = 24;
constexpr size_t kSwBytesOffset = 464;  // struct _fpx_sw_bytes in fxsave's reserved tail.
constexpr size_t kSwBytesSize = 48;
constexpr size_t kXsaveHeaderOffset = 512;
constexpr size_t kXsaveHeaderSize = 64;
constexpr uint32_t kMagic1 = 0x46505853;  // FP_XSTATE_MAGIC1
constexpr uint32_t kMxcsrMask = 0xffff;   // Bits 16..31 are reserved (#GP on load).

syscall::SyscallContext user_ctx(Thread& t) {
    return syscall::SyscallContext{&t, &t.process(), nullptr, nullptr};
}

uint32_t load_u32(const std::byte* p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
uint64_t load_u64(const std::byte* p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

}  // namespace

ostd::Result<uint64_t> push_fpstate(Thread& t, const ostd::UserContext& ctx, uint64_t sp,
                                    uint64_t* fpstate) {
    *fpstate = 0;
    const ostd::FpuState& fpu = ctx.fpu();
    if (fpu.is_empty()) return sp;
    uint64_t area = (sp - fpu.size()) & ~uint64_t{63};
    if (area >= sp) return ostd::Error(EFAULT, "stack wrapped");
    auto uctx = user_ctx(t);
    TRY(copy_to_user(uctx, area, fpu.data(), fpu.size()));
    *fpstate = area;
    return area;
}

ostd::Result<void> pop_fpstate(Thread& t, ostd::UserContext& ctx, uint64_t fpstate) {
    ostd::FpuState& fpu = ctx.fpu();
    if (fpstate == 0) {
        fpu.clear();
        return ostd::ok();
    }
    // The reference: the state the CPU left at the handler's last kernel entry. Without one
    // (never ran native code) nothing user space sends can be trusted to be XRSTOR-able.
    const size_t n = fpu.size();
    if (n < kFxsaveBytes) return ostd::Error(EINVAL, "no FPU state to restore into");
    std::byte ref[kSwBytesSize + kXsaveHeaderSize];
    memcpy(ref, fpu.data() + kSwBytesOffset, kSwBytesSize);
    const bool xsave = load_u32(ref) == kMagic1;
    if (xsave) memcpy(ref + kSwBytesSize, fpu.data() + kXsaveHeaderOffset, kXsaveHeaderSize);
    const uint64_t xfeatures = xsave ? load_u64(ref + 8) : 0;
    const std::byte magic2_ref[4] = {fpu.data()[n - 4], fpu.data()[n - 3], fpu.data()[n - 2],
                                     fpu.data()[n - 1]};

    alignas(64) std::byte img[ostd::FpuState::kCapacity];
    auto uctx = user_ctx(t);
    TRY(copy_from_user(uctx, fpstate, img, n));
    // A frame of another format (fxsave-only vs xsave, other size) is refused.
    if ((load_u32(img + kSwBytesOffset) == kMagic1) != xsave) return ostd::Error(EINVAL);
    if (xsave && memcmp(img + kSwBytesOffset, ref, 16) != 0) return ostd::Error(EINVAL);
    // Force what XRSTOR would fault on: reserved MXCSR bits, the software bytes, the xsave
    // header beyond the feature bitmap (compaction, reserved), features the CPU did not save,
    // and the trailing magic.
    uint32_t mxcsr = load_u32(img + kMxcsrOffset) & kMxcsrMask;
    memcpy(img + kMxcsrOffset, &mxcsr, 4);
    memcpy(img + kSwBytesOffset, ref, kSwBytesSize);
    if (xsave) {
        uint64_t bv = load_u64(img + kXsaveHeaderOffset) & xfeatures;
        memcpy(img + kXsaveHeaderOffset + 8, ref + kSwBytesSize + 8, kXsaveHeaderSize - 8);
        memcpy(img + kXsaveHeaderOffset, &bv, 8);
        memcpy(img + n - 4, magic2_ref, 4);
    }
    memcpy(fpu.data(), img, n);
    fpu.set_size(n);
    return ostd::ok();
}

}  // namespace kernel::signal
