// Mapping an ELF image: each planned segment becomes an anonymous private mapping, writable
// while the file bytes are copied in through VmWriter (the rest reads as zero: .bss and the
// page tails), then set to the segment's final protection.
#include <kernel/process/elf_loader.h>

#include <atomic>

#include <ostd/mm/vm_io.h>

#include <kernel/elf/load_plan.h>

namespace kernel {
namespace {

std::atomic<ExecFileReader> g_reader{nullptr};

uint32_t vm_prot(uint8_t elf_prot) {
    uint32_t p = 0;
    if (elf_prot & elf::kProtRead) p |= kProtRead;
    if (elf_prot & elf::kProtWrite) p |= kProtWrite;
    if (elf_prot & elf::kProtExec) p |= kProtExec;
    return p;
}

ostd::Result<elf::ElfImage> parse(std::span<const std::byte> image) {
    auto parsed = elf::parse_elf(image);
    if (parsed.is_error()) return parsed.error();
    if (parsed.value().arch() != elf::Arch::kX86_64)
        return ostd::Error(ENOEXEC, "not an x86-64 executable");
    return parsed.release_value();
}

ostd::Result<void> map_segments(AddressSpace& as, const elf::LoadPlan& plan,
                                std::span<const std::byte> image) {
    for (const elf::PlannedSegment& seg : plan.segments()) {
        AddressSpace::MapRequest req;
        req.addr = seg.pages.start.value();
        req.len = seg.pages.size();
        req.prot = kProtRead | kProtWrite;
        req.fixed = true;
        TRY(as.map_anonymous(req));
        if (seg.file_size) {
            // The plan keeps [file_offset, file_offset + file_size) inside the image.
            auto bytes = image.subspan(seg.file_offset, seg.file_size);
            auto w = ostd::VmWriter::from_user(as.vm_space(), seg.pages.start, bytes.size());
            size_t put = TRY(w.write(bytes));
            if (put != bytes.size()) return ostd::Error(EFAULT);
        }
        uint32_t prot = vm_prot(seg.prot);
        if (prot != (kProtRead | kProtWrite)) TRY(as.protect(req.addr, req.len, prot));
    }
    return ostd::ok();
}

// The base for an ET_DYN image: `want`, rounded up to the image's alignment.
ostd::Vaddr base_for(const elf::ElfImage& img, uint64_t want) {
    return ostd::Vaddr(ostd::align_up(want, img.base_alignment()));
}

}  // namespace

void set_exec_file_reader(ExecFileReader reader) {
    g_reader.store(reader);
}
ExecFileReader exec_file_reader() {
    return g_reader.load();
}

ostd::Result<LoadedElf> load_elf(Process& process, AddressSpace& as,
                                 std::span<const std::byte> image, ExecFileReader read_interp) {
    elf::ElfImage img = TRY(parse(image));
    elf::LoadPlan plan = TRY(elf::plan_load(img, base_for(img, kPieBase)));
    if (plan.span.end.value() > ostd::kUserEnd.value() ||
        plan.span.start.value() < ostd::kUserStart.value())
        return ostd::Error(ENOMEM, "image does not fit the user address range");
    TRY(map_segments(as, plan, image));
    LoadedElf out;
    out.entry = plan.entry.value();
    out.start_rip = out.entry;
    out.phdr = plan.phdr ? plan.phdr->value() : 0;
    out.phent = plan.phentsize;
    out.phnum = plan.phnum;
    out.load_bias = plan.bias;
    out.brk = plan.brk_start.value();
    out.exec_stack = plan.exec_stack;
    as.set_brk_base(out.brk);
    if (plan.kind != elf::ImageKind::kDynamic) return out;

    ExecFileReader reader = read_interp ? read_interp : exec_file_reader();
    if (!reader) return ostd::Error(ENOENT, "no file reader for the ELF interpreter");
    ostd::Vector<std::byte> interp_bytes = TRY(reader(process, plan.interpreter));
    std::span<const std::byte> ib(interp_bytes.data(), interp_bytes.size());
    elf::ElfImage interp = TRY(parse(ib));
    if (interp.kind() == elf::ImageKind::kDynamic)
        return ostd::Error(ENOEXEC, "the ELF interpreter has an interpreter");
    elf::LoadPlan iplan = TRY(elf::plan_load(interp, base_for(interp, kInterpBase)));
    if (iplan.span.end.value() > ostd::kUserEnd.value() || iplan.span.start < plan.span.end)
        return ostd::Error(ENOMEM, "interpreter does not fit above the executable");
    TRY(map_segments(as, iplan, ib));
    out.interp_base = iplan.span.start.value();
    out.start_rip = iplan.entry.value();
    return out;
}

}  // namespace kernel
