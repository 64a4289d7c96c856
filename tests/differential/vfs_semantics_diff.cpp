// Differential: VFS semantics users hit — shared file mappings as the page cache (SIGBUS past
// EOF, truncate), epoll registrations ending with the file description (pipe EOF), the
// temporary signal mask of ppoll/epoll_pwait, FIFO opens, link counts, rename flags and
// getdents after unlink.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "difftest.h"

namespace {

using orrery::difftest::Sys;

constexpr uint64_t kCwd = static_cast<uint64_t>(AT_FDCWD);
constexpr uint64_t kStatSize = 144;
constexpr uint64_t kNlinkOff = 16, kSizeOff = 48;
constexpr uint64_t kPage = 4096;

int64_t open_at(Sys& sys, const char* path, uint64_t flags, uint64_t mode = 0) {
    return sys.call(SYS_openat, kCwd, sys.put_string(path), flags, mode);
}
uint64_t u(int64_t v) {
    return static_cast<uint64_t>(v);
}

// The wait status of a child that reads 8 bytes at `va`, as "exited N" / "signal N".
void touch_in_child(Sys& sys, const char* label, uint64_t va) {
    int64_t child = sys.fork([va](Sys& c) {
        (void)c.get_u64(va);
        return 0;
    });
    uint64_t st = sys.scratch(8);
    sys.call(SYS_wait4, u(child), st, 0, 0);
    uint32_t s = sys.get_u32(st);
    sys.ret(label, WIFSIGNALED(s) ? 1000 + WTERMSIG(s) : WEXITSTATUS(s));
}

int64_t nlink(Sys& sys, const char* path) {
    uint64_t st = sys.scratch(kStatSize);
    int64_t r = sys.call(SYS_newfstatat, kCwd, sys.put_string(path), st, 0);
    return r < 0 ? r : int64_t(sys.get_u64(st + kNlinkOff));
}

}  // namespace

DIFFTEST(VfsSemantics, SharedFileMappingIsThePageCache, SYS_mmap, SYS_msync, SYS_ftruncate,
         SYS_fork, SYS_wait4) {
    int64_t f = sys.ok("create", open_at(sys, "shared", O_CREAT | O_RDWR, 0644));
    char data[6144];
    for (size_t i = 0; i < sizeof data; ++i)
        data[i] = char('a' + i % 26);
    uint64_t buf = sys.scratch(sizeof data);
    sys.put(buf, data, sizeof data);
    sys.ret("write", sys.call(SYS_write, u(f), buf, sizeof data));
    int64_t m = sys.addr("mmap shared", sys.call(SYS_mmap, 0, 3 * kPage, PROT_READ | PROT_WRITE,
                                                 MAP_SHARED, u(f), 0));
    sys.put(u(m) + 10, "HELLO", 5);
    uint64_t in = sys.scratch(16);
    sys.ret("pread", sys.call(SYS_pread64, u(f), in, 5, 10));
    char got[8] = {};
    sys.get(in, got, 5);
    sys.note("  store reached the file", got);
    sys.ret("pwrite", sys.call(SYS_pwrite64, u(f), sys.put_string("WORLD"), 5, 4100));
    sys.get(u(m) + 4100, got, 5);
    sys.note("  file write reached the mapping", got);
    int64_t child = sys.fork([m](Sys& c) {
        c.put(u(m) + 20, "CHILD", 5);
        return 0;
    });
    sys.call(SYS_wait4, u(child), 0, 0, 0);
    sys.ret("pread child's store", sys.call(SYS_pread64, u(f), in, 5, 20));
    sys.get(in, got, 5);
    sys.note("  data", got);
    sys.ret("past EOF tail reads zero", int64_t(sys.get_u64(u(m) + 6144)));
    touch_in_child(sys, "page past EOF", u(m) + 2 * kPage);
    sys.ret("ftruncate 4096", sys.call(SYS_ftruncate, u(f), 4096));
    touch_in_child(sys, "cut page", u(m) + kPage);
    sys.ret("ftruncate 8192", sys.call(SYS_ftruncate, u(f), 8192));
    sys.ret("regrown page is zero", int64_t(sys.get_u64(u(m) + kPage)));
    sys.ret("msync", sys.call(SYS_msync, u(m), 2 * kPage, MS_SYNC));
    sys.ret("msync unaligned", sys.call(SYS_msync, u(m) + 1, kPage, MS_SYNC));
    sys.ret("msync SYNC|ASYNC", sys.call(SYS_msync, u(m), kPage, MS_SYNC | MS_ASYNC));
    sys.ret("munmap", sys.call(SYS_munmap, u(m), 3 * kPage));
    sys.ret("msync unmapped", sys.call(SYS_msync, u(m), kPage, MS_SYNC));
    int64_t ro = sys.ok("open O_RDONLY", open_at(sys, "shared", O_RDONLY));
    sys.ret("shared writable on O_RDONLY",
            sys.call(SYS_mmap, 0, kPage, PROT_READ | PROT_WRITE, MAP_SHARED, u(ro), 0));
    return 0;
}

DIFFTEST(VfsSemantics, EpollSeesPipeEofWhenTheLastWriterCloses, SYS_epoll_create1, SYS_epoll_ctl,
         SYS_epoll_wait, SYS_pipe2, SYS_dup) {
    uint64_t fds = sys.scratch(8);
    sys.ret("pipe2", sys.call(SYS_pipe2, fds, O_NONBLOCK));
    uint64_t r = sys.get_u32(fds), w = sys.get_u32(fds + 4);
    int64_t ep = sys.ok("epoll_create1", sys.call(SYS_epoll_create1, 0));
    uint64_t ev = sys.scratch(16);
    sys.put_u32(ev, EPOLLIN);
    sys.put_u64(ev + 4, 1);
    sys.ret("add reader", sys.call(SYS_epoll_ctl, u(ep), EPOLL_CTL_ADD, r, ev));
    sys.put_u32(ev, EPOLLOUT);
    sys.put_u64(ev + 4, 2);
    sys.ret("add writer", sys.call(SYS_epoll_ctl, u(ep), EPOLL_CTL_ADD, w, ev));
    uint64_t out = sys.scratch(4 * 12);
    sys.ret("wait: writable", sys.call(SYS_epoll_wait, u(ep), out, 4, 0));
    int64_t w2 = sys.ok("dup writer", sys.call(SYS_dup, w));
    sys.ret("close writer", sys.call(SYS_close, w));
    sys.ret("wait: dup keeps the writer", sys.call(SYS_epoll_wait, u(ep), out, 4, 0));
    sys.ret("close dup", sys.call(SYS_close, u(w2)));
    sys.ret("wait: EOF only", sys.call(SYS_epoll_wait, u(ep), out, 4, 0));
    sys.ret("  events", sys.get_u32(out));
    sys.ret("  data", int64_t(sys.get_u64(out + 4)));
    sys.ret("read at EOF", sys.call(SYS_read, r, sys.scratch(4), 4));
    return 0;
}

DIFFTEST(VfsSemantics, PpollTemporaryMaskLetsABlockedSignalIn, SYS_ppoll, SYS_epoll_pwait,
         SYS_rt_sigprocmask, SYS_kill) {
    uint64_t hits = sys.scratch(8);
    uint64_t seen = sys.scratch(8);
    uint64_t h = sys.handler([hits, seen](Sys& s, int) {
        s.call(SYS_rt_sigprocmask, SIG_BLOCK, 0, seen, 8);
        s.put_u64(hits, s.get_u64(hits) + 1);
    });
    sys.ret("sigaction", sys.sigaction(SIGUSR1, h));
    uint64_t mask = sys.scratch(8);
    sys.put_u64(mask, uint64_t{1} << (SIGUSR1 - 1));
    sys.ret("block USR1", sys.call(SYS_rt_sigprocmask, SIG_BLOCK, mask, 0, 8));
    uint64_t fds = sys.scratch(8);
    sys.ret("pipe2", sys.call(SYS_pipe2, fds, 0));
    uint64_t pfd = sys.scratch(8);
    sys.put_u32(pfd, sys.get_u32(fds));
    sys.put_u32(pfd + 4, POLLIN);
    uint64_t temp = sys.scratch(8);
    sys.put_u64(temp, uint64_t{1} << (SIGUSR2 - 1));
    uint64_t zero = sys.scratch(16);
    sys.ret("ppoll bad sigsetsize", sys.call(SYS_ppoll, pfd, 1, zero, temp, 4));
    sys.ret("ppoll no signal", sys.call(SYS_ppoll, pfd, 1, zero, temp, 8));
    sys.ret("kill self", sys.call(SYS_kill, u(sys.call(SYS_getpid)), SIGUSR1));
    sys.ret("ppoll keeps it blocked", sys.call(SYS_ppoll, pfd, 1, zero, 0, 8));
    sys.ret("  handler runs", int64_t(sys.get_u64(hits)));
    sys.ret("ppoll with the mask", sys.call(SYS_ppoll, pfd, 1, 0, temp, 8));
    sys.ret("  handler runs", int64_t(sys.get_u64(hits)));
    sys.ret("  mask in the handler", int64_t(sys.get_u64(seen)));
    uint64_t now = sys.scratch(8);
    sys.call(SYS_rt_sigprocmask, SIG_BLOCK, 0, now, 8);
    sys.ret("  mask after", int64_t(sys.get_u64(now)));
    int64_t ep = sys.ok("epoll_create1", sys.call(SYS_epoll_create1, 0));
    uint64_t out = sys.scratch(24);
    sys.ret("kill self", sys.call(SYS_kill, u(sys.call(SYS_getpid)), SIGUSR1));
    sys.ret("epoll_pwait with the mask", sys.call(SYS_epoll_pwait, u(ep), out, 2, -1, temp, 8));
    sys.ret("  handler runs", int64_t(sys.get_u64(hits)));
    sys.call(SYS_rt_sigprocmask, SIG_BLOCK, 0, now, 8);
    sys.ret("  mask after", int64_t(sys.get_u64(now)));
    return 0;
}

DIFFTEST(VfsSemantics, FifoOpenNonblock, SYS_mknodat, SYS_openat) {
    sys.ret("mkfifo", sys.call(SYS_mknodat, kCwd, sys.put_string("fifo"), S_IFIFO | 0644, 0));
    sys.ret("O_WRONLY|O_NONBLOCK, no reader", open_at(sys, "fifo", O_WRONLY | O_NONBLOCK));
    int64_t r = sys.ok("O_RDONLY|O_NONBLOCK", open_at(sys, "fifo", O_RDONLY | O_NONBLOCK));
    sys.ret("read, no writer", sys.call(SYS_read, u(r), sys.scratch(4), 4));
    int64_t w = sys.ok("O_WRONLY|O_NONBLOCK, reader", open_at(sys, "fifo", O_WRONLY | O_NONBLOCK));
    sys.ret("read, writer idle", sys.call(SYS_read, u(r), sys.scratch(4), 4));
    sys.ret("write", sys.call(SYS_write, u(w), sys.put_string("ab"), 2));
    sys.ret("read", sys.call(SYS_read, u(r), sys.scratch(4), 4));
    sys.ret("O_RDWR", open_at(sys, "fifo", O_RDWR) >= 0);
    return 0;
}

DIFFTEST(VfsSemantics, LinkCountsRenameFlagsAndGetdentsAfterUnlink, SYS_linkat, SYS_unlinkat,
         SYS_renameat2, SYS_getdents64) {
    int64_t f = sys.ok("create a", open_at(sys, "a", O_CREAT | O_RDWR, 0644));
    sys.ret("nlink a", nlink(sys, "a"));
    sys.ret("link a b",
            sys.call(SYS_linkat, kCwd, sys.put_string("a"), kCwd, sys.put_string("b"), 0));
    sys.ret("nlink a", nlink(sys, "a"));
    sys.ret("link to existing",
            sys.call(SYS_linkat, kCwd, sys.put_string("a"), kCwd, sys.put_string("b"), 0));
    sys.ret("mkdir d", sys.call(SYS_mkdirat, kCwd, sys.put_string("d"), 0755));
    sys.ret("nlink d", nlink(sys, "d"));
    sys.ret("mkdir d/e", sys.call(SYS_mkdirat, kCwd, sys.put_string("d/e"), 0755));
    sys.ret("nlink d", nlink(sys, "d"));
    sys.ret("link dir",
            sys.call(SYS_linkat, kCwd, sys.put_string("d"), kCwd, sys.put_string("d2"), 0));
    uint64_t a = sys.put_string("a"), b = sys.put_string("b"), c = sys.put_string("c");
    sys.ret("NOREPLACE onto existing", sys.call(SYS_renameat2, kCwd, a, kCwd, b, 1));
    sys.ret("NOREPLACE to new", sys.call(SYS_renameat2, kCwd, a, kCwd, c, 1));
    sys.ret("EXCHANGE with missing", sys.call(SYS_renameat2, kCwd, a, kCwd, c, 2));
    sys.ret("EXCHANGE c d", sys.call(SYS_renameat2, kCwd, c, kCwd, sys.put_string("d"), 2));
    sys.ret("nlink d (now the file)", nlink(sys, "d"));
    sys.ret("NOREPLACE|EXCHANGE", sys.call(SYS_renameat2, kCwd, c, kCwd, b, 3));
    sys.ret("unknown flag", sys.call(SYS_renameat2, kCwd, c, kCwd, b, 16));
    sys.ret("unlink b", sys.call(SYS_unlinkat, kCwd, b, 0));
    uint64_t st = sys.scratch(kStatSize);
    sys.ret("fstat open file", sys.call(SYS_fstat, u(f), st));
    sys.ret("  nlink", int64_t(sys.get_u64(st + kNlinkOff)));
    sys.ret("  size", int64_t(sys.get_u64(st + kSizeOff)));
    // getdents64 after unlinking an entry: it is not listed; count the names.
    sys.ret("mkdir x", sys.call(SYS_mkdirat, kCwd, sys.put_string("x"), 0755));
    sys.ok("create x/f1", open_at(sys, "x/f1", O_CREAT | O_RDWR, 0644));
    sys.ok("create x/f2", open_at(sys, "x/f2", O_CREAT | O_RDWR, 0644));
    int64_t dir = sys.ok("open x", open_at(sys, "x", O_RDONLY | O_DIRECTORY));
    sys.ret("unlink x/f1", sys.call(SYS_unlinkat, kCwd, sys.put_string("x/f1"), 0));
    sys.ret("rmdir non-empty x", sys.call(SYS_unlinkat, kCwd, sys.put_string("x"), AT_REMOVEDIR));
    uint64_t dents = sys.scratch(4096);
    int64_t n = sys.call(SYS_getdents64, u(dir), dents, 4096);
    int names = 0;
    for (int64_t off = 0; off < n;) {
        uint16_t reclen;
        sys.get(dents + uint64_t(off) + 16, &reclen, 2);
        ++names;
        off += reclen;
    }
    sys.ret("entries (., .., f2)", names);
    return 0;
}
