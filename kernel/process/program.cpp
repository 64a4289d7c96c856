// Program loading: resolves the image kind and builds the initial stack.
#include <kernel/process/program.h>

#include <ostd/user/user_mode.h>

#include <kernel/process/initial_stack.h>

namespace kernel {
namespace {

constexpr std::string_view kScriptedPrefix = "scripted:";

}  // namespace

ostd::Result<ostd::UserContext> load_program(Process& process, AddressSpace& as,
                                             const ProgramArgs& args) {
    if (args.path.substr(0, kScriptedPrefix.size()) != kScriptedPrefix)
        return ostd::Error(ENOENT, "only scripted: programs can be loaded yet");
    std::string_view name = args.path.substr(kScriptedPrefix.size());
    ostd::Vaddr entry = TRY(ostd::scripted_program_entry(name));
    Credentials c = process.creds();
    AuxEntry aux[] = {
        {kAtEntry, entry.value()},        {kAtUid, c.uids().real},
        {kAtEuid, c.uids().effective},    {kAtGid, c.gids().real},
        {kAtEgid, c.gids().effective},    {kAtSecure, 0},
    };
    StackArgs stack{args.argv, args.envp, aux, args.path, nullptr};
    uint64_t rsp = TRY(build_initial_stack(as, stack));
    as.set_brk_base(0x10000000);  // Scripted programs have no image: a fixed heap start.
    ostd::UserContext ctx;
    ctx.regs().rip = entry.value();
    ctx.regs().rsp = rsp;
    size_t slash = name.rfind('/');
    std::string_view comm = slash == std::string_view::npos ? name : name.substr(slash + 1);
    process.set_name(comm.data(), comm.size());
    return ctx;
}

}  // namespace kernel
