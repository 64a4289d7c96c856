// Path walk: components, symlinks, mount crossing, search permission.
#include <kernel/fs/namei.h>
#include <kernel/fs/permission.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;

namespace {

struct Walker {
    const Path& root;
    const Credentials& creds;
    int links = 0;
    uint32_t flags = 0;      // kWalkRestrictions bits
    const Path* start = nullptr;  // where the walk began (NO_XDEV, BENEATH)
};

/// RESOLVE_NO_XDEV: every step stays on the start's mount.
Result<void> check_xdev(const Walker& w, const Path& p) {
    if ((w.flags & kWalkNoXdev) && p.mnt.ptr() != w.start->mnt.ptr())
        return Error(EXDEV, "RESOLVE_NO_XDEV: path crosses a mount");
    return ostd::ok();
}

/// Splits off the next component of `rest` (skipping slashes); empty when none is left.
std::string_view next_component(std::string_view& rest) {
    size_t i = 0;
    while (i < rest.size() && rest[i] == '/')
        ++i;
    size_t j = i;
    while (j < rest.size() && rest[j] != '/')
        ++j;
    std::string_view comp = rest.substr(i, j - i);
    rest = rest.substr(j);
    return comp;
}

bool only_slashes(std::string_view s) {
    for (char c : s)
        if (c != '/') return false;
    return true;
}

Result<Path> walk_from(Walker& w, Path cur, std::string_view path, bool follow_last);

/// Resolves a symlink found at `link` in directory `dir`.
Result<Path> follow_link(Walker& w, const Path& dir, const Path& link) {
    if (w.flags & kWalkNoSymlinks) return Error(ELOOP, "RESOLVE_NO_SYMLINKS");
    if (++w.links > kMaxSymlinks) return Error(ELOOP, "too many symbolic links");
    Path jump = link;
    if (TRY(link.inode().jump_link(&jump))) {
        if (w.flags & kWalkNoMagicLinks) return Error(ELOOP, "RESOLVE_NO_MAGICLINKS");
        TRY(check_xdev(w, jump));
        if (w.flags & (kWalkBeneath | kWalkScoped))
            return Error(EXDEV, "magic link in a scoped lookup");
        return jump;
    }
    ostd::String target = TRY(link.inode().read_link());
    if (target.is_empty()) return Error(ENOENT, "empty symlink");
    return walk_from(w, dir, target.view(), true);
}

Result<Path> walk_from(Walker& w, Path cur, std::string_view path, bool follow_last) {
    if (!path.empty() && path[0] == '/') {
        if (w.flags & kWalkBeneath) return Error(EXDEV, "RESOLVE_BENEATH: absolute path");
        cur = w.root;
        TRY(check_xdev(w, cur));
    }
    std::string_view rest = path;
    for (;;) {
        std::string_view comp = next_component(rest);
        if (comp.empty()) break;
        bool last = only_slashes(rest);
        bool slash_after = !rest.empty();
        if (!cur.inode().is_dir()) return Error(ENOTDIR, "path component is not a directory");
        TRY(check_access(cur.inode(), w.creds, kMayExec));
        if (comp.size() > kNameMax) return Error(ENAMETOOLONG, "path component too long");
        if (comp == ".") continue;
        if (comp == "..") {
            if ((w.flags & kWalkBeneath) && cur == *w.start)
                return Error(EXDEV, "RESOLVE_BENEATH: \"..\" above the start");
            cur = step_up_locked(cur, w.root);
            TRY(check_xdev(w, cur));
            continue;
        }
        ostd::RefPtr<Dentry> child = cur.dentry->find_child(comp);
        if (!child) {
            // Computed directories (procfs) answer with a transient dentry outside the tree.
            ostd::RefPtr<Inode> dyn = TRY(cur.inode().lookup(comp));
            if (!dyn) return Error(ENOENT, "no such file or directory");
            child = TRY(Dentry::create(comp, cur.dentry, dyn.to_ref()));
        }
        Path next = follow_mounts(Path{cur.mnt, child.to_ref()});
        TRY(check_xdev(w, next));
        if (next.inode().type() == FileType::kSymlink && (!last || follow_last || slash_after))
            next = TRY(follow_link(w, cur, next));
        cur = std::move(next);
    }
    return cur;
}

}  // namespace

Path step_up_locked(const Path& cur, const Path& root) {
    Path p = cur;
    for (;;) {
        if (p == root) return p;
        if (p.dentry.ptr() == p.mnt->root().ptr()) {
            Mount* parent = p.mnt->parent();
            if (!parent) return p;  // namespace root or detached mount
            p = Path{Ref<Mount>(*parent), Ref<Dentry>(*p.mnt->mountpoint())};
            continue;
        }
        Dentry* up = p.dentry->parent();
        if (!up) return p;
        return follow_mounts(Path{p.mnt, Ref<Dentry>(*up)});
    }
}

Result<Path> walk_locked(const WalkBase& base, std::string_view path, const Credentials& creds,
                         uint32_t flags) {
    if (path.empty()) return Error(ENOENT, "empty path");
    if (path.size() >= kPathMax) return Error(ENAMETOOLONG, "path too long");
    Walker w{base.root, creds, 0, flags & kWalkRestrictions, &base.start};
    Path p = TRY(walk_from(w, base.start, path, flags & kWalkFollow));
    bool trailing = path.back() == '/';
    if ((trailing || (flags & kWalkDirectory)) && !p.inode().is_dir())
        return Error(ENOTDIR, "not a directory");
    return p;
}

Result<ParentWalk> walk_parent_locked(const WalkBase& base, std::string_view path,
                                      const Credentials& creds, uint32_t flags) {
    if (path.empty()) return Error(ENOENT, "empty path");
    if (path.size() >= kPathMax) return Error(ENAMETOOLONG, "path too long");
    size_t end = path.size();
    while (end > 0 && path[end - 1] == '/')
        --end;
    bool trailing = end < path.size();
    if (end == 0) {  // "/" or "///"
        if (flags & kWalkBeneath) return Error(EXDEV, "RESOLVE_BENEATH: absolute path");
        return ParentWalk{base.root, std::string_view(), false, false};
    }
    size_t slash = path.rfind('/', end - 1);
    std::string_view last = path.substr(slash == std::string_view::npos ? 0 : slash + 1,
                                        end - (slash == std::string_view::npos ? 0 : slash + 1));
    if (last.size() > kNameMax) return Error(ENAMETOOLONG, "path component too long");
    Walker w{base.root, creds, 0, flags & kWalkRestrictions, &base.start};
    Path dir = base.start;
    if (slash != std::string_view::npos) {
        std::string_view prefix = path.substr(0, slash + 1);
        dir = TRY(walk_from(w, base.start, prefix, true));
    }
    if (!dir.inode().is_dir()) return Error(ENOTDIR, "parent is not a directory");
    TRY(check_access(dir.inode(), creds, kMayExec));
    return ParentWalk{std::move(dir), last, trailing, last == "." || last == ".."};
}

Result<ostd::String> path_string_locked(const Path& root, const Path& p) {
    // Collect names from p up to root, then emit them in reverse.
    ostd::Vector<std::string_view> names;
    Path cur = p;
    bool reachable = true;
    for (;;) {
        if (cur == root) break;
        if (cur.dentry.ptr() == cur.mnt->root().ptr()) {
            Mount* parent = cur.mnt->parent();
            if (!parent) {
                reachable = false;
                break;
            }
            cur = Path{Ref<Mount>(*parent), Ref<Dentry>(*cur.mnt->mountpoint())};
            continue;
        }
        TRY(names.push_back(cur.dentry->name()));
        Dentry* up = cur.dentry->parent();
        if (!up) {
            reachable = false;
            break;
        }
        cur = Path{cur.mnt, Ref<Dentry>(*up)};
    }
    ostd::String out;
    if (!reachable) TRY(out.append("(unreachable)"));
    for (size_t i = names.size(); i-- > 0;) {
        TRY(out.append("/"));
        TRY(out.append(names[i]));
    }
    if (names.is_empty()) TRY(out.append("/"));
    if (p.dentry->is_dead()) TRY(out.append(" (deleted)"));
    if (out.size() >= kPathMax) return Error(ERANGE, "path too long");
    return out;
}

}  // namespace kernel::fs
