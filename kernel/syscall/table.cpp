// The syscall table rows, expanded from syscalls.def at compile time, plus a dense number index.
#include <kernel/syscall/table.h>

#include <array>

#include <ostd/common/panic.h>

namespace kernel::syscall {
namespace {

using enum ArgKind;

constexpr SyscallInfo kRows[] = {
#define ORRERY_SYSCALL(nr, name, handler, status, ...) \
    {nr, #name, SyscallStatus::k##status, {__VA_ARGS__}},
#include <kernel/syscall/syscalls.def>
#undef ORRERY_SYSCALL
};

constexpr size_t kRowCount = sizeof(kRows) / sizeof(kRows[0]);
constexpr int kMaxNr = kRows[kRowCount - 1].nr;

constexpr bool rows_strictly_ascending() {
    for (size_t i = 1; i < kRowCount; ++i)
        if (kRows[i].nr <= kRows[i - 1].nr) return false;
    return kRows[0].nr >= 0;
}
static_assert(rows_strictly_ascending(), "syscalls.def must list numbers once, in order");

// Number -> row index, -1 for gaps.
constexpr auto kIndex = [] {
    std::array<int16_t, kMaxNr + 1> index{};
    for (auto& slot : index)
        slot = -1;
    for (size_t i = 0; i < kRowCount; ++i)
        index[kRows[i].nr] = static_cast<int16_t>(i);
    return index;
}();

bool same_name(const char* a, const char* b) {
    while (*a && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

}  // namespace

int max_syscall_nr() {
    return kMaxNr;
}

size_t syscall_count() {
    return kRowCount;
}

const SyscallInfo& syscall_at(size_t i) {
    if (i >= kRowCount) ostd::panic("syscall_at(%zu): table has %zu rows", i, kRowCount);
    return kRows[i];
}

const SyscallInfo* find_syscall(int64_t nr) {
    if (nr < 0 || nr > kMaxNr) return nullptr;
    int16_t i = kIndex[static_cast<size_t>(nr)];
    return i < 0 ? nullptr : &kRows[i];
}

const SyscallInfo* find_syscall(const char* name) {
    if (!name) return nullptr;
    for (const auto& row : kRows)
        if (same_name(row.name, name)) return &row;
    return nullptr;
}

const char* status_name(SyscallStatus status) {
    switch (status) {
        case SyscallStatus::kEnosys:
            return "enosys";
        case SyscallStatus::kPartial:
            return "partial";
        case SyscallStatus::kImplemented:
            return "implemented";
    }
    return "?";
}

StatusCounts status_counts() {
    StatusCounts counts;
    for (const auto& row : kRows) {
        switch (row.status) {
            case SyscallStatus::kEnosys:
                ++counts.enosys;
                break;
            case SyscallStatus::kPartial:
                ++counts.partial;
                break;
            case SyscallStatus::kImplemented:
                ++counts.implemented;
                break;
        }
    }
    return counts;
}

const char* arg_kind_name(ArgKind kind) {
    switch (kind) {
        case None:
            return "None";
        case Int:
            return "Int";
        case Uint:
            return "Uint";
        case Hex:
            return "Hex";
        case Fd:
            return "Fd";
        case DirFd:
            return "DirFd";
        case Ptr:
            return "Ptr";
        case PtrIn:
            return "PtrIn";
        case PtrOut:
            return "PtrOut";
        case BufIn:
            return "BufIn";
        case Path:
            return "Path";
        case Str:
            return "Str";
        case Size:
            return "Size";
        case Off:
            return "Off";
        case OpenFlags:
            return "OpenFlags";
        case Mode:
            return "Mode";
        case Prot:
            return "Prot";
        case MmapFlags:
            return "MmapFlags";
        case CloneFlags:
            return "CloneFlags";
        case Signal:
            return "Signal";
        case Pid:
            return "Pid";
        case Whence:
            return "Whence";
        case FcntlCmd:
            return "FcntlCmd";
        case AtFlags:
            return "AtFlags";
        case ClockId:
            return "ClockId";
        case Ioctl:
            return "Ioctl";
        case Uid:
            return "Uid";
        case WaitOptions:
            return "WaitOptions";
        case FutexOp:
            return "FutexOp";
        case SigHow:
            return "SigHow";
        case SigsetIn:
            return "SigsetIn";
        case SigactionIn:
            return "SigactionIn";
        case TimespecIn:
            return "TimespecIn";
        case Argv:
            return "Argv";
    }
    return "?";
}

}  // namespace kernel::syscall
