// tmpfs superblock creation and mount-option parsing.
#include <kernel/fs/dentry.h>
#include <kernel/fs/tmpfs/tmpfs.h>
#include <kernel/fs/tmpfs/tmpfs_inode.h>

namespace kernel::fs::tmpfs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;

Result<Ref<SuperBlock>> create(uint64_t max_bytes, uint32_t root_perm, std::string_view type_name) {
    Ref<SuperBlock> sb = TRY(
        SuperBlock::create(type_name, type_name == "ramfs" ? kRamfsMagic : kTmpfsMagic, max_bytes));
    Ref<Inode> root =
        TRY(TmpfsInode::create(*sb, NewInode{FileType::kDirectory, root_perm & 07777, 0, 0}));
    root->set_nlink(2);
    Ref<Dentry> d = TRY(Dentry::create("/", nullptr, std::move(root)));
    sb->set_root(std::move(d));
    return sb;
}

namespace {

Result<uint64_t> parse_number(std::string_view s, unsigned base) {
    if (s.empty()) return Error(EINVAL, "empty number");
    uint64_t v = 0;
    for (char c : s) {
        unsigned d;
        if (c >= '0' && c <= '9')
            d = unsigned(c - '0');
        else
            return Error(EINVAL, "bad digit");
        if (d >= base) return Error(EINVAL, "bad digit");
        if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v))
            return Error(EINVAL, "number overflows");
    }
    return v;
}

Result<uint64_t> parse_size(std::string_view s) {
    uint64_t mult = 1;
    if (!s.empty()) {
        switch (s.back()) {
            case 'k':
            case 'K':
                mult = 1024;
                break;
            case 'm':
            case 'M':
                mult = 1024 * 1024;
                break;
            case 'g':
            case 'G':
                mult = 1024ull * 1024 * 1024;
                break;
            default:
                break;
        }
        if (mult != 1) s.remove_suffix(1);
    }
    uint64_t v = TRY(parse_number(s, 10));
    if (__builtin_mul_overflow(v, mult, &v)) return Error(EINVAL, "size overflows");
    return v;
}

Result<Ref<SuperBlock>> mount_as(std::string_view data, std::string_view type_name) {
    uint64_t size = 0;
    uint32_t mode = 01777;
    while (!data.empty()) {
        size_t comma = data.find(',');
        std::string_view opt = data.substr(0, comma);
        data = comma == std::string_view::npos ? std::string_view() : data.substr(comma + 1);
        if (opt.empty()) continue;
        if (opt.substr(0, 5) == "size=") {
            size = TRY(parse_size(opt.substr(5)));
        } else if (opt.substr(0, 5) == "mode=") {
            mode = uint32_t(TRY(parse_number(opt.substr(5), 8)) & 07777);
        } else {
            return Error(EINVAL, "unknown tmpfs option");
        }
    }
    return create(size, mode, type_name);
}

Result<Ref<SuperBlock>> mount_tmpfs(std::string_view data) {
    return mount_as(data, "tmpfs");
}
Result<Ref<SuperBlock>> mount_ramfs(std::string_view data) {
    return mount_as(data, "ramfs");
}

}  // namespace

Result<Ref<SuperBlock>> mount(std::string_view data) {
    return mount_tmpfs(data);
}

const FileSystemType kTmpfsType{"tmpfs", false, &mount_tmpfs};
const FileSystemType kRamfsType{"ramfs", false, &mount_ramfs};

}  // namespace kernel::fs::tmpfs
