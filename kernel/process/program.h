// Loading a program image into a fresh address space: the part of execve that decides what
// runs. Scripted programs (`scripted:NAME`, host backend) today; ELF executables plug in here.
#pragma once

#include <span>
#include <string_view>

#include <ostd/common/result.h>
#include <ostd/user/user_context.h>

#include <kernel/process/process.h>

namespace kernel {

struct ProgramArgs {
    std::string_view path;
    std::span<const std::string_view> argv;
    std::span<const std::string_view> envp;
};

/// Prepares `as` (empty) to run the program and returns the initial user context (rip, rsp).
/// ENOENT: no such program; ENOEXEC: not a format we run; E2BIG; ENOMEM.
ostd::Result<ostd::UserContext> load_program(Process& process, AddressSpace& as,
                                             const ProgramArgs& args);

}  // namespace kernel
