// TlbFlusher: batches TLB invalidations of one address space and defers dropping frames that were
// unmapped until their translations are gone.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ostd/common/types.h>
#include <ostd/mm/frame.h>

namespace ostd {

/// Collects ranges and frames; flush() (or destruction) invalidates the ranges, then drops the
/// frames. Not thread-safe: one flusher belongs to one cursor. Too many ranges degrade to one
/// full flush; too many frames trigger an early flush.
class TlbFlusher {
public:
    /// For the address space whose page-table root is `root`.
    explicit TlbFlusher(Paddr root) : root_(root) {}
    TlbFlusher(const TlbFlusher&) = delete;
    TlbFlusher& operator=(const TlbFlusher&) = delete;
    /// Moves the pending work; the source is left empty.
    TlbFlusher(TlbFlusher&& o);
    ~TlbFlusher() { flush(); }

    /// Records [start, start + len) as needing invalidation; merges with the previous range when
    /// adjacent.
    void add_range(Vaddr start, uint64_t len);
    /// Keeps `frame` alive until the next flush.
    void defer_drop(Frame frame);
    /// Issues the pending invalidations, then drops deferred frames. Any context.
    void flush();

    bool has_pending() const { return nranges_ || full_ || nframes_; }

private:
    static constexpr size_t kMaxRanges = 8;
    static constexpr size_t kMaxFrames = 32;
    Paddr root_;
    VaRange ranges_[kMaxRanges];
    size_t nranges_ = 0;
    bool full_ = false;
    uint64_t frames_[kMaxFrames];  // raw references (pfns) owned by this flusher
    size_t nframes_ = 0;
};

}  // namespace ostd
