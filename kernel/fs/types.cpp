// File-type conversions, the inode clock and the namespace lock.
#include <kernel/abi/io.h>
#include <kernel/fs/types.h>
#include <kernel/time/clock.h>
#include <ostd/timer/timer.h>

namespace kernel::fs {

namespace m = abi::mode;

uint32_t type_bits(FileType type) {
    switch (type) {
        case FileType::kRegular:
            return m::kIfreg;
        case FileType::kDirectory:
            return m::kIfdir;
        case FileType::kSymlink:
            return m::kIflnk;
        case FileType::kCharDevice:
            return m::kIfchr;
        case FileType::kBlockDevice:
            return m::kIfblk;
        case FileType::kFifo:
            return m::kIfifo;
        case FileType::kSocket:
            return m::kIfsock;
    }
    return 0;
}

ostd::Result<FileType> type_from_mode(uint32_t mode) {
    switch (mode & m::kIfmt) {
        case m::kIfreg:
            return FileType::kRegular;
        case m::kIfdir:
            return FileType::kDirectory;
        case m::kIflnk:
            return FileType::kSymlink;
        case m::kIfchr:
            return FileType::kCharDevice;
        case m::kIfblk:
            return FileType::kBlockDevice;
        case m::kIfifo:
            return FileType::kFifo;
        case m::kIfsock:
            return FileType::kSocket;
        default:
            return ostd::Error(EINVAL, "unknown file type in mode");
    }
}

uint8_t dirent_type(FileType type) {
    switch (type) {
        case FileType::kRegular:
            return abi::dt::kReg;
        case FileType::kDirectory:
            return abi::dt::kDir;
        case FileType::kSymlink:
            return abi::dt::kLnk;
        case FileType::kCharDevice:
            return abi::dt::kChr;
        case FileType::kBlockDevice:
            return abi::dt::kBlk;
        case FileType::kFifo:
            return abi::dt::kFifo;
        case FileType::kSocket:
            return abi::dt::kSock;
    }
    return abi::dt::kUnknown;
}

abi::Timespec current_time() {
    uint64_t ns = realtime_ns();
    return {int64_t(ns / ostd::time::kNsPerSec), int64_t(ns % ostd::time::kNsPerSec)};
}

ostd::Mutex& tree_lock() {
    static ostd::Mutex lock;
    return lock;
}

}  // namespace kernel::fs
