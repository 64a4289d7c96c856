// Registry of scripted code addresses: programs by name and anonymous continuations (signal
// handlers, fork children), each known to the kernel by a token address.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <ostd-host/scripted.h>

namespace ostd::host::detail {

/// What runs at a token address. Programs return an exit status; handlers return nothing.
struct ScriptedCode {
    ScriptedMain main;                         // Set for programs and fork/clone children.
    std::function<void(ScriptedUser&)> handler;  // Set for code_address() continuations.
    uint64_t exit_nr = 231;                      // exit_group for programs, exit for threads.
};

/// The code at `rip`, or false if rip is not a registered token.
bool lookup_scripted_code(uint64_t rip, ScriptedCode* out);
/// Registers a continuation for the rest of this machine's life; returns its token.
uint64_t add_scripted_continuation(ScriptedCode code);
/// Drops continuations (programs stay): called when a machine shuts down.
void clear_scripted_continuations();

/// Tokens for fiber suspension points: fiber n suspends at base(n) + kSyscallSite after a
/// syscall and at base(n) + kMemorySite on a memory fault. Bases lie in the upper half of the
/// scripted text range; entry tokens in the lower half.
inline constexpr uint64_t kFiberSiteBase = kScriptedTextStart + (kScriptedTextEnd - kScriptedTextStart) / 2;
inline constexpr uint64_t kFiberSiteStride = 0x40;
inline constexpr uint64_t kSyscallSite = 0x12;  // "after a 2-byte syscall instruction"
inline constexpr uint64_t kMemorySite = 0x20;
uint64_t new_fiber_site_base();

/// The program-side handle for a fiber (ScriptedUser's constructor is private).
ScriptedUser make_scripted_user(void* fiber);

}  // namespace ostd::host::detail
