// The Linux x86-64 initial process stack (System V ABI): argc, argv, envp, auxv and the strings
// they point to, built at the top of a fresh stack mapping. See man 3 getauxval.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <ostd/common/result.h>

#include <kernel/vm/address_space.h>

namespace kernel {

/// auxv types (elf.h AT_*).
enum AuxType : uint64_t {
    kAtNull = 0, kAtPhdr = 3, kAtPhent = 4, kAtPhnum = 5, kAtPagesz = 6, kAtBase = 7,
    kAtFlags = 8, kAtEntry = 9, kAtUid = 11, kAtEuid = 12, kAtGid = 13, kAtEgid = 14,
    kAtPlatform = 15, kAtHwcap = 16, kAtClktck = 17, kAtSecure = 23, kAtRandom = 25,
    kAtHwcap2 = 26, kAtExecfn = 31,
};

struct AuxEntry {
    uint64_t type;
    uint64_t value;
};

/// Largest total size of argument and environment strings (plus pointers), like Linux's limit
/// of a quarter of the default 8 MiB stack.
inline constexpr uint64_t kArgMax = 2u << 20;

struct StackArgs {
    std::span<const std::string_view> argv;
    std::span<const std::string_view> envp;
    std::span<const AuxEntry> auxv;  // Image entries; AT_RANDOM/PLATFORM/EXECFN/PAGESZ added.
    std::string_view execfn;
    const uint8_t* random16 = nullptr;  // 16 bytes for AT_RANDOM (zeros if null).
};

/// Maps the stack VMA ([stack], RW, grows down) below AddressSpace::kStackTop and writes the
/// initial stack. Returns the initial rsp (pointing at argc, 16-byte aligned). E2BIG when the
/// strings exceed kArgMax; ENOMEM; EFAULT never (the stack is ours).
ostd::Result<uint64_t> build_initial_stack(AddressSpace& as, const StackArgs& args);

}  // namespace kernel
