// openat2(2): struct open_how size rules (EINVAL, E2BIG), flag checks and each RESOLVE_*
// restriction with the errors Linux gives (EXDEV, ELOOP, EAGAIN).
#include <fcntl.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "run_program.h"

namespace {

using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using ostd::host::ScriptedUser;

constexpr uint64_t kNoXdev = 0x01, kNoMagiclinks = 0x02, kNoSymlinks = 0x04, kBeneath = 0x08,
                   kInRoot = 0x10, kCached = 0x20;

struct How {
    uint64_t flags, mode, resolve;
};

int64_t openat2(ScriptedUser& u, int64_t dirfd, const std::string& path, How how,
                uint64_t size = sizeof(How)) {
    return u.syscall(SYS_openat2, uint64_t(dirfd), u.push_string(path), u.push(&how, sizeof how),
                     size);
}

// The result as "ok" (closing the fd) or -errno.
int64_t res(ScriptedUser& u, int64_t r) {
    if (r >= 0) {
        u.syscall(SYS_close, uint64_t(r));
        return 0;
    }
    return r;
}

TEST(Openat2, SizesFlagsAndResolveRestrictions) {
    int status = run_program(
        "openat2",
        [](ScriptedUser& u) {
            auto mk = [&](const char* p) {
                return u.syscall(SYS_mkdirat, AT_FDCWD, u.push_string(p), 0755);
            };
            auto ln = [&](const char* target, const char* p) {
                return u.syscall(SYS_symlinkat, u.push_string(target), AT_FDCWD, u.push_string(p));
            };
            EXPECT_EQ(mk("/tmp/o"), 0);
            EXPECT_EQ(mk("/tmp/o/sub"), 0);
            EXPECT_EQ(res(u, u.syscall(SYS_openat, AT_FDCWD, u.push_string("/tmp/o/sub/f"),
                                       O_CREAT | O_RDWR, 0644)),
                      0);
            EXPECT_EQ(ln("sub/f", "/tmp/o/lnk"), 0);
            EXPECT_EQ(ln("/tmp/o/sub/f", "/tmp/o/abs"), 0);
            int64_t dir =
                u.syscall(SYS_openat, AT_FDCWD, u.push_string("/tmp/o"), O_RDONLY | O_DIRECTORY);
            EXPECT_GE(dir, 0);
            const How plain{O_RDONLY, 0, 0};
            EXPECT_EQ(res(u, openat2(u, dir, "sub/f", plain)), 0);

            // struct open_how: version 0 is 24 bytes; larger ones need zero tails.
            EXPECT_EQ(openat2(u, dir, "sub/f", plain, 16), -EINVAL);
            EXPECT_EQ(openat2(u, dir, "sub/f", plain, 8192), -E2BIG);
            uint64_t big[5] = {O_RDONLY, 0, 0, 0, 0};
            uint64_t ubig = u.push(big, sizeof big);
            EXPECT_EQ(res(u, u.syscall(SYS_openat2, dir, u.push_string("sub/f"), ubig, 40)), 0);
            big[4] = 1;
            ubig = u.push(big, sizeof big);
            EXPECT_EQ(u.syscall(SYS_openat2, dir, u.push_string("sub/f"), ubig, 40), -E2BIG);
            EXPECT_EQ(u.syscall(SYS_openat2, dir, u.push_string("sub/f"), 0x8, 24), -EFAULT);
            EXPECT_EQ(openat2(u, dir, "sub/f", {O_RDONLY, 0644, 0}), -EINVAL);  // mode w/o O_CREAT
            EXPECT_EQ(openat2(u, dir, "sub/f", {O_PATH | O_RDWR, 0, 0}), -EINVAL);
            EXPECT_EQ(openat2(u, dir, "sub/f", {uint64_t(1) << 40, 0, 0}), -EINVAL);
            EXPECT_EQ(openat2(u, dir, "sub/f", {O_RDONLY, 0, 0x40}), -EINVAL);
            EXPECT_EQ(openat2(u, dir, "sub/f", {O_RDONLY, 0, kBeneath | kInRoot}), -EINVAL);

            // RESOLVE_NO_SYMLINKS: any symlink, also with O_CREAT on an existing link.
            EXPECT_EQ(openat2(u, dir, "lnk", {O_RDONLY, 0, kNoSymlinks}), -ELOOP);
            EXPECT_EQ(openat2(u, dir, "lnk", {O_RDWR | O_CREAT, 0644, kNoSymlinks}), -ELOOP);
            EXPECT_EQ(res(u, openat2(u, dir, "sub/f", {O_RDONLY, 0, kNoSymlinks})), 0);

            // RESOLVE_BENEATH: no absolute paths, no ".." above the start, no absolute links.
            EXPECT_EQ(openat2(u, dir, "../o/sub/f", {O_RDONLY, 0, kBeneath}), -EXDEV);
            EXPECT_EQ(openat2(u, dir, "/tmp/o/sub/f", {O_RDONLY, 0, kBeneath}), -EXDEV);
            EXPECT_EQ(openat2(u, dir, "abs", {O_RDONLY, 0, kBeneath}), -EXDEV);
            EXPECT_EQ(openat2(u, dir, "/tmp/o/new", {O_RDWR | O_CREAT, 0644, kBeneath}), -EXDEV);
            EXPECT_EQ(res(u, openat2(u, dir, "sub/../sub/f", {O_RDONLY, 0, kBeneath})), 0);
            EXPECT_EQ(res(u, openat2(u, dir, "lnk", {O_RDONLY, 0, kBeneath})), 0);

            // RESOLVE_IN_ROOT: "/" and ".." stay at the start directory.
            EXPECT_EQ(res(u, openat2(u, dir, "/sub/f", {O_RDONLY, 0, kInRoot})), 0);
            EXPECT_EQ(res(u, openat2(u, dir, "../../sub/f", {O_RDONLY, 0, kInRoot})), 0);
            EXPECT_EQ(openat2(u, dir, "abs", {O_RDONLY, 0, kInRoot}), -ENOENT);  // /tmp/o/tmp/o/..

            // RESOLVE_NO_XDEV: /proc and /dev are other mounts.
            int64_t root =
                u.syscall(SYS_openat, AT_FDCWD, u.push_string("/"), O_RDONLY | O_DIRECTORY);
            EXPECT_EQ(openat2(u, root, "dev/null", {O_RDONLY, 0, kNoXdev}), -EXDEV);
            EXPECT_EQ(openat2(u, root, "proc/../dev/null", {O_RDONLY, 0, kNoXdev}), -EXDEV);
            EXPECT_EQ(res(u, openat2(u, root, "tmp/o/sub/f", {O_RDONLY, 0, kNoXdev})), 0);
            EXPECT_EQ(res(u, openat2(u, root, "dev/null", {O_RDONLY, 0, 0})), 0);

            // RESOLVE_NO_MAGICLINKS: /proc/self/fd/N is a magic link; /proc/self is not.
            std::string fdlink = "/proc/self/fd/" + std::to_string(dir);
            EXPECT_EQ(openat2(u, AT_FDCWD, fdlink, {O_RDONLY, 0, kNoMagiclinks}), -ELOOP);
            EXPECT_EQ(res(u, openat2(u, AT_FDCWD, fdlink, {O_RDONLY, 0, 0})), 0);
            EXPECT_EQ(
                res(u, openat2(u, AT_FDCWD, "/proc/self/status", {O_RDONLY, 0, kNoMagiclinks})), 0);
            EXPECT_EQ(openat2(u, AT_FDCWD, fdlink + "/sub/f", {O_RDONLY, 0, kInRoot}), -EXDEV);

            // RESOLVE_CACHED: never for creating or truncating opens.
            EXPECT_EQ(openat2(u, dir, "new", {O_RDWR | O_CREAT, 0644, kCached}), -EAGAIN);
            EXPECT_EQ(openat2(u, dir, "sub/f", {O_RDWR | O_TRUNC, 0, kCached}), -EAGAIN);
            EXPECT_EQ(res(u, openat2(u, dir, "sub/f", {O_RDONLY, 0, kCached})), 0);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
