// UserContext: the saved user-mode CPU state of one thread (x86-64 registers, FS/GS base, the
// FPU/SSE/AVX state, and the exception that stopped it). The kernel reads syscall arguments from
// it and writes results to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ostd/common/types.h>

namespace ostd {

/// x86-64 general-purpose registers as user mode sees them.
struct GeneralRegs {
    uint64_t rax = 0, rbx = 0, rcx = 0, rdx = 0, rsi = 0, rdi = 0, rbp = 0, rsp = 0;
    uint64_t r8 = 0, r9 = 0, r10 = 0, r11 = 0, r12 = 0, r13 = 0, r14 = 0, r15 = 0;
    uint64_t rip = 0, rflags = 0x202;
    uint64_t fs_base = 0, gs_base = 0;
};

/// Why user code trapped, when ReturnReason::kUserException.
enum class ExceptionKind : uint8_t {
    kNone,
    kPageFault,         // fault_addr and page_fault_* fields are valid.
    kInvalidOpcode,     // #UD
    kGeneralProtection, // #GP
    kDivideError,       // #DE
    kBreakpoint,        // #BP (int3)
    kDebug,             // #DB (single step)
    kAlignmentCheck,    // #AC
    kFpuError,          // #MF / #XM
};

struct CpuException {
    ExceptionKind kind = ExceptionKind::kNone;
    /// x86 page-fault error code bits: 1 present, 2 write, 4 user, 16 instruction fetch.
    uint64_t error_code = 0;
    /// The faulting address (CR2) for page faults.
    Vaddr fault_addr;

    static constexpr uint64_t kPfPresent = 1, kPfWrite = 2, kPfUser = 4, kPfFetch = 16;
    bool is_write() const { return (error_code & kPfWrite) != 0; }
    bool is_fetch() const { return (error_code & kPfFetch) != 0; }
    bool is_protection() const { return (error_code & kPfPresent) != 0; }
};

/// The FPU/SSE/AVX registers of a user context, in the XSAVE layout of a Linux signal frame's
/// fpstate (what rt_sigreturn restores). Opaque to the kernel: it travels with the context
/// (fork and clone copy it, as Linux copies the FPU) and exec starts from an empty one, which
/// means a clean FPU. Backends that do not run native code leave it empty.
class FpuState {
public:
    /// Room for x87, SSE, AVX, AVX-512 and PKRU (2.7 KiB) with the frame's magic words.
    static constexpr size_t kCapacity = 4096;

    FpuState() = default;
    FpuState(const FpuState& o) : size_(o.size_) { memcpy(data_, o.data_, size_); }
    FpuState& operator=(const FpuState& o) {
        if (this != &o) {
            size_ = o.size_;
            memcpy(data_, o.data_, size_);
        }
        return *this;
    }

    bool is_empty() const { return size_ == 0; }
    size_t size() const { return size_; }
    void clear() { size_ = 0; }
    /// For the backend: 64-byte aligned storage of kCapacity bytes, and its used length.
    std::byte* data() { return data_; }
    const std::byte* data() const { return data_; }
    /// Precondition: n <= kCapacity (checked by the backend, which may run in a signal handler).
    void set_size(size_t n) { size_ = static_cast<uint32_t>(n); }

private:
    alignas(64) std::byte data_[kCapacity];
    uint32_t size_ = 0;
};

class UserContext {
public:
    GeneralRegs& regs() { return regs_; }
    const GeneralRegs& regs() const { return regs_; }
    const CpuException& exception() const { return exception_; }
    void set_exception(const CpuException& e) { exception_ = e; }

    // Linux x86-64 syscall convention: nr in rax, args in rdi rsi rdx r10 r8 r9, result in rax.
    uint64_t syscall_nr() const { return regs_.rax; }
    uint64_t syscall_arg(unsigned i) const {
        switch (i) {
            case 0: return regs_.rdi;
            case 1: return regs_.rsi;
            case 2: return regs_.rdx;
            case 3: return regs_.r10;
            case 4: return regs_.r8;
            case 5: return regs_.r9;
            default: return 0;
        }
    }
    void set_syscall_ret(uint64_t v) { regs_.rax = v; }

    Vaddr instruction_pointer() const { return Vaddr(regs_.rip); }
    void set_instruction_pointer(Vaddr v) { regs_.rip = v.value(); }
    Vaddr stack_pointer() const { return Vaddr(regs_.rsp); }
    void set_stack_pointer(Vaddr v) { regs_.rsp = v.value(); }
    uint64_t tls_pointer() const { return regs_.fs_base; }
    void set_tls_pointer(uint64_t v) { regs_.fs_base = v; }

    FpuState& fpu() { return fpu_; }
    const FpuState& fpu() const { return fpu_; }

private:
    GeneralRegs regs_;
    CpuException exception_;
    FpuState fpu_;
};

}  // namespace ostd
