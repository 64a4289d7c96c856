// Archive path normalisation: "./a//b/" -> "a/b", "." -> "" (the root), ".." refused, so an
// unpacker can never be steered outside the directory it unpacks into.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include <ostd/common/result.h>

namespace kernel::initramfs {

/// Writes the normalised form of `raw` into `out` and returns its length: components joined by
/// single '/', with empty and "." components dropped and any leading '/' removed ("" names the
/// root itself). Never longer than `raw`.
/// Errors: EINVAL (note says why) when a component is ".." (then *bad_at, if given, is the
/// offset of that component in `raw`), or ENAMETOOLONG when `out` is shorter than needed.
ostd::Result<size_t> normalize_path(std::string_view raw, std::span<char> out,
                                    size_t* bad_at = nullptr);

}  // namespace kernel::initramfs
