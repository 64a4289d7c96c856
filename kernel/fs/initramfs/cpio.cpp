// cpio newc/crc reader. Layout of a member: a 110-byte ASCII header ("070701" + 13 fields of 8
// hex digits), c_namesize bytes of name (NUL included), NUL padding to a 4-byte boundary,
// c_filesize bytes of data, padding to 4 again. Every size is checked against the bytes that
// remain.
#include <kernel/fs/initramfs/cpio.h>

#include <kernel/fs/initramfs/path.h>
#include <ostd/common/format.h>

namespace kernel::initramfs {

namespace {

constexpr uint64_t kHeaderSize = 110;
constexpr uint64_t kMagicSize = 6;
constexpr uint64_t kFieldSize = 8;

// Header field indices, in archive order.
enum Field : size_t {
    kIno,
    kMode,
    kUid,
    kGid,
    kNlink,
    kMtime,
    kFilesize,
    kDevMajor,
    kDevMinor,
    kRdevMajor,
    kRdevMinor,
    kNamesize,
    kCheck,
    kFieldCount,
};

constexpr const char* kBadHex[kFieldCount] = {
    "c_ino: not 8 hex digits",       "c_mode: not 8 hex digits",
    "c_uid: not 8 hex digits",       "c_gid: not 8 hex digits",
    "c_nlink: not 8 hex digits",     "c_mtime: not 8 hex digits",
    "c_filesize: not 8 hex digits",  "c_devmajor: not 8 hex digits",
    "c_devminor: not 8 hex digits",  "c_rdevmajor: not 8 hex digits",
    "c_rdevminor: not 8 hex digits", "c_namesize: not 8 hex digits",
    "c_check: not 8 hex digits",
};

constexpr uint64_t field_offset(size_t index) {
    return kMagicSize + index * kFieldSize;
}

constexpr std::string_view kTrailer = "TRAILER!!!";

uint64_t align4(uint64_t v) {
    return (v + 3) & ~uint64_t{3};
}

int hex_digit(std::byte b) {
    char c = static_cast<char>(b);
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Views archive bytes as characters (std::byte and char may alias; bounded by the span).
std::string_view as_chars(std::span<const std::byte> bytes) {
    return {static_cast<const char*>(static_cast<const void*>(bytes.data())), bytes.size()};
}

bool kind_from_mode(uint32_t mode, EntryKind* kind) {
    switch (mode & 0170000) {
        case 0100000:
            *kind = EntryKind::kRegular;
            return true;
        case 0040000:
            *kind = EntryKind::kDirectory;
            return true;
        case 0120000:
            *kind = EntryKind::kSymlink;
            return true;
        case 0020000:
            *kind = EntryKind::kCharDevice;
            return true;
        case 0060000:
            *kind = EntryKind::kBlockDevice;
            return true;
        case 0010000:
            *kind = EntryKind::kFifo;
            return true;
        case 0140000:
            *kind = EntryKind::kSocket;
            return true;
        default:
            return false;
    }
}

}  // namespace

size_t describe(const Diagnostic& diag, char* buf, size_t size) {
    return ostd::format(buf, size, "cpio: %s (byte %#llx, entry at %#llx)",
                        diag.reason ? diag.reason : "no error",
                        static_cast<unsigned long long>(diag.offset),
                        static_cast<unsigned long long>(diag.entry_offset));
}

ostd::Error CpioReader::reject(const char* reason, uint64_t offset, uint64_t entry_offset) {
    failed_ = true;
    diag_ = {reason, offset, entry_offset};
    return ostd::Error(EINVAL, reason);
}

ostd::Result<uint32_t> CpioReader::hex_field(uint64_t entry, size_t index, const char* reason) {
    uint64_t at = entry + field_offset(index);
    uint32_t v = 0;
    for (uint64_t j = 0; j < kFieldSize; ++j) {
        int d = hex_digit(archive_[at + j]);
        if (d < 0) return reject(reason, at + j, entry);
        v = (v << 4) | static_cast<uint32_t>(d);
    }
    return v;
}

ostd::Result<bool> CpioReader::skip_padding() {
    while (pos_ < archive_.size() && archive_[pos_] == std::byte{0})
        ++pos_;
    if (pos_ == archive_.size()) return false;
    if (pos_ % 4 != 0) return reject("junk after TRAILER!!! (not a 4-aligned header)", pos_, pos_);
    after_trailer_ = false;
    return true;
}

ostd::Result<bool> CpioReader::next(Entry* out) {
    if (failed_) return ostd::Error(EINVAL, diag_.reason);
    if (done_) return false;
    for (;;) {
        if (after_trailer_ && !TRY(skip_padding())) {
            done_ = true;
            return false;
        }
        const uint64_t entry = pos_;
        const uint64_t size = archive_.size();
        if (entry == size) return reject("archive ends without TRAILER!!!", entry, entry);
        if (size - entry < kHeaderSize) return reject("truncated header", entry, entry);
        std::string_view magic = as_chars(archive_.subspan(entry, kMagicSize));
        if (magic != "070701" && magic != "070702")
            return reject("c_magic: not 070701 (newc) or 070702 (crc)", entry, entry);
        uint32_t f[kFieldCount];
        for (size_t i = 0; i < kFieldCount; ++i)
            f[i] = TRY(hex_field(entry, i, kBadHex[i]));

        const uint64_t name_at = entry + kHeaderSize;
        const uint64_t namesize = f[kNamesize];
        if (namesize == 0)
            return reject("c_namesize: zero (no room for the NUL)", entry + field_offset(kNamesize),
                          entry);
        if (namesize > kMaxPath)
            return reject("c_namesize: over PATH_MAX", entry + field_offset(kNamesize), entry);
        if (namesize > size - name_at)
            return reject("c_name: extends past end of archive", name_at, entry);
        auto name = archive_.subspan(name_at, namesize);
        if (name[namesize - 1] != std::byte{0})
            return reject("c_name: not NUL-terminated at c_namesize", name_at + namesize - 1,
                          entry);
        if (namesize == 1) return reject("c_name: empty", name_at, entry);
        for (uint64_t j = 0; j + 1 < namesize; ++j)
            if (name[j] == std::byte{0}) return reject("c_name: embedded NUL", name_at + j, entry);

        const uint64_t data_at = align4(name_at + namesize);
        const uint64_t filesize = f[kFilesize];
        if (data_at > size || filesize > size - data_at)
            return reject("c_filesize: data extends past end of archive",
                          entry + field_offset(kFilesize), entry);
        pos_ = align4(data_at + filesize);
        if (pos_ > size) pos_ = size;  // a trailer's padding may be cut; anything else fails next

        out->raw_name = as_chars(name.first(namesize - 1));
        if (out->raw_name == kTrailer) {
            after_trailer_ = true;
            continue;
        }
        out->offset = entry;
        out->data = archive_.subspan(data_at, filesize);
        TRY(check_entry(entry, data_at, f, magic == "070702", out));
        out->mode = f[kMode];
        out->ino = f[kIno];
        out->uid = f[kUid];
        out->gid = f[kGid];
        out->nlink = f[kNlink];
        out->mtime = f[kMtime];
        out->dev_major = f[kDevMajor];
        out->dev_minor = f[kDevMinor];
        out->rdev_major = f[kRdevMajor];
        out->rdev_minor = f[kRdevMinor];
        return true;
    }
}

/// Type, checksum, symlink target and path of an entry whose header, name and data are in bounds.
ostd::Result<void> CpioReader::check_entry(uint64_t entry, uint64_t data_at, const uint32_t* f,
                                           bool crc, Entry* out) {
    const uint64_t filesize_at = entry + field_offset(kFilesize);
    if (!kind_from_mode(f[kMode], &out->kind))
        return reject("c_mode: unknown file type", entry + field_offset(kMode), entry);
    out->symlink_target = {};
    if (out->kind == EntryKind::kSymlink) {
        if (out->data.empty()) return reject("symlink: empty target", filesize_at, entry);
        if (out->data.size() >= kMaxPath)
            return reject("symlink: target over PATH_MAX", filesize_at, entry);
        out->symlink_target = as_chars(out->data);
        for (size_t j = 0; j < out->data.size(); ++j)
            if (out->data[j] == std::byte{0})
                return reject("symlink: NUL in target", data_at + j, entry);
    } else if (out->kind != EntryKind::kRegular && !out->data.empty()) {
        return reject("c_filesize: non-zero for a directory, device, fifo or socket", filesize_at,
                      entry);
    }
    if (crc && out->kind == EntryKind::kRegular) {  // cpio(1) and Linux checksum files only
        uint32_t sum = 0;
        for (std::byte b : out->data)
            sum += static_cast<uint8_t>(b);
        if (sum != f[kCheck])
            return reject("c_check: checksum mismatch", entry + field_offset(kCheck), entry);
    }
    size_t bad_at = 0;
    auto len = normalize_path(out->raw_name, path_, &bad_at);
    if (len.is_error())
        return reject("c_name: has a '..' component", entry + kHeaderSize + bad_at, entry);
    out->path = std::string_view(path_, len.value());
    if (out->path.empty() && out->kind != EntryKind::kDirectory)
        return reject("c_name: names the root but is not a directory", entry + kHeaderSize, entry);
    return ostd::ok();
}

}  // namespace kernel::initramfs
