// ELF64 validation. Checks follow Linux's binfmt_elf (header, phentsize/phnum bounds, PT_INTERP
// size and NUL, p_filesz <= p_memsz, page congruence) plus stricter rules that keep the loader
// simple: PT_LOADs sorted, never sharing a page, inside the user half; entry inside a PT_LOAD.
#include <kernel/elf/elf_image.h>

#include <kernel/elf/elf_bytes.h>
#include <kernel/elf/elf_format.h>
#include <ostd/common/format.h>

namespace kernel::elf {

namespace f = format;
using detail::checked_add;
using detail::is_power_of_two;
using detail::range_within;
using detail::read_le;

size_t describe(const Diagnostic& diag, char* buf, size_t size) {
    return ostd::format(buf, size, "ELF: %s (byte %#llx)", diag.reason ? diag.reason : "no error",
                        static_cast<unsigned long long>(diag.offset));
}

ostd::VaRange Segment::pages() const {
    return {ostd::Vaddr(vaddr).page_down(), ostd::Vaddr(vaddr + memsz).page_up()};
}

ostd::VaRange ElfImage::span() const {
    if (segment_count_ == 0) return {};
    return {segments_[0].pages().start, segments_[segment_count_ - 1].pages().end};
}

namespace {

/// One program header entry, decoded; `at` is its byte offset in the image.
struct Phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
    uint64_t at;
    uint16_t index;
};

uint8_t prot_from_flags(uint32_t flags) {
    uint8_t prot = kProtNone;
    if (flags & f::kPfR) prot |= kProtRead;
    if (flags & f::kPfW) prot |= kProtWrite;
    if (flags & f::kPfX) prot |= kProtExec;
    return prot;
}

/// Views image bytes as characters. std::byte and char may alias each other; the view is
/// bounded by the span, so this is a type change, not address arithmetic.
std::string_view as_chars(std::span<const std::byte> bytes) {
    return {static_cast<const char*>(static_cast<const void*>(bytes.data())), bytes.size()};
}

}  // namespace

/// Single-use parser state; ElfImage's friend so it can fill the private fields.
class ElfParser {
  public:
    ElfParser(std::span<const std::byte> image, Diagnostic* diag) : image_(image), diag_(diag) {}

    ostd::Result<ElfImage> run() {
        TRY(parse_header());
        TRY(parse_phdrs());
        TRY(finish());
        return out_;
    }

  private:
    ostd::Error reject(const char* reason, uint64_t offset) {
        if (diag_) *diag_ = {reason, offset};
        return ostd::Error(ENOEXEC, reason);
    }
    uint8_t u8(uint64_t at) const { return static_cast<uint8_t>(read_le<1>(image_, at)); }
    uint16_t u16(uint64_t at) const { return static_cast<uint16_t>(read_le<2>(image_, at)); }
    uint32_t u32(uint64_t at) const { return static_cast<uint32_t>(read_le<4>(image_, at)); }
    uint64_t u64(uint64_t at) const { return read_le<8>(image_, at); }

    ostd::Result<void> parse_header();
    ostd::Result<void> parse_phdrs();
    ostd::Result<void> add_load(const Phdr& p);
    ostd::Result<void> note_interp(const Phdr& p);
    ostd::Result<void> note_tls(const Phdr& p);
    ostd::Result<void> note_dynamic(const Phdr& p);
    ostd::Result<void> finish();
    const Segment* segment_containing(uint64_t vaddr, uint64_t size) const;

    std::span<const std::byte> image_;
    Diagnostic* diag_;
    ElfImage out_;
    uint64_t phoff_ = 0;
    std::optional<Phdr> pt_phdr_;
};

ostd::Result<void> ElfParser::parse_header() {
    if (image_.size() < f::kEhdrSize)
        return reject("image shorter than the 64-byte ELF header", image_.size());
    if (u8(0) != 0x7f || u8(1) != 'E' || u8(2) != 'L' || u8(3) != 'F')
        return reject("e_ident: bad magic (not \\x7fELF)", 0);
    if (u8(f::kEiClass) != f::kElfClass64)
        return reject("e_ident[EI_CLASS]: not ELFCLASS64", f::kEiClass);
    if (u8(f::kEiData) != f::kElfData2Lsb)
        return reject("e_ident[EI_DATA]: not little-endian", f::kEiData);
    if (u8(f::kEiVersion) != f::kEvCurrent)
        return reject("e_ident[EI_VERSION]: not EV_CURRENT", f::kEiVersion);
    uint16_t type = u16(f::kEType);
    if (type == f::kEtExec)
        out_.type_ = ElfType::kExec;
    else if (type == f::kEtDyn)
        out_.type_ = ElfType::kDyn;
    else
        return reject("e_type: not ET_EXEC or ET_DYN", f::kEType);
    uint16_t machine = u16(f::kEMachine);
    if (machine == f::kEmX86_64)
        out_.arch_ = Arch::kX86_64;
    else if (machine == f::kEmRiscV)
        out_.arch_ = Arch::kRiscV64;
    else
        return reject("e_machine: not EM_X86_64 or EM_RISCV", f::kEMachine);
    if (u32(f::kEVersion) != f::kEvCurrent)
        return reject("e_version: not EV_CURRENT", f::kEVersion);
    if (u16(f::kEEhsize) != f::kEhdrSize) return reject("e_ehsize: not 64", f::kEEhsize);
    if (u16(f::kEPhentsize) != f::kPhdrSize)
        return reject("e_phentsize: not sizeof(Elf64_Phdr) (56)", f::kEPhentsize);
    uint16_t phnum = u16(f::kEPhnum);
    if (phnum == 0) return reject("e_phnum: no program headers", f::kEPhnum);
    if (phnum > kMaxPhnum) return reject("e_phnum: program header table over 4 KiB", f::kEPhnum);
    phoff_ = u64(f::kEPhoff);
    if (!range_within(phoff_, uint64_t{phnum} * f::kPhdrSize, image_.size()))
        return reject("e_phoff: program header table extends past end of file", f::kEPhoff);
    out_.entry_ = u64(f::kEEntry);
    out_.phnum_ = phnum;
    out_.phentsize_ = static_cast<uint16_t>(f::kPhdrSize);
    return ostd::ok();
}

ostd::Result<void> ElfParser::parse_phdrs() {
    for (uint16_t i = 0; i < out_.phnum_; ++i) {
        uint64_t at = phoff_ + uint64_t{i} * f::kPhdrSize;  // within the file: checked above
        Phdr p{u32(at + f::kPType),
               u32(at + f::kPFlags),
               u64(at + f::kPOffset),
               u64(at + f::kPVaddr),
               u64(at + f::kPFilesz),
               u64(at + f::kPMemsz),
               u64(at + f::kPAlign),
               at,
               i};
        switch (p.type) {
            case f::kPtLoad:
                TRY(add_load(p));
                break;
            case f::kPtInterp:
                TRY(note_interp(p));
                break;
            case f::kPtTls:
                TRY(note_tls(p));
                break;
            case f::kPtDynamic:
                TRY(note_dynamic(p));
                break;
            case f::kPtPhdr:
                if (pt_phdr_) return reject("PT_PHDR: more than one", at);
                pt_phdr_ = p;
                break;
            case f::kPtGnuStack:
                out_.has_gnu_stack_ = true;
                out_.exec_stack_ = (p.flags & f::kPfX) != 0;
                break;
            default:
                break;  // PT_NOTE, PT_GNU_RELRO, ...: nothing for the loader
        }
    }
    return ostd::ok();
}

ostd::Result<void> ElfParser::add_load(const Phdr& p) {
    if (p.filesz > p.memsz) return reject("PT_LOAD: p_filesz exceeds p_memsz", p.at + f::kPFilesz);
    if (!range_within(p.offset, p.filesz, image_.size()))
        return reject("PT_LOAD: p_offset + p_filesz past end of file", p.at + f::kPOffset);
    if (p.align > 1 && !is_power_of_two(p.align))
        return reject("PT_LOAD: p_align not a power of two", p.at + f::kPAlign);
    if (p.align > kMaxSegmentAlign) return reject("PT_LOAD: p_align over 1 GiB", p.at + f::kPAlign);
    if ((p.vaddr - p.offset) % ostd::kPageSize != 0)
        return reject("PT_LOAD: p_vaddr and p_offset not congruent modulo the page size",
                      p.at + f::kPVaddr);
    uint64_t end;
    if (!checked_add(p.vaddr, p.memsz, &end) || end > kUserAddressLimit)
        return reject("PT_LOAD: p_vaddr + p_memsz past the user address space", p.at + f::kPVaddr);
    if (p.memsz == 0) return ostd::ok();  // maps nothing; Linux skips it too
    if (out_.segment_count_ == kMaxLoadSegments)
        return reject("PT_LOAD: more than 16 loadable segments", p.at);
    if (out_.segment_count_ > 0) {
        const Segment& prev = out_.segments_[out_.segment_count_ - 1];
        if (p.vaddr < prev.vaddr)
            return reject("PT_LOAD: not sorted by p_vaddr", p.at + f::kPVaddr);
        if (ostd::Vaddr(p.vaddr).page_down() < prev.pages().end)
            return reject("PT_LOAD: overlaps or shares a page with the previous PT_LOAD",
                          p.at + f::kPVaddr);
    }
    Segment& s = out_.segments_[out_.segment_count_++];
    s = {p.vaddr, p.memsz, p.offset, p.filesz, p.align, prot_from_flags(p.flags), p.index};
    if (p.align > out_.base_align_) out_.base_align_ = p.align;
    return ostd::ok();
}

ostd::Result<void> ElfParser::note_interp(const Phdr& p) {
    if (!out_.interp_.empty()) return reject("PT_INTERP: more than one", p.at);
    if (p.filesz < 2 || p.filesz > kMaxInterpSize)
        return reject("PT_INTERP: p_filesz outside 2..PATH_MAX", p.at + f::kPFilesz);
    if (!range_within(p.offset, p.filesz, image_.size()))
        return reject("PT_INTERP: path extends past end of file", p.at + f::kPOffset);
    auto path = image_.subspan(p.offset, p.filesz);
    if (path[p.filesz - 1] != std::byte{0})
        return reject("PT_INTERP: path not NUL-terminated", p.offset + p.filesz - 1);
    for (uint64_t j = 0; j + 1 < p.filesz; ++j)
        if (path[j] == std::byte{0})
            return reject("PT_INTERP: path has an embedded NUL", p.offset + j);
    out_.interp_ = as_chars(path.first(p.filesz - 1));
    return ostd::ok();
}

ostd::Result<void> ElfParser::note_tls(const Phdr& p) {
    if (out_.tls_) return reject("PT_TLS: more than one", p.at);
    if (p.filesz > p.memsz) return reject("PT_TLS: p_filesz exceeds p_memsz", p.at + f::kPFilesz);
    if (!range_within(p.offset, p.filesz, image_.size()))
        return reject("PT_TLS: p_offset + p_filesz past end of file", p.at + f::kPOffset);
    if (p.align > 1 && !is_power_of_two(p.align))
        return reject("PT_TLS: p_align not a power of two", p.at + f::kPAlign);
    out_.tls_ = TlsTemplate{p.vaddr, p.filesz, p.memsz, p.align};
    return ostd::ok();
}

ostd::Result<void> ElfParser::note_dynamic(const Phdr& p) {
    if (out_.dynamic_) return reject("PT_DYNAMIC: more than one", p.at);
    if (p.filesz > p.memsz)
        return reject("PT_DYNAMIC: p_filesz exceeds p_memsz", p.at + f::kPFilesz);
    if (!range_within(p.offset, p.filesz, image_.size()))
        return reject("PT_DYNAMIC: p_offset + p_filesz past end of file", p.at + f::kPOffset);
    out_.dynamic_ = DynamicRange{p.vaddr, p.memsz};
    return ostd::ok();
}

const Segment* ElfParser::segment_containing(uint64_t vaddr, uint64_t size) const {
    for (const Segment& s : out_.segments())
        if (vaddr >= s.vaddr && range_within(vaddr - s.vaddr, size, s.memsz)) return &s;
    return nullptr;
}

ostd::Result<void> ElfParser::finish() {
    if (out_.segment_count_ == 0) return reject("no non-empty PT_LOAD segment", f::kEPhnum);
    if (!segment_containing(out_.entry_, 1))
        return reject("e_entry: not inside a PT_LOAD segment", f::kEEntry);
    uint64_t table_size = uint64_t{out_.phnum_} * f::kPhdrSize;
    if (pt_phdr_) {
        if (!segment_containing(pt_phdr_->vaddr, table_size))
            return reject("PT_PHDR: table not inside a PT_LOAD segment", pt_phdr_->at + f::kPVaddr);
        out_.phdr_vaddr_ = pt_phdr_->vaddr;
    } else {
        // Like Linux: the PT_LOAD whose file bytes include the table maps it.
        for (const Segment& s : out_.segments()) {
            if (phoff_ >= s.file_offset &&
                range_within(phoff_ - s.file_offset, table_size, s.filesz)) {
                out_.phdr_vaddr_ = s.vaddr + (phoff_ - s.file_offset);
                break;
            }
        }
    }
    if (!out_.interp_.empty())
        out_.kind_ = ImageKind::kDynamic;
    else
        out_.kind_ = out_.type_ == ElfType::kExec ? ImageKind::kStatic : ImageKind::kStaticPie;
    return ostd::ok();
}

ostd::Result<ElfImage> parse_elf(std::span<const std::byte> image, Diagnostic* diag) {
    return ElfParser(image, diag).run();
}

}  // namespace kernel::elf
