// Frame and Segment: refcounted handles over buddy-allocated frames, and their typed metadata.
#include <ostd/mm/frame.h>

#include <bit>
#include <cstring>

#include "hal/mem.h"
#include "mm/buddy.h"
#include "mm/frame_meta.h"

namespace ostd {
namespace detail {

std::byte* frame_bytes(uint64_t pfn) { return hal::phys_to_virt(Pfn(pfn).paddr()); }

uint64_t frame_alloc(const FrameAllocOptions& opts) {
    size_t align = opts.align_frames ? opts.align_frames : 1;
    unsigned order = static_cast<unsigned>(std::bit_width(opts.count - 1));
    unsigned align_order = static_cast<unsigned>(std::countr_zero(align));
    if (align_order > order) order = align_order;
    uint64_t pfn = buddy_alloc(order, FrameKind::kFrame);
    if (pfn == kNoPfn) return kNoPfn;
    uint64_t block = uint64_t{1} << order;
    if (opts.count < block) buddy_free_range(pfn + opts.count, block - opts.count);
    for (size_t i = 0; i < opts.count; ++i)
        meta_of(pfn + i).refcount.store(1, std::memory_order_relaxed);
    if (opts.zero == ZeroFill::kZeroed)
        std::memset(hal::phys_to_virt(Pfn(pfn).paddr()), 0, opts.count * kPageSize);
    return pfn;
}

void frame_inc_ref(uint64_t pfn) {
    uint32_t old = meta_of(pfn).refcount.fetch_add(1, std::memory_order_relaxed);
    ORRERY_ASSERT(old > 0, "new reference to free frame %#lx", static_cast<unsigned long>(pfn));
}

namespace {
// Drops one reference; true if it was the last.
bool dec_ref(uint64_t pfn) {
    FrameMeta& m = meta_of(pfn);
    if (m.kind != FrameKind::kFrame)
        panic("double free of frame %#lx (frame is not held by a handle)",
              static_cast<unsigned long>(pfn));
    uint32_t old = m.refcount.fetch_sub(1, std::memory_order_acq_rel);
    if (old == 0)
        panic("double free of frame %#lx (refcount underflow)", static_cast<unsigned long>(pfn));
    return old == 1;
}
}  // namespace

void frame_dec_ref(uint64_t pfn) {
    if (dec_ref(pfn)) buddy_free_range(pfn, 1);
}

uint32_t frame_ref_count(uint64_t pfn) {
    return meta_of(pfn).refcount.load(std::memory_order_relaxed);
}

void* frame_meta_slot(uint64_t pfn, uintptr_t tag) {
    FrameMeta& m = meta_of(pfn);
    if (m.type_tag != tag)
        panic("frame %#lx metadata type mismatch: %s", static_cast<unsigned long>(pfn),
              m.type_tag ? "allocated with another metadata type" : "allocated without metadata");
    return m.slot;
}

void* frame_init_meta_slot(uint64_t pfn, uintptr_t tag) {
    FrameMeta& m = meta_of(pfn);
    ORRERY_ASSERT(m.type_tag == 0, "frame metadata set twice");
    m.type_tag = tag;
    return m.slot;
}

bool frame_meta_is(uint64_t pfn, uintptr_t tag) {
    return meta_of(pfn).type_tag == tag;
}

void segment_release(uint64_t pfn, uint64_t count) {
    // Free runs of frames whose last reference went away together (one buddy call per run).
    uint64_t run = 0;
    for (uint64_t i = 0; i < count; ++i) {
        if (dec_ref(pfn + i)) {
            ++run;
            continue;
        }
        if (run) buddy_free_range(pfn + i - run, run);
        run = 0;
    }
    if (run) buddy_free_range(pfn + count - run, run);
}

}  // namespace detail

namespace {
bool valid_alignment(size_t align) {
    return align == 0 || (std::has_single_bit(align) && align <= (size_t{1} << detail::kMaxOrder));
}
}  // namespace

Result<Frame> Frame::alloc(const FrameAllocOptions& opts) {
    if (opts.count != 1 || !valid_alignment(opts.align_frames))
        return Error(EINVAL, "Frame::alloc takes count 1 and a power-of-two alignment");
    uint64_t pfn = detail::frame_alloc(opts);
    if (pfn == detail::kNoPfn) return Error(ENOMEM, "out of physical frames");
    return Frame(pfn, Adopt{});
}

uint64_t Frame::checked() const {
    ORRERY_ASSERT(pfn_ != kNone, "use of a moved-from Frame");
    return pfn_;
}

std::byte* Frame::bytes() const { return detail::frame_bytes(checked()); }

VmReader Frame::reader() const { return VmReader::from_kernel({bytes(), kPageSize}); }

VmWriter Frame::writer() const { return VmWriter::from_kernel({bytes(), kPageSize}); }

void Frame::copy_from(size_t offset, std::span<const std::byte> src) const {
    ORRERY_ASSERT(offset <= kPageSize && src.size() <= kPageSize - offset,
                  "Frame::copy_from range leaves the frame");
    std::memcpy(bytes() + offset, src.data(), src.size());
}

void Frame::copy_to(size_t offset, std::span<std::byte> dst) const {
    ORRERY_ASSERT(offset <= kPageSize && dst.size() <= kPageSize - offset,
                  "Frame::copy_to range leaves the frame");
    std::memcpy(dst.data(), bytes() + offset, dst.size());
}

void Frame::fill_zero(size_t offset, size_t len) const {
    ORRERY_ASSERT(offset <= kPageSize && len <= kPageSize - offset,
                  "Frame::fill_zero range leaves the frame");
    std::memset(bytes() + offset, 0, len);
}

Result<Segment> Segment::alloc(const FrameAllocOptions& opts) {
    if (opts.count == 0 || !valid_alignment(opts.align_frames))
        return Error(EINVAL, "Segment::alloc needs count > 0 and a power-of-two alignment");
    if (opts.count > (size_t{1} << detail::kMaxOrder))
        return Error(ENOMEM, "segment larger than the largest buddy block");
    uint64_t pfn = detail::frame_alloc(opts);
    if (pfn == detail::kNoPfn) return Error(ENOMEM, "out of contiguous physical frames");
    return Segment(pfn, opts.count);
}

Segment::Segment(const Segment& o) : start_(o.start_), count_(o.count_) {
    for (size_t i = 0; i < count_; ++i)
        detail::frame_inc_ref(start_ + i);
}

Frame Segment::frame(size_t i) const {
    ORRERY_ASSERT(i < count_, "Segment::frame index %zu out of %zu", i, count_);
    detail::frame_inc_ref(start_ + i);
    return Frame(start_ + i, Frame::Adopt{});
}

Segment Segment::slice(size_t first, size_t count) const {
    ORRERY_ASSERT(count > 0 && first <= count_ && count <= count_ - first,
                  "Segment::slice out of range");
    for (size_t i = 0; i < count; ++i)
        detail::frame_inc_ref(start_ + first + i);
    return Segment(start_ + first, count);
}

VmReader Segment::reader() const {
    return VmReader::from_kernel({detail::frame_bytes(start_), size()});
}

VmWriter Segment::writer() const {
    return VmWriter::from_kernel({detail::frame_bytes(start_), size()});
}

FrameStats frame_stats() {
    return FrameStats{detail::buddy_total_frames(), detail::buddy_free_frames()};
}

}  // namespace ostd
