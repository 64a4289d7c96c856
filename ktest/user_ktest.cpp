// User-mode ktests, run on both backends: tiny x86-64 programs (raw machine code in frames mapped
// into a VmSpace) run through UserMode::execute — the host's native engine there, ring 3 on bare
// metal. Syscalls, page faults, invalid opcodes, FS base, and per-thread register/SSE state.
#include <ostd/ktest.h>

#include <cstring>

#include <ostd/mm/frame.h>
#include <ostd/mm/vm_space.h>
#include <ostd/user/user_mode.h>

namespace {

using namespace ostd;

constexpr uint64_t kCode = 0x400000;
constexpr uint64_t kData = 0x50000000;
constexpr uint64_t kStackTop = 0x70000000;

struct Code {
    unsigned char b[256];
    size_t n = 0;
    Code& add(std::initializer_list<unsigned char> bytes) {
        for (unsigned char c : bytes) b[n++] = c;
        return *this;
    }
    Code& u32(uint32_t v) {
        std::memcpy(b + n, &v, 4);
        n += 4;
        return *this;
    }
    Code& mov_eax(uint32_t v) { return add({0xb8}).u32(v); }
    Code& mov_edi(uint32_t v) { return add({0xbf}).u32(v); }
    Code& syscall() { return add({0x0f, 0x05}); }
    Code& ud2() { return add({0x0f, 0x0b}); }
    Code& load_rax(uint32_t addr) { return add({0x48, 0x8b, 0x04, 0x25}).u32(addr); }
    Code& store_rax(uint32_t addr) { return add({0x48, 0x89, 0x04, 0x25}).u32(addr); }
};

bool map_page(VmSpace& s, uint64_t va, const void* bytes, size_t n, PageFlags flags) {
    auto f = Frame::alloc();
    if (f.is_error()) return false;
    f.value().fill_zero(0, kPageSize);
    if (n) f.value().copy_from(0, {static_cast<const std::byte*>(bytes), n});
    auto c = s.cursor_mut(VaRange{Vaddr(va), Vaddr(va + kPageSize)});
    return c.is_ok() && c.value().map(std::move(f.value()), PageProperty::user(flags)).is_ok();
}

/// A space with `code` at kCode (r-x) and a stack page below kStackTop.
Result<Ref<VmSpace>> program(const Code& code) {
    Ref<VmSpace> s = TRY(VmSpace::create());
    if (!map_page(*s, kCode, code.b, code.n, PageFlags::kRX) ||
        !map_page(*s, kStackTop - kPageSize, nullptr, 0, PageFlags::kRW))
        return Error(ENOMEM);
    return s;
}

UserContext start() {
    UserContext ctx;
    ctx.regs().rip = kCode;
    ctx.regs().rsp = kStackTop - 64;
    return ctx;
}

}  // namespace

KTEST(UserMode, SyscallsRoundTrip) {
    Code code;
    code.mov_eax(39).mov_edi(0x1234).syscall();     // getpid-like call with an argument
    code.add({0x89, 0xc7}).mov_eax(60).syscall();   // mov edi, eax: pass the result back
    auto made = program(code);
    KASSERT_OK(made);
    VmSpace& space = *made.value();
    UserMode um(space, start());
    KASSERT(um.execute() == ReturnReason::kUserSyscall);
    KEXPECT_EQ(um.context().syscall_nr(), 39u);
    KEXPECT_EQ(um.context().syscall_arg(0), 0x1234u);
    KEXPECT_EQ(um.context().regs().rip, kCode + 12);  // just past the syscall instruction
    um.context().set_syscall_ret(77);
    KASSERT(um.execute() == ReturnReason::kUserSyscall);
    KEXPECT_EQ(um.context().syscall_nr(), 60u);
    KEXPECT_EQ(um.context().syscall_arg(0), 77u);
    KEXPECT_EQ(um.context().regs().rsp, kStackTop - 64);
}

KTEST(UserMode, PageFaultsAndInvalidOpcodes) {
    Code code;
    code.load_rax(kData).ud2();
    auto made = program(code);
    KASSERT_OK(made);
    VmSpace& space = *made.value();
    UserMode um(space, start());
    KASSERT(um.execute() == ReturnReason::kUserException);
    const CpuException& e = um.context().exception();
    KEXPECT(e.kind == ExceptionKind::kPageFault);
    KEXPECT_EQ(e.fault_addr.value(), kData);
    KEXPECT(!e.is_write());
    KEXPECT(!e.is_protection());
    KEXPECT_EQ(um.context().regs().rip, kCode);  // the faulting instruction, to be restarted
    uint64_t value = 0xfeedfacecafebeefull;
    KASSERT(map_page(space, kData, &value, 8, PageFlags::kR));
    KASSERT(um.execute() == ReturnReason::kUserException);  // restarted: now the ud2
    KEXPECT(um.context().exception().kind == ExceptionKind::kInvalidOpcode);
    KEXPECT_EQ(um.context().regs().rax, value);
    KEXPECT_EQ(um.context().regs().rip, kCode + 8);
}

KTEST(UserMode, WriteToReadOnlyPageIsAProtectionFault) {
    Code code;
    code.store_rax(kData).syscall();
    auto made = program(code);
    KASSERT_OK(made);
    VmSpace& space = *made.value();
    KASSERT(map_page(space, kData, nullptr, 0, PageFlags::kR));
    UserMode um(space, start());
    KASSERT(um.execute() == ReturnReason::kUserException);
    const CpuException& e = um.context().exception();
    KEXPECT(e.kind == ExceptionKind::kPageFault);
    KEXPECT(e.is_write());
    KEXPECT(e.is_protection());
    KEXPECT_EQ(e.fault_addr.value(), kData);
}

KTEST(UserMode, FsBaseRegistersAndSseStateArePerThread) {
    // mov rax, fs:[8]; movq xmm0, rax; syscall; movq rax, xmm0; syscall
    Code code;
    code.add({0x64, 0x48, 0x8b, 0x04, 0x25}).u32(8);
    code.add({0x66, 0x48, 0x0f, 0x6e, 0xc0}).syscall();
    code.add({0x66, 0x48, 0x0f, 0x7e, 0xc0}).syscall();
    auto made = program(code);
    KASSERT_OK(made);
    VmSpace& space = *made.value();
    uint64_t tls[2] = {0, 0x0123456789abcdefull};
    uint64_t other_tls[2] = {0, 0x5555aaaa5555aaaaull};
    KASSERT(map_page(space, kData, tls, sizeof tls, PageFlags::kR));
    KASSERT(map_page(space, kData + kPageSize, other_tls, sizeof other_tls, PageFlags::kR));
    UserContext a_ctx = start();
    a_ctx.regs().fs_base = kData;
    a_ctx.regs().r12 = 0x1122334455667788ull;
    a_ctx.regs().rbx = 0x99;
    UserMode a(space, a_ctx);
    KASSERT(a.execute() == ReturnReason::kUserSyscall);
    KEXPECT_EQ(a.context().regs().rax, tls[1]);
    // Another thread of the same space puts something else in its xmm0 in between.
    UserContext b_ctx = start();
    b_ctx.regs().fs_base = kData + kPageSize;
    UserMode b(space, b_ctx);
    KASSERT(b.execute() == ReturnReason::kUserSyscall);
    KEXPECT_EQ(b.context().regs().rax, other_tls[1]);
    KASSERT(b.execute() == ReturnReason::kUserSyscall);
    KEXPECT_EQ(b.context().regs().rax, other_tls[1]);
    a.context().set_syscall_ret(0);
    KASSERT(a.execute() == ReturnReason::kUserSyscall);
    KEXPECT_EQ(a.context().regs().rax, tls[1]);  // a's xmm0 survived b
    KEXPECT_EQ(a.context().regs().r12, 0x1122334455667788ull);
    KEXPECT_EQ(a.context().regs().rbx, 0x99u);
}
