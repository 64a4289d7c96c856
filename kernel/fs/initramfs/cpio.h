// Reader for cpio "newc" (070701) and "crc" (070702) archives, the initramfs format: yields
// validated entries with normalised paths, or rejects the archive with EINVAL and a Diagnostic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <ostd/common/result.h>

namespace kernel::initramfs {

/// Why an archive was rejected: a static reason naming the field, the byte offset of the
/// offending byte or field, and the offset of the header of the entry it belongs to.
struct Diagnostic {
    const char* reason = nullptr;
    uint64_t offset = 0;
    uint64_t entry_offset = 0;
};

/// Formats `diag` as "cpio: <reason> (byte 0x<offset>, entry at 0x<entry_offset>)" for logs,
/// like ostd::format (always NUL-terminates when size > 0; returns the untruncated length).
size_t describe(const Diagnostic& diag, char* buf, size_t size);

enum class EntryKind : uint8_t {
    kRegular,
    kDirectory,
    kSymlink,
    kCharDevice,
    kBlockDevice,
    kFifo,
    kSocket,
};

/// Identity of an inode inside an archive: entries with nlink > 1 and the same key are hard
/// links to one file (GNU cpio stores the data with the last of them; others have no data).
struct LinkKey {
    uint32_t dev_major = 0, dev_minor = 0, ino = 0;
    bool operator==(const LinkKey&) const = default;
};

/// PATH_MAX: the largest c_namesize (NUL included) and symlink target + 1 accepted.
inline constexpr size_t kMaxPath = 4096;

/// One archive member. Views point into the archive (raw_name, data, symlink_target) or into
/// the reader (path): valid until the reader's next call to next().
struct Entry {
    uint64_t offset = 0;        // byte offset of the header in the archive
    std::string_view path;      // normalised; "" is the root directory (the "." entry)
    std::string_view raw_name;  // c_name as stored, without its NUL
    EntryKind kind = EntryKind::kRegular;
    uint32_t mode = 0;  // c_mode: file type and permission bits
    uint32_t ino = 0, uid = 0, gid = 0, nlink = 0, mtime = 0;
    uint32_t dev_major = 0, dev_minor = 0;    // device holding the original file
    uint32_t rdev_major = 0, rdev_minor = 0;  // the device itself, for kCharDevice/kBlockDevice
    std::span<const std::byte> data;          // file contents; the target for symlinks; else empty
    std::string_view symlink_target;          // kSymlink only: non-empty, no NUL

    uint32_t permissions() const { return mode & 07777; }
    bool is_root() const { return path.empty(); }
    /// A regular file that shares its inode with other entries (report as a hard link).
    bool is_hard_link() const { return kind == EntryKind::kRegular && nlink > 1; }
    LinkKey link_key() const { return {dev_major, dev_minor, ino}; }
};

/// Pull-style reader over one buffer holding one or more concatenated archives (NUL padding
/// between them, as the Linux initramfs unpacker accepts). Not thread-safe; no allocation.
/// Holds a PATH_MAX buffer for normalised paths (about 4 KiB: keep it off small stacks).
class CpioReader {
  public:
    explicit CpioReader(std::span<const std::byte> archive) : archive_(archive) {}

    /// Reads the next entry into *out: true for an entry, false at the end (the final
    /// TRAILER!!! and its padding consumed). The trailer itself is not returned.
    /// Errors: EINVAL with Error::note() = diagnostic().reason, for truncation, a bad magic,
    /// bad hex, absurd sizes, bad names, ".." components, unknown file types, checksum
    /// mismatches, a missing trailer or junk after it. Errors are sticky.
    ostd::Result<bool> next(Entry* out);

    /// The last error's details (reason nullptr while there was none).
    const Diagnostic& diagnostic() const { return diag_; }
    /// Offset of the next header to read.
    uint64_t offset() const { return pos_; }

  private:
    ostd::Error reject(const char* reason, uint64_t offset, uint64_t entry_offset);
    ostd::Result<bool> skip_padding();
    ostd::Result<uint32_t> hex_field(uint64_t entry, size_t index, const char* reason);
    ostd::Result<void> check_entry(uint64_t entry, uint64_t data_at, const uint32_t* f, bool crc,
                                   Entry* out);

    std::span<const std::byte> archive_;
    uint64_t pos_ = 0;
    bool after_trailer_ = false;
    bool done_ = false;
    bool failed_ = false;
    Diagnostic diag_;
    char path_[kMaxPath];
};

/// Calls visit(const Entry&) -> ostd::Result<void> for every entry of `archive`, in order,
/// stopping at the first error (the archive's EINVAL, or the visitor's own error). `diag`, when
/// given, receives the archive error's details.
template <typename Visit>
ostd::Result<void> for_each_entry(std::span<const std::byte> archive, Visit&& visit,
                                  Diagnostic* diag = nullptr) {
    CpioReader reader(archive);
    Entry entry;
    for (;;) {
        auto more = reader.next(&entry);
        if (more.is_error()) {
            if (diag) *diag = reader.diagnostic();
            return more.release_error();
        }
        if (!more.value()) return ostd::ok();
        TRY(visit(static_cast<const Entry&>(entry)));
    }
}

}  // namespace kernel::initramfs
