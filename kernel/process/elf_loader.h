// The ELF64 loader of execve: maps a validated image's PT_LOAD segments into a fresh
// AddressSpace (static, static-PIE at a chosen base, dynamic with its PT_INTERP interpreter)
// and reports what the initial stack's auxv and the first rip need. Image bytes come in as a
// span; files are read through a hook the VFS installs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <ostd/common/result.h>
#include <ostd/ktl/vector.h>

#include <kernel/vm/address_space.h>

namespace kernel {

class Process;

/// Reads a whole file for exec (the executable and its interpreter), resolved and checked for
/// execute permission as `process` (its cwd and credentials). ENOENT, EACCES, ENOEXEC,
/// ENOMEM... as the file system reports them. Installed at boot (kernel/syscall/exec.cpp).
using ExecFileReader = ostd::Result<ostd::Vector<std::byte>> (*)(Process& process,
                                                                 std::string_view path);
void set_exec_file_reader(ExecFileReader reader);
/// The installed reader, or nullptr (then only scripted: programs can be executed).
ExecFileReader exec_file_reader();

/// Where the loader puts position-independent images inside the user window.
inline constexpr uint64_t kPieBase = 0x01000000;     // ET_DYN executables (static-PIE too)
inline constexpr uint64_t kInterpBase = 0x40000000;  // the dynamic linker

/// What execve needs after loading: the first instruction and the auxv facts.
struct LoadedElf {
    uint64_t start_rip = 0;    // The interpreter's entry for dynamic images, else AT_ENTRY.
    uint64_t entry = 0;        // AT_ENTRY: the executable's (biased) entry point.
    uint64_t phdr = 0;         // AT_PHDR (0 when the table is not mapped).
    uint64_t phent = 0;        // AT_PHENT
    uint64_t phnum = 0;        // AT_PHNUM
    uint64_t interp_base = 0;  // AT_BASE (0 without an interpreter)
    uint64_t load_bias = 0;    // The executable's bias (0 for ET_EXEC).
    uint64_t brk = 0;          // Initial program break: the page after the executable.
    bool exec_stack = false;   // PT_GNU_STACK asked for PF_X.
};

/// Loads `image` into `as` (which must be empty where the image goes). A PT_INTERP interpreter
/// is read with `read_interp` (or the installed exec reader when null) and loaded at
/// kInterpBase. Sets the program break. Errors: ENOEXEC (malformed image, interpreter that is
/// itself dynamic, or not x86-64), ENOENT (no way to read the interpreter), ENOMEM; errors of
/// the reader. On error `as` may hold partial mappings: the caller discards it.
ostd::Result<LoadedElf> load_elf(Process& process, AddressSpace& as,
                                 std::span<const std::byte> image,
                                 ExecFileReader read_interp = nullptr);

}  // namespace kernel
