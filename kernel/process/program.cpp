// Program loading: resolves the image kind (scripted or ELF), maps it and builds the initial
// stack with the auxv the image needs.
#include <kernel/process/program.h>

#include <ostd/timer/timer.h>
#include <ostd/user/user_mode.h>

#include <kernel/lib/random.h>
#include <kernel/process/initial_stack.h>

namespace kernel {
namespace {

constexpr std::string_view kScriptedPrefix = "scripted:";
constexpr uint64_t kHwcapX86 = 0x178bfbff;  // A baseline x86-64 CPUID.1:EDX, as Linux reports.

void set_comm(Process& process, std::string_view path) {
    size_t slash = path.rfind('/');
    std::string_view comm = slash == std::string_view::npos ? path : path.substr(slash + 1);
    process.set_name(comm.data(), comm.size());
}

ostd::Result<ostd::UserContext> load_scripted(Process& process, AddressSpace& as,
                                              const ProgramArgs& args) {
    std::string_view name = args.path.substr(kScriptedPrefix.size());
    ostd::Vaddr entry = TRY(ostd::scripted_program_entry(name));
    Credentials c = process.creds();
    AuxEntry aux[] = {
        {kAtEntry, entry.value()}, {kAtUid, c.uids().real},       {kAtEuid, c.uids().effective},
        {kAtGid, c.gids().real},   {kAtEgid, c.gids().effective}, {kAtSecure, 0},
    };
    StackArgs stack{args.argv, args.envp, aux, args.path, nullptr};
    uint64_t rsp = TRY(build_initial_stack(as, stack));
    as.set_brk_base(0x10000000);  // Scripted programs have no image: a fixed heap start.
    ostd::UserContext ctx;
    ctx.regs().rip = entry.value();
    ctx.regs().rsp = rsp;
    set_comm(process, name);
    return ctx;
}

}  // namespace

ostd::Result<ostd::UserContext> load_program_image(Process& process, AddressSpace& as,
                                                   std::span<const std::byte> image,
                                                   const ProgramArgs& args,
                                                   ExecFileReader read_interp) {
    if (image.size() < 4 || image[0] != std::byte{0x7f} || image[1] != std::byte{'E'} ||
        image[2] != std::byte{'L'} || image[3] != std::byte{'F'})
        return ostd::Error(ENOEXEC, "not an ELF executable");
    LoadedElf elf = TRY(load_elf(process, as, image, read_interp));
    Credentials c = process.creds();
    AuxEntry aux[] = {
        {kAtHwcap, kHwcapX86},   {kAtPhdr, elf.phdr},           {kAtPhent, elf.phent},
        {kAtPhnum, elf.phnum},   {kAtBase, elf.interp_base},    {kAtFlags, 0},
        {kAtEntry, elf.entry},   {kAtUid, c.uids().real},       {kAtEuid, c.uids().effective},
        {kAtGid, c.gids().real}, {kAtEgid, c.gids().effective}, {kAtSecure, 0},
    };
    uint8_t random[16];  // AT_RANDOM: libc seeds its stack protector and pointer guard from it.
    random_bytes(random, sizeof random);
    StackArgs stack{args.argv, args.envp, aux, args.path, random};
    uint64_t rsp = TRY(build_initial_stack(as, stack));
    ostd::UserContext ctx;
    ctx.regs().rip = elf.start_rip;
    ctx.regs().rsp = rsp;
    set_comm(process, args.path);
    return ctx;
}

namespace {

// Linux's BINPRM_MAX_RECURSION: a script's interpreter may itself be a script, 4 levels deep.
constexpr int kMaxScriptDepth = 4;
// BINPRM_BUF_SIZE: only the first 256 bytes hold the "#!" line.
constexpr size_t kShebangMax = 256;

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

ostd::Result<ostd::UserContext> load_path(Process& process, AddressSpace& as,
                                          const ProgramArgs& args, ExecFileReader reader,
                                          int depth) {
    ostd::Vector<std::byte> bytes = TRY(reader(process, args.path));
    if (bytes.size() < 2 || bytes[0] != std::byte{'#'} || bytes[1] != std::byte{'!'}) {
        if (args.loaded_path) *args.loaded_path = TRY(ostd::String::from(args.path));
        return load_program_image(process, as, {bytes.data(), bytes.size()}, args, reader);
    }
    // "#!interpreter [one-argument]": run the interpreter with the script's path in place of
    // argv[0] (man 2 execve, "Interpreter scripts").
    if (depth >= kMaxScriptDepth) return ostd::Error(ELOOP, "interpreter scripts nest too deep");
    char line[kShebangMax];
    size_t n = 0;
    for (size_t i = 2; i < bytes.size() && i < kShebangMax && bytes[i] != std::byte{'\n'}; ++i)
        line[n++] = static_cast<char>(bytes[i]);
    std::string_view rest(line, n);
    while (!rest.empty() && is_blank(rest.front()))
        rest.remove_prefix(1);
    while (!rest.empty() && (is_blank(rest.back()) || rest.back() == '\r'))
        rest.remove_suffix(1);
    if (rest.empty()) return ostd::Error(ENOEXEC, "empty #! line");
    size_t end = 0;
    while (end < rest.size() && !is_blank(rest[end]))
        ++end;
    std::string_view interp = rest.substr(0, end);
    std::string_view opt = rest.substr(end);
    while (!opt.empty() && is_blank(opt.front()))
        opt.remove_prefix(1);
    ostd::Vector<std::string_view> argv;
    TRY(argv.push_back(interp));
    if (!opt.empty()) TRY(argv.push_back(opt));
    TRY(argv.push_back(args.path));
    for (size_t i = 1; i < args.argv.size(); ++i)
        TRY(argv.push_back(args.argv[i]));
    ProgramArgs next{interp, {argv.data(), argv.size()}, args.envp, args.loaded_path};
    if (interp.substr(0, kScriptedPrefix.size()) == kScriptedPrefix)
        return load_scripted(process, as, next);  // Host test programs as interpreters.
    return load_path(process, as, next, reader, depth + 1);
}

}  // namespace

ostd::Result<ostd::UserContext> load_program(Process& process, AddressSpace& as,
                                             const ProgramArgs& args) {
    if (args.path.substr(0, kScriptedPrefix.size()) == kScriptedPrefix)
        return load_scripted(process, as, args);
    ExecFileReader reader = exec_file_reader();
    if (!reader) return ostd::Error(ENOENT, "no file system to load programs from yet");
    return load_path(process, as, args, reader, 0);
}

}  // namespace kernel
