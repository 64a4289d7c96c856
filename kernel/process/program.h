// Loading a program image into a fresh address space: the part of execve that decides what
// runs. Scripted programs (`scripted:NAME`, host backend) and ELF executables read through the
// exec file reader (kernel/process/elf_loader.h).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include <ostd/common/result.h>
#include <ostd/ktl/string.h>
#include <ostd/user/user_context.h>

#include <kernel/process/elf_loader.h>
#include <kernel/process/process.h>

namespace kernel {

struct ProgramArgs {
    std::string_view path;
    std::span<const std::string_view> argv;
    std::span<const std::string_view> envp;
    /// When set, receives the path of the file whose image was loaded (the interpreter of a
    /// #! script; left empty for scripted programs) — what /proc/pid/exe names.
    ostd::String* loaded_path = nullptr;
};

/// Prepares `as` (empty) to run the program and returns the initial user context (rip, rsp).
/// ENOENT: no such program (or no file reader installed); ENOEXEC: not a format we run;
/// E2BIG; ENOMEM.
ostd::Result<ostd::UserContext> load_program(Process& process, AddressSpace& as,
                                             const ProgramArgs& args);

/// Like load_program for an executable whose bytes the caller already has (the ELF path of
/// execve; tests feed real binaries through it). `read_interp` reads a PT_INTERP interpreter
/// (null: the installed exec file reader). ENOEXEC for anything that is not an ELF executable.
ostd::Result<ostd::UserContext> load_program_image(Process& process, AddressSpace& as,
                                                   std::span<const std::byte> image,
                                                   const ProgramArgs& args,
                                                   ExecFileReader read_interp = nullptr);

}  // namespace kernel
