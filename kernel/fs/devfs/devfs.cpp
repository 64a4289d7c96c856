// devtmpfs: builds the /dev tree.
#include <kernel/fs/dentry.h>
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
    {"urandom", 1, 9, 0666}, {"tty", 5, 0, 0666},  {"console", 5, 1, 0600},
    {"ttyS0", 4, 64, 0620},
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
    return sb;
}

const FileSystemType kDevtmpfsType{"devtmpfs", false, &mount_devtmpfs};

}  // namespace kernel::fs::devfs
