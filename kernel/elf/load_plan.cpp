// Turning a validated ElfImage into page mappings at a base (the ET_DYN load bias rule).
#include <kernel/elf/load_plan.h>

#include <kernel/elf/elf_bytes.h>

namespace kernel::elf {

ostd::Result<LoadPlan> plan_load(const ElfImage& image, ostd::Vaddr base) {
    ostd::VaRange span = image.span();
    LoadPlan plan;
    if (image.type() == ElfType::kDyn) {
        if (base.value() % image.base_alignment() != 0)
            return ostd::Error(EINVAL, "ELF load base not aligned to the image's p_align");
        uint64_t end;
        if (!detail::checked_add(base.value(), span.size(), &end) || end > kUserAddressLimit)
            return ostd::Error(ENOMEM, "ELF image does not fit below the user limit at this base");
        // Unsigned wrap-around is intended: a base below the link address gives a "negative" bias.
        plan.bias = base.value() - span.start.value();
    }
    const uint64_t bias = plan.bias;
    for (const Segment& s : image.segments()) {
        PlannedSegment& p = plan.segment_storage[plan.segment_count++];
        ostd::VaRange pages = s.pages();
        p.pages = {pages.start + bias, pages.end + bias};
        p.file_offset = ostd::align_down(s.file_offset, ostd::kPageSize);
        p.file_size = s.filesz == 0 ? 0 : ostd::Vaddr(s.vaddr).page_offset() + s.filesz;
        p.prot = s.prot;
    }
    plan.span = {span.start + bias, span.end + bias};
    plan.entry = ostd::Vaddr(image.entry() + bias);
    if (image.phdr_vaddr()) plan.phdr = ostd::Vaddr(*image.phdr_vaddr() + bias);
    plan.phnum = image.phnum();
    plan.phentsize = image.phentsize();
    plan.brk_start = plan.span.end;
    plan.kind = image.kind();
    plan.interpreter = image.interpreter();
    plan.exec_stack = image.wants_exec_stack();
    return plan;
}

}  // namespace kernel::elf
