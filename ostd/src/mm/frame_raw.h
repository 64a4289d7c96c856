// ostd-internal conversions between Frame handles and raw pfns (page-table entries own a
// reference as a bare pfn).
#pragma once

#include <ostd/mm/frame.h>

namespace ostd {

struct FrameRaw {
    /// Gives up the handle's reference without dropping it; the caller now owns it as a pfn.
    static uint64_t into_raw(Frame&& f) { return std::exchange(f.pfn_, Frame::kNone); }
    /// Takes over a reference previously produced by into_raw().
    static Frame from_raw(uint64_t pfn) { return Frame(pfn, Frame::Adopt{}); }
    /// A new reference to a frame a raw owner holds (refcount + 1).
    static Frame clone_raw(uint64_t pfn) {
        detail::frame_inc_ref(pfn);
        return Frame(pfn, Frame::Adopt{});
    }
};

}  // namespace ostd
