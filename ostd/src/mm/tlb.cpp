// TlbFlusher: range batching over hal::tlb_flush_range, and deferred frame drops.
#include <ostd/mm/tlb.h>

#include "hal/tlb.h"
#include "mm/frame_raw.h"

namespace ostd {

TlbFlusher::TlbFlusher(TlbFlusher&& o)
    : root_(o.root_), nranges_(o.nranges_), full_(o.full_), nframes_(o.nframes_) {
    for (size_t i = 0; i < nranges_; ++i)
        ranges_[i] = o.ranges_[i];
    for (size_t i = 0; i < nframes_; ++i)
        frames_[i] = o.frames_[i];
    o.nranges_ = 0;
    o.full_ = false;
    o.nframes_ = 0;
}

void TlbFlusher::add_range(Vaddr start, uint64_t len) {
    if (full_ || len == 0) return;
    if (nranges_ && ranges_[nranges_ - 1].end == start) {
        ranges_[nranges_ - 1].end = start + len;
        return;
    }
    if (nranges_ == kMaxRanges) {
        full_ = true;
        nranges_ = 0;
        return;
    }
    ranges_[nranges_++] = VaRange{start, start + len};
}

void TlbFlusher::defer_drop(Frame frame) {
    if (nframes_ == kMaxFrames) flush();
    frames_[nframes_++] = FrameRaw::into_raw(std::move(frame));
}

void TlbFlusher::flush() {
    if (full_)
        hal::tlb_flush_all(root_);
    else
        for (size_t i = 0; i < nranges_; ++i)
            hal::tlb_flush_range(root_, ranges_[i].start, ranges_[i].size());
    full_ = false;
    nranges_ = 0;
    // Only now may the frames be reused: no CPU can still translate to them.
    for (size_t i = 0; i < nframes_; ++i)
        (void)FrameRaw::from_raw(frames_[i]);
    nframes_ = 0;
}

}  // namespace ostd
