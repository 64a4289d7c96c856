// Kernel-side ktests, run on both backends: ktl containers and the ELF validator work on the
// bare-metal heap exactly as on the host.
#include <ostd/ktest.h>

#include <cstring>

#include <ostd/ktl/string.h>
#include <ostd/ktl/vector.h>

#include <kernel/elf/elf_image.h>

KTEST(Ktl, VectorGrowsAndErases) {
    ostd::Vector<int> v;
    for (int i = 0; i < 1000; ++i) KASSERT_OK(v.push_back(i));
    KEXPECT_EQ(v.size(), 1000u);
    v.erase(0);
    KEXPECT_EQ(v.size(), 999u);
    KEXPECT_EQ(v.data()[0], 1);
    KASSERT_OK(v.insert(0, -5));
    KEXPECT_EQ(v.data()[0], -5);
    KASSERT_OK(v.resize(10));
    KEXPECT_EQ(v.size(), 10u);
    auto c = v.try_clone();
    KASSERT_OK(c);
    KEXPECT_EQ(c.value().size(), 10u);
    KEXPECT_EQ(c.value().data()[9], 9);  // -5, 1, 2, ..., 9
}

KTEST(Ktl, StringFromView) {
    auto s = ostd::String::from("/usr/bin/env");
    KASSERT_OK(s);
    KEXPECT_EQ(s.value().size(), 12u);
    KEXPECT(s.value() == "/usr/bin/env");
    KASSERT_OK(s.value().append("/x"));
    KEXPECT(s.value().view() == "/usr/bin/env/x");
    KEXPECT_EQ(std::strlen(s.value().c_str()), 14u);
}

KTEST(Elf, ValidatorRejectsGarbageAndAcceptsMinimalImage) {
    static std::byte junk[64] = {};
    KEXPECT(kernel::elf::parse_elf(junk).is_error());
    KEXPECT(kernel::elf::parse_elf({}).is_error());
    // A minimal static x86-64 executable: ELF header + one PT_LOAD of the first page.
    static unsigned char img[4096] = {};
    unsigned char ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    std::memcpy(img, ident, 16);
    auto put16 = [](size_t off, uint16_t v) { std::memcpy(img + off, &v, 2); };
    auto put32 = [](size_t off, uint32_t v) { std::memcpy(img + off, &v, 4); };
    auto put64 = [](size_t off, uint64_t v) { std::memcpy(img + off, &v, 8); };
    put16(16, 2);            // ET_EXEC
    put16(18, 62);           // EM_X86_64
    put32(20, 1);            // EV_CURRENT
    put64(24, 0x401000);     // entry
    put64(32, 64);           // phoff
    put16(52, 64);           // ehsize
    put16(54, 56);           // phentsize
    put16(56, 1);            // phnum
    put32(64 + 0, 1);        // PT_LOAD
    put32(64 + 4, 5);        // R X
    put64(64 + 8, 0);        // offset
    put64(64 + 16, 0x400000);
    put64(64 + 24, 0x400000);
    put64(64 + 32, 4096);    // filesz
    put64(64 + 40, 8192);    // memsz
    put64(64 + 48, 4096);    // align
    auto r = kernel::elf::parse_elf({reinterpret_cast<const std::byte*>(img), sizeof img});
    KASSERT_OK(r);
    KEXPECT_EQ(r.value().entry(), 0x401000u);
    KEXPECT_EQ(r.value().segments().size(), 1u);
    KEXPECT(r.value().arch() == kernel::elf::Arch::kX86_64);
}
