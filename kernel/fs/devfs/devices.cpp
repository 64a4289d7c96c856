// The device registry and the built-in character devices: null, zero, full, random, urandom,
// tty and console.
#include <atomic>

#include <kernel/abi/io.h>
#include <kernel/fs/devfs/char_device.h>
#include <kernel/fs/devfs/prng.h>
#include <kernel/fs/special.h>
#include <ostd/common/log.h>
#include <ostd/sync/spinlock.h>
#include <ostd/task/preempt.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;

namespace devfs {
namespace {

struct Registration {
    uint32_t major, minor;
    CharOpenFn open;
    void* ctx;
};
constexpr size_t kMaxDevices = 64;
ostd::SpinLock g_lock;
Registration g_devices[kMaxDevices] ORRERY_GUARDED_BY(g_lock);
size_t g_count ORRERY_GUARDED_BY(g_lock) = 0;
std::atomic<TtyDriver*> g_console{nullptr};

constexpr uint32_t kAllIo =
    uint32_t(abi::poll::kIn | abi::poll::kOut | abi::poll::kRdnorm | abi::poll::kWrnorm);

/// Devices with a fixed behaviour and no state: every read/write goes through these hooks.
class MemDevice final : public File {
public:
    enum class Kind { kNull, kZero, kFull, kRandom };
    MemDevice(const Path& p, uint32_t flags, Kind kind)
        : File(&p, p.dentry->inode_ref(), flags), kind_(kind) {}

    Result<size_t> read(ostd::VmWriter& out) override { return pread(out, 0); }
    Result<size_t> pread(ostd::VmWriter& out, uint64_t) override {
        switch (kind_) {
            case Kind::kNull:
                return size_t(0);
            case Kind::kZero:
            case Kind::kFull:
                return out.fill_zero(out.remaining());
            case Kind::kRandom: {
                size_t done = 0;
                std::byte chunk[256];
                while (out.remaining()) {
                    size_t n = out.remaining() < sizeof chunk ? out.remaining() : sizeof chunk;
                    random_bytes({chunk, n});
                    auto r = out.write({chunk, n});
                    if (r.is_error()) return done ? Result<size_t>(done) : r;
                    done += n;
                }
                return done;
            }
        }
        return size_t(0);
    }
    Result<size_t> write(ostd::VmReader& in) override { return pwrite(in, 0); }
    Result<size_t> pwrite(ostd::VmReader& in, uint64_t) override {
        if (kind_ == Kind::kFull) return Error(ENOSPC, "/dev/full");
        size_t n = in.remaining();
        in.skip(n);  // discarded (random: would mix entropy in)
        return n;
    }
    Result<int64_t> seek(int64_t, int) override { return 0; }
    uint32_t poll_events() override { return kAllIo; }

private:
    Kind kind_;
};

template <MemDevice::Kind K>
Result<Ref<File>> open_mem(const Path& p, uint32_t flags, void*) {
    return Ref<File>(TRY(ostd::try_make_ref<MemDevice>(p, flags, K)));
}

/// The console when no terminal driver is installed: output to the machine console, input at
/// end-of-file.
class DefaultConsole final : public TtyDriver {
public:
    Result<size_t> read(ostd::VmWriter&, bool) override { return size_t(0); }
    Result<size_t> write(ostd::VmReader& in) override {
        size_t done = 0;
        char buf[256];
        while (in.remaining()) {
            ostd::preempt_point();  // a write may be gigabytes (sendfile): a long kernel loop
            size_t n = in.remaining() < sizeof buf ? in.remaining() : sizeof buf;
            auto r = in.read(std::as_writable_bytes(std::span<char>(buf, n)));
            if (r.is_error()) return done ? Result<size_t>(done) : Result<size_t>(r.error());
            ostd::console_write(buf, n);
            done += n;
        }
        return done;
    }
    Result<int64_t> ioctl(uint32_t, uint64_t, IoctlIo&) override { return Error(ENOTTY); }
    uint32_t poll_events() override { return kAllIo; }
    PollHub* poll_hub() override { return nullptr; }
};
DefaultConsole g_default_console;

TtyDriver& console() {
    TtyDriver* d = g_console.load(std::memory_order_acquire);
    return d ? *d : g_default_console;
}

class ConsoleFile final : public File {
public:
    ConsoleFile(const Path& p, uint32_t flags) : File(&p, p.dentry->inode_ref(), flags) {}
    Result<size_t> read(ostd::VmWriter& out) override {
        return console().read(out, is_nonblocking());
    }
    Result<size_t> write(ostd::VmReader& in) override { return console().write(in); }
    Result<int64_t> ioctl(uint32_t cmd, uint64_t arg, IoctlIo& io) override {
        return console().ioctl(cmd, arg, io);
    }
    uint32_t poll_events() override { return console().poll_events(); }
    PollHub* poll_hub() override { return console().poll_hub(); }
};

template <uint32_t Major, uint32_t Minor>
Result<Ref<File>> open_console(const Path& p, uint32_t flags, void*) {
    TRY(console().open(Major, Minor, flags));
    return Ref<File>(TRY(ostd::try_make_ref<ConsoleFile>(p, flags)));
}

}  // namespace

Result<void> register_char_device(uint32_t major, uint32_t minor, CharOpenFn open, void* ctx) {
    ostd::SpinLockGuard g(g_lock);
    for (size_t i = 0; i < g_count; ++i) {
        if (g_devices[i].major == major && g_devices[i].minor == minor) {
            g_devices[i].open = open;
            g_devices[i].ctx = ctx;
            return ostd::ok();
        }
    }
    if (g_count == kMaxDevices) return Error(ENOSPC, "device table full");
    g_devices[g_count++] = Registration{major, minor, open, ctx};
    return ostd::ok();
}

void unregister_char_device(uint32_t major, uint32_t minor) {
    ostd::SpinLockGuard g(g_lock);
    for (size_t i = 0; i < g_count; ++i) {
        if (g_devices[i].major == major && g_devices[i].minor == minor) {
            g_devices[i] = g_devices[--g_count];
            return;
        }
    }
}

void set_console_driver(TtyDriver* driver) {
    g_console.store(driver, std::memory_order_release);
}

Result<void> register_builtin_devices() {
    using K = MemDevice::Kind;
    TRY(register_char_device(1, 3, &open_mem<K::kNull>, nullptr));
    TRY(register_char_device(1, 5, &open_mem<K::kZero>, nullptr));
    TRY(register_char_device(1, 7, &open_mem<K::kFull>, nullptr));
    TRY(register_char_device(1, 8, &open_mem<K::kRandom>, nullptr));
    TRY(register_char_device(1, 9, &open_mem<K::kRandom>, nullptr));
    TRY(register_char_device(5, 0, &open_console<5, 0>, nullptr));
    TRY(register_char_device(5, 1, &open_console<5, 1>, nullptr));
    TRY(register_char_device(4, 64, &open_console<4, 64>, nullptr));
    return ostd::ok();
}

}  // namespace devfs

Result<Ref<File>> open_char_device(uint64_t rdev, const Path& path, uint32_t flags) {
    devfs::CharOpenFn fn = nullptr;
    void* ctx = nullptr;
    {
        ostd::SpinLockGuard g(devfs::g_lock);
        for (size_t i = 0; i < devfs::g_count; ++i) {
            if (make_dev(devfs::g_devices[i].major, devfs::g_devices[i].minor) == rdev) {
                fn = devfs::g_devices[i].open;
                ctx = devfs::g_devices[i].ctx;
            }
        }
    }
    if (!fn) return Error(ENXIO, "no driver for this device number");
    return fn(path, flags, ctx);
}

}  // namespace kernel::fs
