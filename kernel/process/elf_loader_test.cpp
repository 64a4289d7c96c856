// The ELF loader against synthetic images (static, static-PIE, dynamic with an interpreter,
// rejected formats) and real binaries' bytes (static busybox, a dynamic PIE with its ld.so):
// mappings, protections, copied and zeroed bytes, initial rip, brk and the auxv layout.
#include <kernel/process/program.h>

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <ostd/mm/vm_io.h>

#include <kernel/elf/elf_builder_test.inc>
#include <kernel/elf/load_plan.h>
#include <kernel/process/initial_stack.h>
#include <kernel/process/process_table.h>

#include "kernel_env.h"

namespace kernel {
namespace {

using elf::testing::ElfBuilder;
namespace f = elf::format;

// What a loaded image looks like from inside the machine.
struct Loaded {
    ostd::UserContext ctx;
    std::vector<Vma> vmas;
    uint64_t brk = 0;
    int64_t argc = 0;
    std::vector<std::string> argv, envp;
    std::map<uint64_t, uint64_t> auxv;
    std::string execfn;
    std::vector<std::byte> at_phdr_bytes;  // phnum * phent bytes read at AT_PHDR
    std::vector<std::byte> read_back;      // `probe_len` bytes read at `probe_addr`
};

std::vector<std::byte> g_interp;  // What the test reader returns for any interpreter path.

ostd::Result<ostd::Vector<std::byte>> test_reader(Process&, std::string_view path) {
    if (g_interp.empty()) return ostd::Error(ENOENT);
    ostd::Vector<std::byte> out;
    TRY(out.reserve(g_interp.size()));
    for (std::byte b : g_interp) TRY(out.push_back(b));
    return out;
}

uint64_t read_u64(AddressSpace& as, uint64_t va) {
    auto r = ostd::VmReader::from_user(as.vm_space(), ostd::Vaddr(va), 8);
    return MUST(r.read_val<uint64_t>());
}
std::string read_str(AddressSpace& as, uint64_t va) {
    std::string s;
    for (;; ++va) {
        auto r = ostd::VmReader::from_user(as.vm_space(), ostd::Vaddr(va), 1);
        char c = static_cast<char>(MUST(r.read_val<uint8_t>()));
        if (!c) return s;
        s.push_back(c);
    }
}
std::vector<std::byte> read_bytes(AddressSpace& as, uint64_t va, size_t n) {
    std::vector<std::byte> out(n);
    auto r = ostd::VmReader::from_user(as.vm_space(), ostd::Vaddr(va), n);
    EXPECT_EQ(MUST(r.read({out.data(), n})), n);
    return out;
}

// Loads `image` in a fresh machine and collects the facts; returns the loader's errno on failure.
// With `path` set, goes through load_program() and the installed exec file reader instead.
std::variant<int, Loaded> load(std::span<const std::byte> image, uint64_t probe_addr = 0,
                               size_t probe_len = 0, const char* path = nullptr) {
    std::variant<int, Loaded> result = 0;
    int rc = orrery::testing::run_in_kernel([&] {
        ProcessTable::init();
        {
        auto thread = MUST(ProcessTable::create_init());
        auto as = MUST(AddressSpace::create());
        std::string_view argv[] = {"/bin/prog", "one"};
        std::string_view envp[] = {"A=b"};
        if (path) argv[0] = path;
        auto ctx = path ? load_program(thread->process(), *as, {path, argv, envp, nullptr})
                        : load_program_image(thread->process(), *as, image,
                                             {"/bin/prog", argv, envp}, &test_reader);
        if (ctx.is_error()) {
            result = ctx.error().code();
        } else {
            Loaded l;
            l.ctx = ctx.value();
            for (const Vma& v : MUST(as->snapshot())) {
                Vma copy;  // Without the shared-memory reference, which dies with the machine.
                copy.start = v.start;
                copy.end = v.end;
                copy.prot = v.prot;
                l.vmas.push_back(copy);
            }
            l.brk = as->brk(0);
            uint64_t sp = l.ctx.regs().rsp;
            l.argc = static_cast<int64_t>(read_u64(*as, sp));
            uint64_t p = sp + 8;
            for (int64_t i = 0; i < l.argc; ++i, p += 8) l.argv.push_back(read_str(*as, read_u64(*as, p)));
            EXPECT_EQ(read_u64(*as, p), 0u);
            for (p += 8; read_u64(*as, p); p += 8) l.envp.push_back(read_str(*as, read_u64(*as, p)));
            for (p += 8;; p += 16) {
                uint64_t type = read_u64(*as, p);
                if (type == kAtNull) break;
                l.auxv[type] = read_u64(*as, p + 8);
            }
            l.execfn = read_str(*as, l.auxv[kAtExecfn]);
            if (l.auxv[kAtPhdr])
                l.at_phdr_bytes = read_bytes(*as, l.auxv[kAtPhdr], l.auxv[kAtPhnum] * l.auxv[kAtPhent]);
            if (probe_len) l.read_back = read_bytes(*as, probe_addr, probe_len);
            result = std::move(l);
        }
        }
        ProcessTable::shutdown();
    }, orrery::testing::small_machine());
    EXPECT_EQ(rc, 0);
    return result;
}

std::optional<Vma> vma_at(const Loaded& l, uint64_t va) {
    for (const Vma& v : l.vmas)
        if (v.contains(ostd::Vaddr(va))) return v;
    return std::nullopt;
}

void expect_common_auxv(const Loaded& l) {
    EXPECT_EQ(l.argc, 2);
    EXPECT_EQ(l.argv, (std::vector<std::string>{"/bin/prog", "one"}));
    EXPECT_EQ(l.envp, (std::vector<std::string>{"A=b"}));
    EXPECT_EQ(l.execfn, "/bin/prog");
    EXPECT_EQ(l.ctx.regs().rsp % 16, 0u);
    EXPECT_EQ(l.auxv.at(kAtPagesz), 4096u);
    EXPECT_EQ(l.auxv.at(kAtPhent), 56u);
    EXPECT_TRUE(l.auxv.count(kAtRandom));
    EXPECT_TRUE(l.auxv.count(kAtUid));
}

TEST(ElfLoader, StaticImageMapsSegmentsCopiesBytesAndZeroesBss) {
    ElfBuilder b = ElfBuilder::static_exec();
    b.put_string(0x1000, "data!");  // Start of the RW segment's file bytes.
    auto r = load(b.span(), 0x401000, 0x200);
    ASSERT_TRUE(std::holds_alternative<Loaded>(r)) << std::get<int>(r);
    const Loaded& l = std::get<Loaded>(r);
    EXPECT_EQ(l.ctx.regs().rip, 0x400100u);
    auto text = vma_at(l, 0x400000), data = vma_at(l, 0x402fff);
    ASSERT_TRUE(text && data);
    EXPECT_EQ(text->prot, kProtRead | kProtExec);
    EXPECT_EQ(data->prot, kProtRead | kProtWrite);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(l.read_back.data()), 5), "data!");
    for (size_t i = 0x100; i < 0x200; ++i) EXPECT_EQ(l.read_back[i], std::byte{0}) << i;  // bss
    EXPECT_EQ(l.brk, 0x403000u);
    EXPECT_EQ(l.auxv.at(kAtEntry), 0x400100u);
    EXPECT_EQ(l.auxv.at(kAtBase), 0u);
    expect_common_auxv(l);
}

TEST(ElfLoader, StaticPieLoadsAtThePieBase) {
    ElfBuilder b(f::kEtDyn);
    b.add_phdr(f::kPtPhdr, f::kPfR, 64, 64, 3 * 56, 3 * 56, 8);
    b.add_phdr(f::kPtLoad, f::kPfR | f::kPfX, 0, 0, 0x1000, 0x1000, 0x1000);
    b.add_phdr(f::kPtLoad, f::kPfR | f::kPfW, 0x1d70, 0x2d70, 0x200, 0x1400, 0x1000);
    b.put(f::kEEntry, 0x400, 8);
    b.put_string(0x1d70, "pie data");
    auto r = load(b.span(), kPieBase + 0x2d70, 8);
    ASSERT_TRUE(std::holds_alternative<Loaded>(r)) << std::get<int>(r);
    const Loaded& l = std::get<Loaded>(r);
    EXPECT_EQ(l.ctx.regs().rip, kPieBase + 0x400);
    EXPECT_EQ(l.auxv.at(kAtEntry), kPieBase + 0x400);
    EXPECT_EQ(l.auxv.at(kAtPhdr), kPieBase + 64);
    EXPECT_EQ(l.auxv.at(kAtPhnum), 3u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(l.read_back.data()), 8), "pie data");
    EXPECT_EQ(l.brk, kPieBase + 0x5000);
    expect_common_auxv(l);
}

TEST(ElfLoader, DynamicImageLoadsItsInterpreterAndStartsThere) {
    ElfBuilder b = ElfBuilder::static_exec();
    b.put_string(0x800, "/lib/ld.so");
    b.add_phdr(f::kPtInterp, f::kPfR, 0x800, 0x400800, 11, 11, 1);
    ElfBuilder ld(f::kEtDyn);
    ld.add_phdr(f::kPtLoad, f::kPfR | f::kPfX, 0, 0, 0x1000, 0x1000, 0x1000);
    ld.put(f::kEEntry, 0x123, 8);
    g_interp = ld.bytes();
    auto r = load(b.span());
    ASSERT_TRUE(std::holds_alternative<Loaded>(r)) << std::get<int>(r);
    const Loaded& l = std::get<Loaded>(r);
    EXPECT_EQ(l.ctx.regs().rip, kInterpBase + 0x123);
    EXPECT_EQ(l.auxv.at(kAtBase), kInterpBase);
    EXPECT_EQ(l.auxv.at(kAtEntry), 0x400100u);  // The program's own entry.
    auto interp = vma_at(l, kInterpBase);
    ASSERT_TRUE(interp);
    EXPECT_EQ(interp->prot, kProtRead | kProtExec);
    g_interp.clear();  // Now the interpreter cannot be found.
    auto missing = load(b.span());
    ASSERT_TRUE(std::holds_alternative<int>(missing));
    EXPECT_EQ(std::get<int>(missing), ENOENT);
    g_interp = b.bytes();  // An interpreter that is itself dynamic.
    auto nested = load(b.span());
    ASSERT_TRUE(std::holds_alternative<int>(nested));
    EXPECT_EQ(std::get<int>(nested), ENOEXEC);
    g_interp.clear();
}

TEST(ElfLoader, RejectsWhatIsNotAnX86Executable) {
    std::vector<std::byte> script(64, std::byte{' '});
    script[0] = std::byte{'#'};
    script[1] = std::byte{'!'};
    auto r = load(script);
    ASSERT_TRUE(std::holds_alternative<int>(r));
    EXPECT_EQ(std::get<int>(r), ENOEXEC);
    ElfBuilder rv = ElfBuilder::static_exec();
    rv.put(f::kEMachine, 243, 2);  // EM_RISCV
    r = load(rv.span());
    ASSERT_TRUE(std::holds_alternative<int>(r));
    EXPECT_EQ(std::get<int>(r), ENOEXEC);
    ElfBuilder broken = ElfBuilder::static_exec();
    broken.put(f::kEPhnum, 0, 2);  // No program headers at all.
    r = load(broken.span());
    ASSERT_TRUE(std::holds_alternative<int>(r));
    EXPECT_EQ(std::get<int>(r), ENOEXEC);
}

TEST(ElfLoader, RealStaticBusybox) {
    auto bytes = elf::testing::read_file("/bin/busybox");
    if (!bytes) GTEST_SKIP() << "/bin/busybox not installed";
    auto img = elf::parse_elf(*bytes);
    ASSERT_TRUE(img.is_ok());
    if (img.value().kind() != elf::ImageKind::kStatic) GTEST_SKIP() << "busybox is not static";
    auto plan = MUST(elf::plan_load(img.value(), ostd::Vaddr(0)));
    const elf::PlannedSegment& first = plan.segments()[0];
    auto r = load(*bytes, first.pages.start.value(), first.file_size);
    ASSERT_TRUE(std::holds_alternative<Loaded>(r)) << std::get<int>(r);
    const Loaded& l = std::get<Loaded>(r);
    EXPECT_EQ(l.ctx.regs().rip, img.value().entry());
    EXPECT_EQ(l.auxv.at(kAtEntry), img.value().entry());
    EXPECT_EQ(l.auxv.at(kAtPhnum), img.value().phnum());
    for (const elf::PlannedSegment& s : plan.segments()) {
        auto v = vma_at(l, s.pages.start.value());
        ASSERT_TRUE(v) << std::hex << s.pages.start.value();
        EXPECT_EQ(v->prot, static_cast<uint32_t>(s.prot));
        EXPECT_GE(v->end.value(), s.pages.end.value());
    }
    // The first segment's bytes are the file's, and AT_PHDR shows the program header table.
    EXPECT_TRUE(std::equal(l.read_back.begin(), l.read_back.end(),
                           bytes->begin() + static_cast<long>(first.file_offset)));
    uint64_t phoff = 0;
    for (int i = 0; i < 8; ++i) phoff |= static_cast<uint64_t>((*bytes)[f::kEPhoff + i]) << (8 * i);
    EXPECT_TRUE(std::equal(l.at_phdr_bytes.begin(), l.at_phdr_bytes.end(),
                           bytes->begin() + static_cast<long>(phoff)));
    EXPECT_EQ(l.brk, plan.brk_start.value());
    expect_common_auxv(l);
}

TEST(ElfLoader, RealDynamicPieWithItsInterpreter) {
    auto bytes = elf::testing::read_file("/bin/ls");
    if (!bytes) GTEST_SKIP() << "/bin/ls not installed";
    auto img = elf::parse_elf(*bytes);
    if (img.is_error() || img.value().kind() != elf::ImageKind::kDynamic)
        GTEST_SKIP() << "/bin/ls is not a dynamic executable";
    auto ld = elf::testing::read_file(std::string(img.value().interpreter()));
    if (!ld) GTEST_SKIP() << "no " << img.value().interpreter();
    g_interp = *ld;
    auto r = load(*bytes);
    g_interp.clear();
    ASSERT_TRUE(std::holds_alternative<Loaded>(r)) << std::get<int>(r);
    const Loaded& l = std::get<Loaded>(r);
    uint64_t bias = l.auxv.at(kAtEntry) - img.value().entry();
    EXPECT_EQ(bias % img.value().base_alignment(), 0u);
    EXPECT_GE(bias, kPieBase);
    EXPECT_EQ(l.auxv.at(kAtBase), kInterpBase);
    auto ld_img = MUST(elf::parse_elf(*ld));
    EXPECT_EQ(l.ctx.regs().rip, kInterpBase + ld_img.entry() - ld_img.span().start.value());
    EXPECT_EQ(l.at_phdr_bytes.size(), img.value().phnum() * 56u);
    expect_common_auxv(l);
}

std::map<std::string, std::vector<std::byte>> g_files;  // For the script test's reader.

ostd::Result<ostd::Vector<std::byte>> files_reader(Process&, std::string_view path) {
    auto it = g_files.find(std::string(path));
    if (it == g_files.end()) return ostd::Error(ENOENT);
    ostd::Vector<std::byte> out;
    for (std::byte b : it->second) TRY(out.push_back(b));
    return out;
}

std::vector<std::byte> bytes_of(std::string_view text) {
    std::vector<std::byte> out;
    for (char c : text) out.push_back(std::byte(static_cast<uint8_t>(c)));
    return out;
}

TEST(ElfLoader, InterpreterScriptsRunTheirInterpreter) {
    g_files["/bin/interp"] = ElfBuilder::static_exec().bytes();
    g_files["/bin/script"] = bytes_of("#!  /bin/interp   -x y \nbody\n");
    g_files["/bin/bare"] = bytes_of("#!/bin/interp");
    g_files["/bin/loop"] = bytes_of("#!/bin/loop\n");
    g_files["/bin/empty"] = bytes_of("#!   \n");
    g_files["/bin/lost"] = bytes_of("#!/bin/nowhere\n");
    set_exec_file_reader(&files_reader);
    auto r = load({}, 0, 0, "/bin/script");
    ASSERT_TRUE(std::holds_alternative<Loaded>(r)) << std::get<int>(r);
    EXPECT_EQ(std::get<Loaded>(r).ctx.regs().rip, 0x400100u);
    EXPECT_EQ(std::get<Loaded>(r).argv,
              (std::vector<std::string>{"/bin/interp", "-x y", "/bin/script", "one"}));
    r = load({}, 0, 0, "/bin/bare");
    ASSERT_TRUE(std::holds_alternative<Loaded>(r)) << std::get<int>(r);
    EXPECT_EQ(std::get<Loaded>(r).argv,
              (std::vector<std::string>{"/bin/interp", "/bin/bare", "one"}));
    EXPECT_EQ(std::get<int>(load({}, 0, 0, "/bin/loop")), ELOOP);
    EXPECT_EQ(std::get<int>(load({}, 0, 0, "/bin/empty")), ENOEXEC);
    EXPECT_EQ(std::get<int>(load({}, 0, 0, "/bin/lost")), ENOENT);
    EXPECT_EQ(std::get<int>(load({}, 0, 0, "/bin/none")), ENOENT);
    set_exec_file_reader(nullptr);
    EXPECT_EQ(std::get<int>(load({}, 0, 0, "/bin/script")), ENOENT);  // No reader: no files.
    g_files.clear();
}

}  // namespace
}  // namespace kernel
