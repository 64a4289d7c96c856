// Path walk (namei): resolves a path string to a Path from a root and a start directory,
// following symlinks (ELOOP after kMaxSymlinks), crossing mounts both ways ("..", mountpoints),
// checking search permission on each directory. See man 7 path_resolution.
// All functions here require tree_lock() (hence the _locked suffix).
#pragma once

#include <string_view>

#include <kernel/fs/mount.h>
#include <kernel/process/credentials.h>

namespace kernel::fs {

/// How walk_locked treats the final component.
enum WalkFlags : uint32_t {
    kWalkFollow = 1,     // follow a final symlink
    kWalkDirectory = 2,  // the result must be a directory (ENOTDIR), as O_DIRECTORY
    // openat2(2) RESOLVE_* restrictions (RESOLVE_IN_ROOT is the caller's: root = start).
    kWalkNoXdev = 4,        // never leave start's mount (EXDEV)
    kWalkNoMagicLinks = 8,  // no /proc magic links (ELOOP)
    kWalkNoSymlinks = 16,   // no symlinks at all (ELOOP)
    kWalkBeneath = 32,      // stay below start: no absolute paths, no ".." above it (EXDEV)
    kWalkScoped = 64,       // BENEATH or IN_ROOT: magic links are EXDEV
};
inline constexpr uint32_t kWalkRestrictions =
    kWalkNoXdev | kWalkNoMagicLinks | kWalkNoSymlinks | kWalkBeneath | kWalkScoped;

/// Where a walk starts: `root` bounds ".." and starts absolute paths; `start` the rest.
struct WalkBase {
    const Path& root;
    const Path& start;
};

/// Resolves `path`. Errors: ENOENT (missing component or empty path), ENOTDIR (a non-directory
/// used as one, or a trailing slash on a non-directory), EACCES (search permission), ELOOP,
/// ENAMETOOLONG (a component over kNameMax or the path at least kPathMax long).
ostd::Result<Path> walk_locked(const WalkBase& base, std::string_view path,
                               const Credentials& creds, uint32_t flags);

/// The parent directory of the final component, and that component.
struct ParentWalk {
    Path dir;
    std::string_view last;  // a view into the caller's path; "" for "/" itself
    bool trailing_slash;    // "a/b/"
    bool is_dot;            // last is "." or ".."
};

/// Resolves everything but the final component (following symlinks). Errors as walk_locked;
/// ENOTDIR when the parent is not a directory.
/// `flags`: only the kWalkRestrictions bits apply.
ostd::Result<ParentWalk> walk_parent_locked(const WalkBase& base, std::string_view path,
                                            const Credentials& creds, uint32_t flags = 0);

/// The absolute path of `p` as seen from `root` (getcwd(2)), e.g. "/a/b". Unreachable
/// locations (outside the root, detached) get "(unreachable)" prepended as Linux does; removed
/// directories get " (deleted)" appended. ENOMEM; ERANGE if longer than kPathMax.
ostd::Result<ostd::String> path_string_locked(const Path& root, const Path& p);

/// One step of "..": stays at `root` and at a namespace root; leaves a mount at its root.
Path step_up_locked(const Path& cur, const Path& root);

}  // namespace kernel::fs
