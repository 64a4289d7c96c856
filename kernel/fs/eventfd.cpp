// The eventfd counter.
#include <atomic>

#include <kernel/abi/fcntl.h>
#include <kernel/abi/io.h>
#include <kernel/fs/eventfd.h>
#include <ostd/sync/wait_queue.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
namespace pl = abi::poll;

namespace {

constexpr uint64_t kMax = ~uint64_t(0) - 1;
constexpr ostd::WaitOptions kIntr{.interruptible = ostd::Interruptible::kYes};

class EventFd final : public File {
public:
    EventFd(uint64_t init, uint32_t flags, bool sem)
        : File(nullptr, nullptr, abi::open::kRdwr | (flags & abi::open::kNonblock)),
          count_(init),
          semaphore_(sem) {}

    Result<size_t> read(ostd::VmWriter& out) override {
        if (out.remaining() < 8) return Error(EINVAL, "eventfd read needs 8 bytes");
        for (;;) {
            uint64_t got = 0;
            {
                ostd::MutexGuard g(lock_);
                uint64_t c = count_.load();
                if (c) {
                    got = semaphore_ ? 1 : c;
                    count_ = c - got;
                }
            }
            if (got) {
                TRY(out.write_val(got));
                write_wq_.wake_all();
                hub_.notify(pl::kOut);
                return size_t(8);
            }
            if (is_nonblocking()) return Error(EAGAIN);
            auto w = read_wq_.wait_until([this] { return count_.load() != 0; }, kIntr);
            if (w.is_error()) return Error(ERESTARTSYS);
        }
    }
    Result<size_t> write(ostd::VmReader& in) override {
        if (in.remaining() < 8) return Error(EINVAL, "eventfd write needs 8 bytes");
        uint64_t v = TRY(in.read_val<uint64_t>());
        if (v == ~uint64_t(0)) return Error(EINVAL, "eventfd value too large");
        for (;;) {
            {
                ostd::MutexGuard g(lock_);
                uint64_t c = count_.load();
                if (kMax - c >= v) {
                    count_ = c + v;
                    break;
                }
            }
            if (is_nonblocking()) return Error(EAGAIN);
            auto w = write_wq_.wait_until([this, v] { return kMax - count_.load() >= v; }, kIntr);
            if (w.is_error()) return Error(ERESTARTSYS);
        }
        read_wq_.wake_all();
        hub_.notify(pl::kIn);
        return size_t(8);
    }
    uint32_t poll_events() override {
        uint64_t c = count_.load();
        uint32_t ev = 0;
        if (c) ev |= pl::kIn | pl::kRdnorm;
        if (c < kMax) ev |= pl::kOut | pl::kWrnorm;
        return ev;
    }
    PollHub* poll_hub() override { return &hub_; }

private:
    ostd::Mutex lock_;  // serialises read-modify-write of count_
    std::atomic<uint64_t> count_;
    bool semaphore_;
    ostd::WaitQueue read_wq_, write_wq_;
    PollHub hub_;
};

}  // namespace

Result<Ref<File>> create_eventfd(uint64_t initval, uint32_t flags) {
    if (flags & ~(kEfdSemaphore | abi::open::kNonblock | abi::open::kCloexec))
        return Error(EINVAL, "bad eventfd flags");
    if (initval > 0xffffffffu) return Error(EINVAL);
    return Ref<File>(TRY(ostd::try_make_ref<EventFd>(initval, flags, flags & kEfdSemaphore)));
}

}  // namespace kernel::fs
