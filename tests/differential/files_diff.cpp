// Differential: file descriptors, regular files, directories and pipes, in a fresh working
// directory (a temp dir on the host, Orrery init's cwd). Skipped until Orrery has the VFS.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "difftest.h"

namespace {

using orrery::difftest::Sys;

constexpr uint64_t kBadPtr = 0x8;
constexpr uint64_t kCwd = static_cast<uint64_t>(AT_FDCWD);
constexpr uint64_t kStatSize = 144;  // x86-64 struct stat
constexpr uint64_t kModeOff = 24, kNlinkOff = 16, kSizeOff = 48;

int64_t open_at(Sys& sys, const char* path, uint64_t flags, uint64_t mode = 0) {
    return sys.call(SYS_openat, kCwd, sys.put_string(path), flags, mode);
}

uint64_t fd(int64_t v) { return static_cast<uint64_t>(v); }

}  // namespace

DIFFTEST(Files, OpenWriteSeekRead, SYS_openat, SYS_close, SYS_read, SYS_write, SYS_lseek,
         SYS_fstat) {
    int64_t f = sys.ret("create", open_at(sys, "file", O_CREAT | O_RDWR | O_EXCL, 0666));
    uint64_t buf = sys.put_string("hello, differential world");
    sys.ret("write", sys.call(SYS_write, fd(f), buf, 25));
    sys.ret("lseek SET 7", sys.call(SYS_lseek, fd(f), 7, SEEK_SET));
    uint64_t in = sys.scratch(64);
    sys.ret("read", sys.call(SYS_read, fd(f), in, 64));
    char got[32] = {};
    sys.get(in, got, 18);
    sys.note("read data", got);
    sys.ret("read at EOF", sys.call(SYS_read, fd(f), in, 64));
    sys.ret("lseek END -5", sys.call(SYS_lseek, fd(f), static_cast<uint64_t>(-5), SEEK_END));
    sys.ret("lseek CUR", sys.call(SYS_lseek, fd(f), 0, SEEK_CUR));
    sys.ret("lseek negative", sys.call(SYS_lseek, fd(f), static_cast<uint64_t>(-100), SEEK_SET));
    sys.ret("lseek bad whence", sys.call(SYS_lseek, fd(f), 0, 7));
    sys.ret("lseek past end", sys.call(SYS_lseek, fd(f), 100, SEEK_SET));
    sys.ret("write at 100", sys.call(SYS_write, fd(f), buf, 1));
    uint64_t st = sys.scratch(kStatSize);
    sys.ret("fstat", sys.call(SYS_fstat, fd(f), st));
    sys.ret("  mode (umask 022)", sys.get_u32(st + kModeOff));
    sys.ret("  size", static_cast<int64_t>(sys.get_u64(st + kSizeOff)));
    sys.ret("  nlink", static_cast<int64_t>(sys.get_u64(st + kNlinkOff)));
    sys.ret("pread hole", sys.call(SYS_pread64, fd(f), in, 4, 50));
    sys.ret("  hole is zero", static_cast<int64_t>(sys.get_u32(in)));
    sys.ret("close", sys.call(SYS_close, fd(f)));
    sys.ret("close again", sys.call(SYS_close, fd(f)));
    sys.ret("read closed", sys.call(SYS_read, fd(f), in, 1));
    return 0;
}

DIFFTEST(Files, OpenErrors, SYS_openat, SYS_close, SYS_mkdirat) {
    sys.ret("missing", open_at(sys, "nope", O_RDONLY));
    sys.ret("missing dir component", open_at(sys, "nope/x", O_CREAT | O_WRONLY, 0600));
    int64_t f = open_at(sys, "f", O_CREAT | O_WRONLY, 0600);
    sys.ret("create", f);
    sys.ret("O_EXCL existing", open_at(sys, "f", O_CREAT | O_EXCL | O_WRONLY, 0600));
    sys.ret("O_DIRECTORY on file", open_at(sys, "f", O_RDONLY | O_DIRECTORY));
    sys.ret("file as dir", open_at(sys, "f/x", O_RDONLY));
    sys.ret("path EFAULT", sys.call(SYS_openat, kCwd, kBadPtr, O_RDONLY, 0));
    sys.ret("empty path", open_at(sys, "", O_RDONLY));
    sys.ret("bad dirfd", sys.call(SYS_openat, 999, sys.put_string("f"), O_RDONLY, 0));
    sys.ret("mkdir d", sys.call(SYS_mkdirat, kCwd, sys.put_string("d"), 0755));
    sys.ret("write-open a dir", open_at(sys, "d", O_WRONLY));
    int64_t d = open_at(sys, "d", O_RDONLY | O_DIRECTORY);
    sys.ret("open dir", d);
    sys.ret("openat relative to dirfd", sys.call(SYS_openat, fd(d), sys.put_string("inner"),
                                                 O_CREAT | O_WRONLY, 0600));
    sys.ret("openat with file as dirfd", sys.call(SYS_openat, fd(f), sys.put_string("x"),
                                                  O_RDONLY, 0));
    sys.ret("write to O_RDONLY", sys.call(SYS_write, fd(d), sys.put_string("x"), 1));
    return 0;
}

DIFFTEST(Files, DupFamily, SYS_openat, SYS_close, SYS_dup, SYS_dup2, SYS_dup3, SYS_fcntl) {
    int64_t f = open_at(sys, "f", O_CREAT | O_RDWR, 0600);
    sys.ret("open", f);
    sys.ret("dup", sys.call(SYS_dup, fd(f)));
    sys.ret("dup2 to 10", sys.call(SYS_dup2, fd(f), 10));
    sys.ret("dup2 same fd", sys.call(SYS_dup2, fd(f), fd(f)));
    sys.ret("dup3 same fd", sys.call(SYS_dup3, fd(f), fd(f), 0));
    sys.ret("dup3 bad flags", sys.call(SYS_dup3, fd(f), 11, 1));
    sys.ret("dup3 CLOEXEC", sys.call(SYS_dup3, fd(f), 11, O_CLOEXEC));
    sys.ret("F_GETFD 11", sys.call(SYS_fcntl, 11, F_GETFD));
    sys.ret("F_GETFD 10", sys.call(SYS_fcntl, 10, F_GETFD));
    sys.ret("F_SETFD", sys.call(SYS_fcntl, 10, F_SETFD, FD_CLOEXEC));
    sys.ret("F_GETFD 10", sys.call(SYS_fcntl, 10, F_GETFD));
    sys.ret("F_GETFL", sys.call(SYS_fcntl, fd(f), F_GETFL) & ~0100000);  // Minus O_LARGEFILE.
    sys.ret("F_DUPFD >= 20", sys.call(SYS_fcntl, fd(f), F_DUPFD, 20));
    sys.ret("F_DUPFD_CLOEXEC >= 20", sys.call(SYS_fcntl, fd(f), F_DUPFD_CLOEXEC, 20));
    sys.ret("F_DUPFD beyond limit", sys.call(SYS_fcntl, fd(f), F_DUPFD, 5000));
    sys.ret("dup bad fd", sys.call(SYS_dup, 999));
    sys.ret("dup2 bad fd", sys.call(SYS_dup2, 999, 5));
    sys.ret("dup2 beyond limit", sys.call(SYS_dup2, fd(f), 5000));
    sys.ret("fcntl bad cmd", sys.call(SYS_fcntl, fd(f), 9999));
    sys.ret("close 10", sys.call(SYS_close, 10));
    sys.ret("lowest free is reused", sys.call(SYS_dup, fd(f)));
    return 0;
}

DIFFTEST(Files, Directories, SYS_mkdirat, SYS_unlinkat, SYS_renameat, SYS_openat, SYS_close,
         SYS_newfstatat) {
    auto p = [&](const char* s) { return sys.put_string(s); };
    sys.ret("mkdir a", sys.call(SYS_mkdirat, kCwd, p("a"), 0777));
    sys.ret("mkdir a again", sys.call(SYS_mkdirat, kCwd, p("a"), 0777));
    sys.ret("mkdir a/b", sys.call(SYS_mkdirat, kCwd, p("a/b"), 0700));
    sys.ret("mkdir x/y", sys.call(SYS_mkdirat, kCwd, p("x/y"), 0700));
    uint64_t st = sys.scratch(kStatSize);
    sys.ret("stat a", sys.call(SYS_newfstatat, kCwd, p("a"), st, 0));
    sys.ret("  mode", sys.get_u32(st + kModeOff));
    sys.ret("  nlink", static_cast<int64_t>(sys.get_u64(st + kNlinkOff)));
    sys.ret("rmdir non-empty", sys.call(SYS_unlinkat, kCwd, p("a"), AT_REMOVEDIR));
    sys.ret("unlink a dir", sys.call(SYS_unlinkat, kCwd, p("a/b"), 0));
    int64_t f = open_at(sys, "a/f", O_CREAT | O_WRONLY, 0640);
    sys.ok("create a/f", f);
    sys.ret("rmdir a file", sys.call(SYS_unlinkat, kCwd, p("a/f"), AT_REMOVEDIR));
    sys.ret("rename a/f -> a/g", sys.call(SYS_renameat, kCwd, p("a/f"), kCwd, p("a/g")));
    sys.ret("stat a/f", sys.call(SYS_newfstatat, kCwd, p("a/f"), st, 0));
    sys.ret("stat a/g", sys.call(SYS_newfstatat, kCwd, p("a/g"), st, 0));
    sys.ret("  mode", sys.get_u32(st + kModeOff));
    sys.ret("rename dir over file", sys.call(SYS_renameat, kCwd, p("a/b"), kCwd, p("a/g")));
    sys.ret("rename file over dir", sys.call(SYS_renameat, kCwd, p("a/g"), kCwd, p("a/b")));
    sys.ret("rename dir into itself", sys.call(SYS_renameat, kCwd, p("a"), kCwd, p("a/b/c")));
    sys.ret("unlink a/g", sys.call(SYS_unlinkat, kCwd, p("a/g"), 0));
    sys.ret("unlink a/g again", sys.call(SYS_unlinkat, kCwd, p("a/g"), 0));
    sys.ret("fstat still open", sys.call(SYS_fstat, fd(f), st));
    sys.ret("  nlink", static_cast<int64_t>(sys.get_u64(st + kNlinkOff)));
    sys.ret("rmdir a/b", sys.call(SYS_unlinkat, kCwd, p("a/b"), AT_REMOVEDIR));
    sys.ret("rmdir a", sys.call(SYS_unlinkat, kCwd, p("a"), AT_REMOVEDIR));
    sys.ret("rmdir .", sys.call(SYS_unlinkat, kCwd, p("."), AT_REMOVEDIR));
    sys.ret("bad unlinkat flag", sys.call(SYS_unlinkat, kCwd, p("x"), 0x1));
    return 0;
}

DIFFTEST(Files, Pipes, SYS_pipe2, SYS_read, SYS_write, SYS_close) {
    uint64_t fds = sys.scratch(8);
    sys.ret("pipe2", sys.call(SYS_pipe2, fds, 0));
    uint64_t r = sys.get_u32(fds), w = sys.get_u32(fds + 4);
    sys.ret("read end", static_cast<int64_t>(r));
    sys.ret("write end", static_cast<int64_t>(w));
    sys.ret("pipe2 bad flags", sys.call(SYS_pipe2, fds, 0x1));
    sys.ret("pipe2 EFAULT", sys.call(SYS_pipe2, kBadPtr, 0));
    uint64_t msg = sys.put_string("ping");
    sys.ret("write", sys.call(SYS_write, w, msg, 4));
    uint64_t in = sys.scratch(16);
    sys.ret("read", sys.call(SYS_read, r, in, 16));
    char got[8] = {};
    sys.get(in, got, 4);
    sys.note("data", got);
    sys.ret("read from write end", sys.call(SYS_read, w, in, 1));
    sys.ret("write to read end", sys.call(SYS_write, r, msg, 1));
    sys.ret("write EFAULT", sys.call(SYS_write, w, kBadPtr, 4));
    sys.ret("lseek on pipe", sys.call(SYS_lseek, r, 0, SEEK_SET));
    sys.ret("close write end", sys.call(SYS_close, w));
    sys.ret("read at EOF", sys.call(SYS_read, r, in, 16));
    uint64_t fds2 = sys.scratch(8);
    sys.call(SYS_pipe2, fds2, O_NONBLOCK);
    sys.ret("nonblocking empty read", sys.call(SYS_read, sys.get_u32(fds2), in, 1));
    sys.ret("close read end", sys.call(SYS_close, sys.get_u32(fds2)));
    return 0;
}

DIFFTEST(Files, WriteWithoutReadersRaisesSigpipe, SYS_pipe2, SYS_write, SYS_close,
         SYS_rt_sigaction, SYS_kill) {
    uint64_t fds = sys.scratch(8);
    sys.ret("pipe2", sys.call(SYS_pipe2, fds, 0));
    sys.ret("close read end", sys.call(SYS_close, sys.get_u32(fds)));
    uint64_t msg = sys.put_string("ping");
    sys.ret("ignore SIGPIPE", sys.sigaction(SIGPIPE, 1));
    sys.ret("write (ignored)", sys.call(SYS_write, sys.get_u32(fds + 4), msg, 4));
    sys.ret("default SIGPIPE", sys.sigaction(SIGPIPE, 0));
    sys.note("writing", "to a pipe without readers");
    sys.ret("write", sys.call(SYS_write, sys.get_u32(fds + 4), msg, 4));  // SIGPIPE kills.
    return 0;
}
