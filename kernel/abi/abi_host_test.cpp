// kernel::abi against the host's glibc headers: struct sizes and field offsets where glibc's
// type has the kernel's layout, and every constant against the host macro of the same name.
#include <dirent.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include <cstddef>

#include <gtest/gtest.h>

#include <kernel/abi/fcntl.h>
#include <kernel/abi/futex.h>
#include <kernel/abi/io.h>
#include <kernel/abi/mman.h>
#include <kernel/abi/resource.h>
#include <kernel/abi/sched.h>
#include <kernel/abi/sigframe.h>
#include <kernel/abi/signal.h>
#include <kernel/abi/socket.h>
#include <kernel/abi/stat.h>
#include <kernel/abi/time.h>
#include <kernel/abi/tty.h>

// Inside namespace kernel, `abi` names kernel::abi (the global ::abi is libstdc++'s cxxabi alias).
namespace kernel {
namespace {

#define EXPECT_SAME_SIZE(ours, host) EXPECT_EQ(sizeof(ours), sizeof(host)) << #ours
#define EXPECT_SAME_OFFSET(ours, ofield, host, hfield) \
    EXPECT_EQ(offsetof(ours, ofield), offsetof(host, hfield)) << #ours "." #ofield

TEST(AbiLayout, FileStatusStructsMatchGlibc) {
    EXPECT_SAME_SIZE(abi::Stat, struct stat);
    EXPECT_SAME_OFFSET(abi::Stat, st_ino, struct stat, st_ino);
    EXPECT_SAME_OFFSET(abi::Stat, st_nlink, struct stat, st_nlink);
    EXPECT_SAME_OFFSET(abi::Stat, st_mode, struct stat, st_mode);
    EXPECT_SAME_OFFSET(abi::Stat, st_uid, struct stat, st_uid);
    EXPECT_SAME_OFFSET(abi::Stat, st_rdev, struct stat, st_rdev);
    EXPECT_SAME_OFFSET(abi::Stat, st_size, struct stat, st_size);
    EXPECT_SAME_OFFSET(abi::Stat, st_blksize, struct stat, st_blksize);
    EXPECT_SAME_OFFSET(abi::Stat, st_blocks, struct stat, st_blocks);
    EXPECT_SAME_OFFSET(abi::Stat, st_atim, struct stat, st_atim);
    EXPECT_SAME_OFFSET(abi::Stat, st_mtim, struct stat, st_mtim);
    EXPECT_SAME_OFFSET(abi::Stat, st_ctim, struct stat, st_ctim);

    EXPECT_SAME_SIZE(abi::Statx, struct statx);
    EXPECT_SAME_SIZE(abi::StatxTimestamp, struct statx_timestamp);
    EXPECT_SAME_OFFSET(abi::Statx, stx_mode, struct statx, stx_mode);
    EXPECT_SAME_OFFSET(abi::Statx, stx_ino, struct statx, stx_ino);
    EXPECT_SAME_OFFSET(abi::Statx, stx_size, struct statx, stx_size);
    EXPECT_SAME_OFFSET(abi::Statx, stx_atime, struct statx, stx_atime);
    EXPECT_SAME_OFFSET(abi::Statx, stx_btime, struct statx, stx_btime);
    EXPECT_SAME_OFFSET(abi::Statx, stx_mtime, struct statx, stx_mtime);
    EXPECT_SAME_OFFSET(abi::Statx, stx_rdev_major, struct statx, stx_rdev_major);
    EXPECT_SAME_OFFSET(abi::Statx, stx_dev_minor, struct statx, stx_dev_minor);

    EXPECT_SAME_SIZE(abi::Statfs, struct statfs);
    EXPECT_SAME_OFFSET(abi::Statfs, f_bsize, struct statfs, f_bsize);
    EXPECT_SAME_OFFSET(abi::Statfs, f_ffree, struct statfs, f_ffree);
    EXPECT_SAME_OFFSET(abi::Statfs, f_fsid, struct statfs, f_fsid);
    EXPECT_SAME_OFFSET(abi::Statfs, f_namelen, struct statfs, f_namelen);
    EXPECT_SAME_OFFSET(abi::Statfs, f_flags, struct statfs, f_flags);

    EXPECT_SAME_OFFSET(abi::LinuxDirent64, d_off, struct dirent64, d_off);
    EXPECT_SAME_OFFSET(abi::LinuxDirent64, d_reclen, struct dirent64, d_reclen);
    EXPECT_SAME_OFFSET(abi::LinuxDirent64, d_type, struct dirent64, d_type);
    EXPECT_EQ(abi::kDirentNameOffset, offsetof(struct dirent64, d_name));
    EXPECT_SAME_SIZE(abi::Flock, struct flock);
    EXPECT_SAME_OFFSET(abi::Flock, l_start, struct flock, l_start);
    EXPECT_SAME_OFFSET(abi::Flock, l_pid, struct flock, l_pid);
}

TEST(AbiLayout, TimeAndResourceStructsMatchGlibc) {
    EXPECT_SAME_SIZE(abi::Timespec, struct timespec);
    EXPECT_SAME_OFFSET(abi::Timespec, tv_nsec, struct timespec, tv_nsec);
    EXPECT_SAME_SIZE(abi::Timeval, struct timeval);
    EXPECT_SAME_OFFSET(abi::Timeval, tv_usec, struct timeval, tv_usec);
    EXPECT_SAME_SIZE(abi::Timezone, struct timezone);
    EXPECT_SAME_SIZE(abi::Itimerval, struct itimerval);
    EXPECT_SAME_OFFSET(abi::Itimerval, it_value, struct itimerval, it_value);
    EXPECT_SAME_SIZE(abi::Itimerspec, struct itimerspec);
    EXPECT_SAME_OFFSET(abi::Itimerspec, it_value, struct itimerspec, it_value);
    EXPECT_SAME_SIZE(abi::Tms, struct tms);
    EXPECT_SAME_OFFSET(abi::Tms, tms_cstime, struct tms, tms_cstime);
    EXPECT_SAME_SIZE(abi::Rlimit, struct rlimit);
    EXPECT_SAME_SIZE(abi::Rusage, struct rusage);
    EXPECT_SAME_OFFSET(abi::Rusage, ru_stime, struct rusage, ru_stime);
    EXPECT_SAME_OFFSET(abi::Rusage, ru_maxrss, struct rusage, ru_maxrss);
    EXPECT_SAME_OFFSET(abi::Rusage, ru_nivcsw, struct rusage, ru_nivcsw);
    EXPECT_SAME_SIZE(abi::Sysinfo, struct sysinfo);
    EXPECT_SAME_OFFSET(abi::Sysinfo, loads, struct sysinfo, loads);
    EXPECT_SAME_OFFSET(abi::Sysinfo, freeswap, struct sysinfo, freeswap);
    EXPECT_SAME_OFFSET(abi::Sysinfo, procs, struct sysinfo, procs);
    EXPECT_SAME_OFFSET(abi::Sysinfo, totalhigh, struct sysinfo, totalhigh);
    EXPECT_SAME_OFFSET(abi::Sysinfo, mem_unit, struct sysinfo, mem_unit);
    EXPECT_SAME_SIZE(abi::Utsname, struct utsname);
    EXPECT_SAME_OFFSET(abi::Utsname, machine, struct utsname, machine);
    EXPECT_SAME_OFFSET(abi::Utsname, domainname, struct utsname, domainname);
}

TEST(AbiLayout, IoStructsMatchGlibc) {
    EXPECT_SAME_SIZE(abi::Iovec, struct iovec);
    EXPECT_SAME_OFFSET(abi::Iovec, iov_len, struct iovec, iov_len);
    EXPECT_SAME_SIZE(abi::Pollfd, struct pollfd);
    EXPECT_SAME_OFFSET(abi::Pollfd, events, struct pollfd, events);
    EXPECT_SAME_OFFSET(abi::Pollfd, revents, struct pollfd, revents);
    EXPECT_SAME_SIZE(abi::EpollEvent, struct epoll_event);
    EXPECT_SAME_OFFSET(abi::EpollEvent, data, struct epoll_event, data);
    EXPECT_EQ(abi::kIovMax, IOV_MAX);
}

TEST(AbiLayout, SignalStructsMatchGlibc) {
    EXPECT_SAME_SIZE(abi::SigInfo, siginfo_t);
    EXPECT_SAME_OFFSET(abi::SigInfo, si_errno, siginfo_t, si_errno);
    EXPECT_SAME_OFFSET(abi::SigInfo, si_code, siginfo_t, si_code);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.kill.pid, siginfo_t, si_pid);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.kill.uid, siginfo_t, si_uid);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.kill.value, siginfo_t, si_value);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.child.status, siginfo_t, si_status);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.child.utime, siginfo_t, si_utime);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.child.stime, siginfo_t, si_stime);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.fault.addr, siginfo_t, si_addr);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.fault.addr_lsb, siginfo_t, si_addr_lsb);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.timer.overrun, siginfo_t, si_overrun);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.poll.band, siginfo_t, si_band);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.poll.fd, siginfo_t, si_fd);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.sys.call_addr, siginfo_t, si_call_addr);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.sys.syscall, siginfo_t, si_syscall);
    EXPECT_SAME_OFFSET(abi::SigInfo, fields.sys.arch, siginfo_t, si_arch);
    EXPECT_SAME_SIZE(abi::StackT, stack_t);
    EXPECT_SAME_OFFSET(abi::StackT, ss_flags, stack_t, ss_flags);
    EXPECT_SAME_OFFSET(abi::StackT, ss_size, stack_t, ss_size);
    // glibc's struct sigcontext is the kernel's; its ucontext_t is not (it adds FP state).
    EXPECT_SAME_SIZE(abi::Sigcontext, struct sigcontext);
    EXPECT_SAME_OFFSET(abi::Sigcontext, rdi, struct sigcontext, rdi);
    EXPECT_SAME_OFFSET(abi::Sigcontext, rip, struct sigcontext, rip);
    EXPECT_SAME_OFFSET(abi::Sigcontext, cs, struct sigcontext, cs);
    EXPECT_SAME_OFFSET(abi::Sigcontext, err, struct sigcontext, err);
    EXPECT_SAME_OFFSET(abi::Sigcontext, oldmask, struct sigcontext, oldmask);
    EXPECT_SAME_OFFSET(abi::Sigcontext, cr2, struct sigcontext, cr2);
    EXPECT_SAME_OFFSET(abi::Sigcontext, fpstate, struct sigcontext, fpstate);
    EXPECT_SAME_OFFSET(abi::Ucontext, uc_mcontext, ucontext_t, uc_mcontext);
}

TEST(AbiLayout, SocketAddressesMatchGlibc) {
    EXPECT_SAME_SIZE(abi::Sockaddr, struct sockaddr);
    EXPECT_SAME_SIZE(abi::SockaddrUn, struct sockaddr_un);
    EXPECT_SAME_OFFSET(abi::SockaddrUn, sun_path, struct sockaddr_un, sun_path);
    EXPECT_SAME_SIZE(abi::SockaddrIn, struct sockaddr_in);
    EXPECT_SAME_OFFSET(abi::SockaddrIn, sin_port, struct sockaddr_in, sin_port);
    EXPECT_SAME_OFFSET(abi::SockaddrIn, sin_addr, struct sockaddr_in, sin_addr);
    EXPECT_SAME_SIZE(abi::SockaddrIn6, struct sockaddr_in6);
    EXPECT_SAME_OFFSET(abi::SockaddrIn6, sin6_flowinfo, struct sockaddr_in6, sin6_flowinfo);
    EXPECT_SAME_OFFSET(abi::SockaddrIn6, sin6_addr, struct sockaddr_in6, sin6_addr);
    EXPECT_SAME_OFFSET(abi::SockaddrIn6, sin6_scope_id, struct sockaddr_in6, sin6_scope_id);
    EXPECT_SAME_SIZE(abi::SockaddrStorage, struct sockaddr_storage);
    EXPECT_EQ(alignof(abi::SockaddrStorage), alignof(struct sockaddr_storage));
    EXPECT_SAME_SIZE(abi::Msghdr, struct msghdr);
    EXPECT_SAME_OFFSET(abi::Msghdr, msg_namelen, struct msghdr, msg_namelen);
    EXPECT_SAME_OFFSET(abi::Msghdr, msg_iov, struct msghdr, msg_iov);
    EXPECT_SAME_OFFSET(abi::Msghdr, msg_iovlen, struct msghdr, msg_iovlen);
    EXPECT_SAME_OFFSET(abi::Msghdr, msg_control, struct msghdr, msg_control);
    EXPECT_SAME_OFFSET(abi::Msghdr, msg_controllen, struct msghdr, msg_controllen);
    EXPECT_SAME_OFFSET(abi::Msghdr, msg_flags, struct msghdr, msg_flags);
    EXPECT_SAME_SIZE(abi::Mmsghdr, struct mmsghdr);
    EXPECT_SAME_OFFSET(abi::Mmsghdr, msg_len, struct mmsghdr, msg_len);
    EXPECT_SAME_SIZE(abi::Cmsghdr, struct cmsghdr);
    EXPECT_SAME_OFFSET(abi::Cmsghdr, cmsg_level, struct cmsghdr, cmsg_level);
    EXPECT_SAME_OFFSET(abi::Cmsghdr, cmsg_type, struct cmsghdr, cmsg_type);
    EXPECT_EQ(abi::cmsg_align(sizeof(abi::Cmsghdr)) + abi::cmsg_align(4), CMSG_SPACE(4));
    EXPECT_EQ(abi::kCmsgDataOffset + 4, CMSG_LEN(4));
    EXPECT_SAME_SIZE(abi::Ucred, struct ucred);
    EXPECT_EQ(abi::scm::kRights, SCM_RIGHTS);
    EXPECT_EQ(abi::scm::kCredentials, SCM_CREDENTIALS);
    EXPECT_EQ(abi::msg::kPeek, static_cast<uint32_t>(MSG_PEEK));
    EXPECT_EQ(abi::msg::kTrunc, static_cast<uint32_t>(MSG_TRUNC));
    EXPECT_EQ(abi::msg::kDontwait, static_cast<uint32_t>(MSG_DONTWAIT));
    EXPECT_EQ(abi::msg::kWaitall, static_cast<uint32_t>(MSG_WAITALL));
    EXPECT_EQ(abi::msg::kNosignal, static_cast<uint32_t>(MSG_NOSIGNAL));
    EXPECT_EQ(abi::msg::kCmsgCloexec, static_cast<uint32_t>(MSG_CMSG_CLOEXEC));
    EXPECT_EQ(abi::shut::kRdwr, SHUT_RDWR);
    EXPECT_EQ(abi::af::kUnix, AF_UNIX);
    EXPECT_EQ(abi::af::kInet, AF_INET);
    EXPECT_EQ(abi::af::kInet6, AF_INET6);
    EXPECT_EQ(abi::af::kNetlink, AF_NETLINK);
    EXPECT_EQ(abi::af::kPacket, AF_PACKET);
    EXPECT_EQ(abi::sock::kStream, SOCK_STREAM);
    EXPECT_EQ(abi::sock::kDgram, SOCK_DGRAM);
    EXPECT_EQ(abi::sock::kSeqpacket, SOCK_SEQPACKET);
    EXPECT_EQ(abi::sock::kNonblock, SOCK_NONBLOCK);
    EXPECT_EQ(abi::sock::kCloexec, SOCK_CLOEXEC);
    EXPECT_EQ(abi::sock::kSolSocket, SOL_SOCKET);
}

TEST(AbiConstants, OpenAtFcntlMatchHost) {
    EXPECT_EQ(abi::open::kWronly, O_WRONLY);
    EXPECT_EQ(abi::open::kRdwr, O_RDWR);
    EXPECT_EQ(abi::open::kCreat, O_CREAT);
    EXPECT_EQ(abi::open::kExcl, O_EXCL);
    EXPECT_EQ(abi::open::kNoctty, O_NOCTTY);
    EXPECT_EQ(abi::open::kTrunc, O_TRUNC);
    EXPECT_EQ(abi::open::kAppend, O_APPEND);
    EXPECT_EQ(abi::open::kNonblock, O_NONBLOCK);
    EXPECT_EQ(abi::open::kDsync, O_DSYNC);
    EXPECT_EQ(abi::open::kAsync, O_ASYNC);
    EXPECT_EQ(abi::open::kDirect, O_DIRECT);
    EXPECT_EQ(abi::open::kDirectory, O_DIRECTORY);
    EXPECT_EQ(abi::open::kNofollow, O_NOFOLLOW);
    EXPECT_EQ(abi::open::kNoatime, O_NOATIME);
    EXPECT_EQ(abi::open::kCloexec, O_CLOEXEC);
    EXPECT_EQ(abi::open::kSync, O_SYNC);
    EXPECT_EQ(abi::open::kPath, O_PATH);
    EXPECT_EQ(abi::open::kTmpfile, O_TMPFILE);
    EXPECT_EQ(abi::at::kFdcwd, AT_FDCWD);
    EXPECT_EQ(abi::at::kSymlinkNofollow, AT_SYMLINK_NOFOLLOW);
    EXPECT_EQ(abi::at::kRemovedir, AT_REMOVEDIR);
    EXPECT_EQ(abi::at::kEaccess, AT_EACCESS);
    EXPECT_EQ(abi::at::kSymlinkFollow, AT_SYMLINK_FOLLOW);
    EXPECT_EQ(abi::at::kNoAutomount, AT_NO_AUTOMOUNT);
    EXPECT_EQ(abi::at::kEmptyPath, AT_EMPTY_PATH);
    EXPECT_EQ(abi::at::kStatxForceSync, AT_STATX_FORCE_SYNC);
    EXPECT_EQ(abi::at::kStatxDontSync, AT_STATX_DONT_SYNC);
    EXPECT_EQ(abi::fcntl::kDupfd, F_DUPFD);
    EXPECT_EQ(abi::fcntl::kSetfl, F_SETFL);
    EXPECT_EQ(abi::fcntl::kSetlkw, F_SETLKW);
    EXPECT_EQ(abi::fcntl::kGetownEx, F_GETOWN_EX);
    EXPECT_EQ(abi::fcntl::kOfdSetlkw, F_OFD_SETLKW);
    EXPECT_EQ(abi::fcntl::kDupfdCloexec, F_DUPFD_CLOEXEC);
    EXPECT_EQ(abi::fcntl::kGetpipeSz, F_GETPIPE_SZ);
    EXPECT_EQ(abi::fcntl::kGetSeals, F_GET_SEALS);
    EXPECT_EQ(abi::fcntl::kFdCloexec, FD_CLOEXEC);
    EXPECT_EQ(abi::fcntl::kUnlck, F_UNLCK);
    EXPECT_EQ(abi::seek::kEnd, SEEK_END);
    EXPECT_EQ(abi::seek::kData, SEEK_DATA);
    EXPECT_EQ(abi::seek::kHole, SEEK_HOLE);
    EXPECT_EQ(abi::access::kRok, R_OK);
    EXPECT_EQ(abi::access::kXok, X_OK);
    EXPECT_EQ(abi::mode::kIfmt, S_IFMT);
    EXPECT_EQ(abi::mode::kIfsock, S_IFSOCK);
    EXPECT_EQ(abi::mode::kIflnk, S_IFLNK);
    EXPECT_EQ(abi::mode::kIfdir, S_IFDIR);
    EXPECT_EQ(abi::mode::kIsvtx, S_ISVTX);
    EXPECT_EQ(abi::statx_mask::kBasicStats, STATX_BASIC_STATS);
    EXPECT_EQ(abi::statx_mask::kBtime, STATX_BTIME);
    EXPECT_EQ(abi::dt::kReg, DT_REG);
    EXPECT_EQ(abi::dt::kLnk, DT_LNK);
    EXPECT_EQ(abi::dt::kSock, DT_SOCK);
}

TEST(AbiConstants, MemoryAndProcessMatchHost) {
    EXPECT_EQ(abi::prot::kRead, PROT_READ);
    EXPECT_EQ(abi::prot::kExec, PROT_EXEC);
    EXPECT_EQ(abi::prot::kGrowsdown, PROT_GROWSDOWN);
    EXPECT_EQ(abi::map::kShared, MAP_SHARED);
    EXPECT_EQ(abi::map::kSharedValidate, MAP_SHARED_VALIDATE);
    EXPECT_EQ(abi::map::kFixed, MAP_FIXED);
    EXPECT_EQ(abi::map::kAnonymous, MAP_ANONYMOUS);
    EXPECT_EQ(abi::map::k32Bit, MAP_32BIT);
    EXPECT_EQ(abi::map::kGrowsdown, MAP_GROWSDOWN);
    EXPECT_EQ(abi::map::kNoreserve, MAP_NORESERVE);
    EXPECT_EQ(abi::map::kPopulate, MAP_POPULATE);
    EXPECT_EQ(abi::map::kStack, MAP_STACK);
    EXPECT_EQ(abi::map::kHugetlb, MAP_HUGETLB);
    EXPECT_EQ(abi::map::kSync, MAP_SYNC);
    EXPECT_EQ(abi::map::kFixedNoreplace, MAP_FIXED_NOREPLACE);
    EXPECT_EQ(abi::map::kFailed, reinterpret_cast<uint64_t>(MAP_FAILED));
    EXPECT_EQ(abi::mremap::kMaymove, MREMAP_MAYMOVE);
    EXPECT_EQ(abi::mremap::kDontunmap, MREMAP_DONTUNMAP);
    EXPECT_EQ(abi::msync::kInvalidate, MS_INVALIDATE);
    EXPECT_EQ(abi::madv::kDontneed, MADV_DONTNEED);
    EXPECT_EQ(abi::madv::kFree, MADV_FREE);
    EXPECT_EQ(abi::clone::kVm, CLONE_VM);
    EXPECT_EQ(abi::clone::kSighand, CLONE_SIGHAND);
    EXPECT_EQ(abi::clone::kPidfd, CLONE_PIDFD);
    EXPECT_EQ(abi::clone::kThread, CLONE_THREAD);
    EXPECT_EQ(abi::clone::kSettls, CLONE_SETTLS);
    EXPECT_EQ(abi::clone::kChildCleartid, CLONE_CHILD_CLEARTID);
    EXPECT_EQ(abi::clone::kChildSettid, CLONE_CHILD_SETTID);
    EXPECT_EQ(abi::clone::kNewcgroup, CLONE_NEWCGROUP);
    EXPECT_EQ(abi::clone::kNewpid, CLONE_NEWPID);
    EXPECT_EQ(abi::clone::kNewnet, CLONE_NEWNET);
    EXPECT_EQ(abi::clone::kIo, static_cast<uint64_t>(CLONE_IO));
    EXPECT_EQ(abi::clone::kNewtime, CLONE_NEWTIME);
    EXPECT_EQ(abi::wait::kNohang, WNOHANG);
    EXPECT_EQ(abi::wait::kUntraced, WUNTRACED);
    EXPECT_EQ(abi::wait::kExited, WEXITED);
    EXPECT_EQ(abi::wait::kContinued, WCONTINUED);
    EXPECT_EQ(abi::wait::kNowait, WNOWAIT);
    EXPECT_EQ(abi::wait::kAll, __WALL);
    EXPECT_EQ(abi::wait::kClone, static_cast<uint32_t>(__WCLONE));
    EXPECT_EQ(abi::idtype::kPgid, P_PGID);
    EXPECT_EQ(abi::idtype::kPidfd, P_PIDFD);
    EXPECT_EQ(abi::rlimit::kNofile, RLIMIT_NOFILE);
    EXPECT_EQ(abi::rlimit::kAs, RLIMIT_AS);
    EXPECT_EQ(abi::rlimit::kRttime, RLIMIT_RTTIME);
    EXPECT_EQ(abi::rlimit::kNlimits, RLIMIT_NLIMITS);
    EXPECT_EQ(abi::rlimit::kInfinity, RLIM_INFINITY);
    EXPECT_EQ(abi::rusage::kChildren, RUSAGE_CHILDREN);
    EXPECT_EQ(abi::rusage::kThread, RUSAGE_THREAD);
    EXPECT_EQ(abi::clock::kMonotonic, CLOCK_MONOTONIC);
    EXPECT_EQ(abi::clock::kMonotonicRaw, CLOCK_MONOTONIC_RAW);
    EXPECT_EQ(abi::clock::kBoottime, CLOCK_BOOTTIME);
    EXPECT_EQ(abi::clock::kTai, CLOCK_TAI);
    EXPECT_EQ(abi::clock::kTimerAbstime, TIMER_ABSTIME);
    EXPECT_EQ(abi::itimer::kProf, ITIMER_PROF);
    EXPECT_EQ(abi::futex::kWaitBitset, FUTEX_WAIT_BITSET);
    EXPECT_EQ(abi::futex::kCmpRequeuePi, FUTEX_CMP_REQUEUE_PI);
    EXPECT_EQ(abi::futex::kPrivateFlag, FUTEX_PRIVATE_FLAG);
    EXPECT_EQ(abi::futex::kClockRealtime, FUTEX_CLOCK_REALTIME);
    EXPECT_EQ(abi::futex::kWaiters, static_cast<uint32_t>(FUTEX_WAITERS));
    EXPECT_EQ(abi::futex::kTidMask, static_cast<uint32_t>(FUTEX_TID_MASK));
}

TEST(AbiConstants, SignalsMatchHost) {
    const int ours[] = {abi::sig::kHup,  abi::sig::kInt,    abi::sig::kQuit, abi::sig::kIll,
                        abi::sig::kTrap, abi::sig::kAbrt,   abi::sig::kBus,  abi::sig::kFpe,
                        abi::sig::kKill, abi::sig::kUsr1,   abi::sig::kSegv, abi::sig::kUsr2,
                        abi::sig::kPipe, abi::sig::kAlrm,   abi::sig::kTerm, abi::sig::kStkflt,
                        abi::sig::kChld, abi::sig::kCont,   abi::sig::kStop, abi::sig::kTstp,
                        abi::sig::kTtin, abi::sig::kTtou,   abi::sig::kUrg,  abi::sig::kXcpu,
                        abi::sig::kXfsz, abi::sig::kVtalrm, abi::sig::kProf, abi::sig::kWinch,
                        abi::sig::kIo,   abi::sig::kPwr,    abi::sig::kSys};
    const int host[] = {SIGHUP,  SIGINT,    SIGQUIT, SIGILL,   SIGTRAP, SIGABRT, SIGBUS,  SIGFPE,
                        SIGKILL, SIGUSR1,   SIGSEGV, SIGUSR2,  SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT,
                        SIGCHLD, SIGCONT,   SIGSTOP, SIGTSTP,  SIGTTIN, SIGTTOU, SIGURG,  SIGXCPU,
                        SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGIO,   SIGPWR,  SIGSYS};
    static_assert(sizeof(ours) == sizeof(host));
    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); ++i)
        EXPECT_EQ(ours[i], host[i]) << i;
    EXPECT_EQ(abi::sig::kNsig, _NSIG - 1);  // glibc's _NSIG counts signal 0
    EXPECT_LE(abi::sig::kRtmin, SIGRTMIN);  // glibc reserves the first realtime signals
    EXPECT_EQ(abi::sig::kRtmax, SIGRTMAX);
    EXPECT_EQ(abi::sig::kBlock, SIG_BLOCK);
    EXPECT_EQ(abi::sig::kSetmask, SIG_SETMASK);
    EXPECT_EQ(abi::sa::kNocldstop, static_cast<uint64_t>(SA_NOCLDSTOP));
    EXPECT_EQ(abi::sa::kNocldwait, static_cast<uint64_t>(SA_NOCLDWAIT));
    EXPECT_EQ(abi::sa::kSiginfo, static_cast<uint64_t>(SA_SIGINFO));
    EXPECT_EQ(abi::sa::kOnstack, static_cast<uint64_t>(SA_ONSTACK));
    EXPECT_EQ(abi::sa::kRestart, static_cast<uint64_t>(SA_RESTART));
    EXPECT_EQ(abi::sa::kNodefer, static_cast<uint64_t>(SA_NODEFER));
    EXPECT_EQ(abi::sa::kResethand, static_cast<uint64_t>(static_cast<uint32_t>(SA_RESETHAND)));
    EXPECT_EQ(abi::si::kUser, SI_USER);
    EXPECT_EQ(abi::si::kKernel, SI_KERNEL);
    EXPECT_EQ(abi::si::kQueue, SI_QUEUE);
    EXPECT_EQ(abi::si::kTkill, SI_TKILL);
    EXPECT_EQ(abi::si::kCldExited, CLD_EXITED);
    EXPECT_EQ(abi::si::kCldContinued, CLD_CONTINUED);
    EXPECT_EQ(abi::si::kSegvAccerr, SEGV_ACCERR);
    EXPECT_EQ(abi::si::kBusAdrerr, BUS_ADRERR);
    EXPECT_EQ(abi::ss::kOnstack, SS_ONSTACK);
    EXPECT_EQ(abi::ss::kDisable, SS_DISABLE);
}

TEST(AbiConstants, PollEpollTtyMatchHost) {
    EXPECT_EQ(abi::poll::kIn, POLLIN);
    EXPECT_EQ(abi::poll::kOut, POLLOUT);
    EXPECT_EQ(abi::poll::kNval, POLLNVAL);
    EXPECT_EQ(abi::poll::kRdhup, POLLRDHUP);
    EXPECT_EQ(abi::epoll::kRdhup, static_cast<uint32_t>(EPOLLRDHUP));
    EXPECT_EQ(abi::epoll::kExclusive, static_cast<uint32_t>(EPOLLEXCLUSIVE));
    EXPECT_EQ(abi::epoll::kOneshot, static_cast<uint32_t>(EPOLLONESHOT));
    EXPECT_EQ(abi::epoll::kEt, static_cast<uint32_t>(EPOLLET));
    EXPECT_EQ(abi::epoll::kCtlMod, EPOLL_CTL_MOD);
    EXPECT_EQ(abi::epoll::kCloexec, static_cast<uint32_t>(EPOLL_CLOEXEC));
    EXPECT_SAME_SIZE(abi::Winsize, struct winsize);
    EXPECT_EQ(abi::ioctl::kTcgets, static_cast<uint32_t>(TCGETS));
    EXPECT_EQ(abi::ioctl::kTcsetsf, static_cast<uint32_t>(TCSETSF));
    EXPECT_EQ(abi::ioctl::kTiocgwinsz, static_cast<uint32_t>(TIOCGWINSZ));
    EXPECT_EQ(abi::ioctl::kTiocswinsz, static_cast<uint32_t>(TIOCSWINSZ));
    EXPECT_EQ(abi::ioctl::kTiocspgrp, static_cast<uint32_t>(TIOCSPGRP));
    EXPECT_EQ(abi::ioctl::kTiocsctty, static_cast<uint32_t>(TIOCSCTTY));
    EXPECT_EQ(abi::ioctl::kFionread, static_cast<uint32_t>(FIONREAD));
    EXPECT_EQ(abi::ioctl::kFionbio, static_cast<uint32_t>(FIONBIO));
    EXPECT_EQ(abi::ioctl::kTiocgptn, static_cast<uint32_t>(TIOCGPTN));
    EXPECT_EQ(abi::ioctl::kTiocsptlck, static_cast<uint32_t>(TIOCSPTLCK));
    EXPECT_EQ(abi::ioctl::kFioclex, static_cast<uint32_t>(FIOCLEX));
}

}  // namespace
}  // namespace kernel
