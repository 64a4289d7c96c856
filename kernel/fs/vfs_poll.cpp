// Readiness entry points: poll, eventfd2, epoll_create1/ctl/wait.
#include <kernel/abi/fcntl.h>
#include <kernel/fs/epoll.h>
#include <kernel/fs/eventfd.h>
#include <kernel/fs/poll_wait.h>
#include <kernel/fs/vfs_internal.h>

namespace kernel::fs::vfs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;

Result<int> poll(const Caller& c, std::span<abi::Pollfd> fds, uint64_t timeout_ns) {
    if (fds.size() > c.nofile_limit) return Error(EINVAL, "nfds over RLIMIT_NOFILE");
    ostd::Vector<PollRequest> reqs;
    TRY(reqs.reserve(fds.size()));
    for (const abi::Pollfd& p : fds) {
        PollRequest r;
        if (p.fd >= 0) {
            auto f = c.fds.get(p.fd);
            if (f.is_ok()) r.file = f.release_value();
            r.events = uint16_t(p.events);
        }
        MUST(reqs.push_back(std::move(r)));
    }
    // Negative fds: no file and no POLLNVAL; keep them out of the scan.
    ostd::Vector<size_t> live;
    ostd::Vector<PollRequest> scan;
    for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].fd < 0) continue;
        TRY(live.push_back(i));
        TRY(scan.push_back(std::move(reqs[i])));
    }
    int n = TRY(poll_files(scan.span(), timeout_ns));
    for (abi::Pollfd& p : fds)
        p.revents = 0;
    for (size_t j = 0; j < live.size(); ++j)
        fds[live[j]].revents = int16_t(scan[j].revents);
    return n;
}

Result<int> eventfd2(const Caller& c, uint32_t initval, uint32_t flags) {
    Ref<File> f = TRY(create_eventfd(initval, flags));
    return c.fds.install(std::move(f),
                         (flags & abi::open::kCloexec) ? CloseOnExec::kYes : CloseOnExec::kNo,
                         c.nofile_limit);
}

Result<int> epoll_create1(const Caller& c, uint32_t flags) {
    Ref<File> f = TRY(create_epoll(flags));
    return c.fds.install(std::move(f),
                         (flags & abi::epoll::kCloexec) ? CloseOnExec::kYes : CloseOnExec::kNo,
                         c.nofile_limit);
}

Result<void> epoll_ctl(const Caller& c, int epfd, int op, int fd, const abi::EpollEvent* event) {
    Ref<File> epf = TRY(c.fds.get(epfd));
    Ref<File> target = TRY(c.fds.get(fd));
    if (epfd == fd) return Error(EINVAL, "epoll_ctl on itself");
    EpollFile* ep = TRY(as_epoll(*epf));
    return fs::epoll_ctl(*ep, op, fd, std::move(target), event);
}

Result<int> epoll_wait(const Caller& c, int epfd, std::span<abi::EpollEvent> out,
                       uint64_t timeout_ns) {
    Ref<File> epf = TRY(c.fds.get(epfd));
    EpollFile* ep = TRY(as_epoll(*epf));
    return fs::epoll_wait(*ep, out, timeout_ns);
}

}  // namespace kernel::fs::vfs
