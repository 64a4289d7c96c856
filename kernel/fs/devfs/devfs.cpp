// devtmpfs: builds the /dev tree: the character devices and a RAM disk, /dev/ram0.
#include <kernel/fs/dentry.h>
#include <kernel/fs/devfs/block_device.h>
#include <kernel/fs/devfs/char_device.h>
#include <kernel/fs/devfs/devfs.h>
#include <kernel/fs/tmpfs/tmpfs.h>

namespace kernel::fs::devfs {

using ostd::Ref;
using ostd::Result;

namespace {

struct Node {
    const char* name;
    uint32_t major, minor, perm;
};
constexpr Node kNodes[] = {
    {"null", 1, 3, 0666},    {"zero", 1, 5, 0666}, {"full", 1, 7, 0666},    {"random", 1, 8, 0666},
    {"urandom", 1, 9, 0666}, {"tty", 5, 0, 0666},  {"console", 5, 1, 0600}, {"ttyS0", 4, 64, 0620},
};

// Linux's brd: block major 1, minor 0. Each devtmpfs instance owns its disk (its pages are
// allocated on first write).
constexpr uint32_t kRamMajor = 1, kRamMinor = 0;
constexpr uint64_t kRamDiskBytes = uint64_t{16} << 20;

/// The /dev/ram0 node: a block-device inode that owns its RamDisk.
class RamDiskNode final : public Inode {
public:
    RamDiskNode(SuperBlock* sb, Ref<RamDisk> disk)
        : Inode(sb, NewInode{FileType::kBlockDevice, 0660, 0, 6 /* disk */,
                             make_dev(kRamMajor, kRamMinor)}),
          disk_(std::move(disk)) {}
    BlockDevice* block_device() const override { return disk_.ptr(); }

private:
    Ref<RamDisk> disk_;
};

Result<Ref<SuperBlock>> mount_devtmpfs(std::string_view) {
    return create();
}

}  // namespace

Result<Ref<SuperBlock>> create() {
    TRY(register_builtin_devices());
    Ref<SuperBlock> sb = TRY(tmpfs::create(0, 0755, "devtmpfs"));
    Ref<Dentry> root = sb->root();
    ostd::MutexGuard g(tree_lock());
    for (const Node& n : kNodes) {
        Ref<Inode> ino = TRY(root->inode().create_child(
            NewInode{FileType::kCharDevice, n.perm, 0, 0, make_dev(n.major, n.minor)}));
        ino->set_nlink(1);
        Ref<Dentry> d = TRY(Dentry::create(n.name, root, std::move(ino)));
        TRY(root->add_child(std::move(d)));
    }
    Ref<RamDisk> disk = TRY(RamDisk::create(kRamDiskBytes));
    Ref<Inode> ram = Ref<Inode>(TRY(ostd::try_make_ref<RamDiskNode>(sb.ptr(), std::move(disk))));
    ram->set_nlink(1);
    TRY(root->add_child(TRY(Dentry::create("ram0", root, std::move(ram)))));
    return sb;
}

const FileSystemType kDevtmpfsType{"devtmpfs", false, &mount_devtmpfs};

}  // namespace kernel::fs::devfs
