// Physical frames: Frame is a refcounted handle to one 4 KiB frame of RAM, Segment a handle to a
// contiguous run of frames. Both free their frames when the last reference goes away.
// Locking: every operation may be used in any context; allocation and the last drop take the
// frame allocator's spinlock (innermost in ostd's lock order), reference counts are atomic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

#include <ostd/common/result.h>
#include <ostd/common/types.h>
#include <ostd/mm/vm_io.h>

namespace ostd {

class Frame;
class Segment;

enum class ZeroFill : uint8_t { kZeroed, kUninit };

/// How to allocate frames. Defaults: one zeroed frame, page alignment.
struct FrameAllocOptions {
    /// Number of contiguous frames (Segment only; Frame::alloc requires 1).
    size_t count = 1;
    /// kUninit skips clearing: the caller must overwrite the bytes before exposing them.
    ZeroFill zero = ZeroFill::kZeroed;
    /// Physical alignment in frames (a power of two, at most 1024).
    size_t align_frames = 1;
};

namespace detail {
/// Per-type tag for typed frame metadata: its address identifies the type (no RTTI).
template <typename M>
inline constexpr char kFrameMetaTag = 0;
template <typename M>
uintptr_t frame_meta_tag() {
    return reinterpret_cast<uintptr_t>(&kFrameMetaTag<M>);
}
inline constexpr size_t kFrameMetaSlotSize = 32;
// Out-of-line helpers (frame.cpp). Pfns here always name frames owned by a Frame/Segment.
uint64_t frame_alloc(const FrameAllocOptions& opts);  // kNoPfn (~0) on exhaustion
void frame_inc_ref(uint64_t pfn);
void frame_dec_ref(uint64_t pfn);
uint32_t frame_ref_count(uint64_t pfn);
void* frame_meta_slot(uint64_t pfn, uintptr_t tag);       // panics on a type mismatch
void* frame_init_meta_slot(uint64_t pfn, uintptr_t tag);  // at allocation only
bool frame_meta_is(uint64_t pfn, uintptr_t tag);
void segment_release(uint64_t pfn, uint64_t count);
}  // namespace detail

/// A counted reference to one physical frame. Copying takes another reference; the frame returns
/// to the allocator when the last reference is destroyed. Always refers to a frame except after
/// being moved from (then only destruction and assignment are allowed).
class Frame {
public:
    /// Allocates one frame. Errors: ENOMEM when physical memory is exhausted; EINVAL if
    /// opts.count != 1 or the alignment is not a power of two <= 1024 frames.
    static Result<Frame> alloc(const FrameAllocOptions& opts = {});

    /// Allocates one frame whose metadata slot holds `meta` (a trivially destructible type of at
    /// most 32 bytes). frame.meta<M>() then returns it. Errors as alloc().
    template <typename M>
    static Result<Frame> alloc_with_meta(M meta, const FrameAllocOptions& opts = {}) {
        static_assert(std::is_trivially_destructible_v<M>, "frame metadata is never destroyed");
        static_assert(sizeof(M) <= detail::kFrameMetaSlotSize && alignof(M) <= 16,
                      "frame metadata must fit the 32-byte slot");
        Frame f = TRY(alloc(opts));
        new (detail::frame_init_meta_slot(f.pfn_, detail::frame_meta_tag<M>())) M(meta);
        return f;
    }

    Frame(const Frame& o) : pfn_(o.pfn_) { detail::frame_inc_ref(pfn_); }
    Frame(Frame&& o) : pfn_(std::exchange(o.pfn_, kNone)) {}
    Frame& operator=(Frame o) {
        std::swap(pfn_, o.pfn_);
        return *this;
    }
    ~Frame() {
        if (pfn_ != kNone) detail::frame_dec_ref(pfn_);
    }

    Paddr paddr() const { return Pfn(checked()).paddr(); }
    Pfn pfn() const { return Pfn(checked()); }
    static constexpr size_t size() { return kPageSize; }
    /// Current number of references (including page-table mappings). For tests and stats.
    uint32_t ref_count() const { return detail::frame_ref_count(checked()); }

    /// The typed metadata given to alloc_with_meta<M>(). Panics if the frame was allocated
    /// without metadata or with another type. Synchronisation of M is the caller's business.
    template <typename M>
    M& meta() const {
        return *static_cast<M*>(detail::frame_meta_slot(checked(), detail::frame_meta_tag<M>()));
    }
    template <typename M>
    bool has_meta() const {
        return detail::frame_meta_is(checked(), detail::frame_meta_tag<M>());
    }

    /// Readers and writers over the frame's 4096 bytes. They borrow the frame: keep the Frame
    /// alive while using them.
    VmReader reader() const;
    VmWriter writer() const;
    /// Copies src into the frame at offset. Panics if the range leaves the frame.
    void copy_from(size_t offset, std::span<const std::byte> src) const;
    /// Copies bytes of the frame at offset into dst. Panics if the range leaves the frame.
    void copy_to(size_t offset, std::span<std::byte> dst) const;
    /// Zeroes [offset, offset + len) of the frame. Panics if the range leaves the frame.
    void fill_zero(size_t offset, size_t len) const;

private:
    friend class Segment;
    friend struct FrameRaw;
    static constexpr uint64_t kNone = ~uint64_t{0};
    struct Adopt {};
    Frame(uint64_t pfn, Adopt) : pfn_(pfn) {}
    uint64_t checked() const;
    std::byte* bytes() const;

    uint64_t pfn_;
};

/// A counted reference to each frame of a physically contiguous run. Copies share the frames.
class Segment {
public:
    /// Allocates opts.count contiguous frames. Errors: ENOMEM when no run is free (runs are
    /// limited to 1024 frames); EINVAL for count 0 or a bad alignment.
    static Result<Segment> alloc(const FrameAllocOptions& opts);

    Segment(const Segment& o);
    Segment(Segment&& o) : start_(o.start_), count_(std::exchange(o.count_, 0)) {}
    Segment& operator=(Segment o) {
        std::swap(start_, o.start_);
        std::swap(count_, o.count_);
        return *this;
    }
    ~Segment() {
        if (count_) detail::segment_release(start_, count_);
    }

    Paddr start_paddr() const { return Pfn(start_).paddr(); }
    size_t nframes() const { return count_; }
    size_t size() const { return count_ * kPageSize; }
    /// A reference to frame i. Panics unless i < nframes().
    Frame frame(size_t i) const;
    /// A new segment sharing frames [first, first + count). Panics if out of range or empty.
    Segment slice(size_t first, size_t count) const;

    /// Readers and writers over all the segment's bytes; they borrow the segment.
    VmReader reader() const;
    VmWriter writer() const;

private:
    Segment(uint64_t start, size_t count) : start_(start), count_(count) {}
    uint64_t start_ = 0;
    size_t count_ = 0;
};

/// Frame allocator statistics (frames of 4 KiB).
struct FrameStats {
    uint64_t total_frames;  // usable RAM frames in the memory map
    uint64_t free_frames;   // currently in the allocator
};
FrameStats frame_stats();

}  // namespace ostd
