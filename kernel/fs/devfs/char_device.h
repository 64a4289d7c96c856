// Character-device registry: drivers register an open function for a (major, minor); opening a
// device node of that number calls it. Also the pluggable console/tty driver hook (the tty line
// discipline plugs in here later) and the built-in memory devices.
#pragma once

#include <cstdint>

#include <kernel/fs/file.h>

namespace kernel::fs::devfs {

using CharOpenFn = ostd::Result<ostd::Ref<File>> (*)(const Path& path, uint32_t flags, void* ctx);

/// Registers (or replaces) the driver for (major, minor). ENOSPC when the table is full.
/// `ctx` must outlive the registration.
ostd::Result<void> register_char_device(uint32_t major, uint32_t minor, CharOpenFn open, void* ctx);
void unregister_char_device(uint32_t major, uint32_t minor);

/// What a terminal driver supplies for /dev/console, /dev/tty and /dev/ttyS0. Methods run in
/// task context.
class TtyDriver {
public:
    /// One of the driver's nodes, (major, minor), is being opened with open(2) `flags`: the
    /// place to check /dev/tty's controlling terminal (ENXIO) and to acquire one.
    virtual ostd::Result<void> open(uint32_t major, uint32_t minor, uint32_t flags) {
        (void)major, (void)minor, (void)flags;
        return ostd::ok();
    }
    virtual ostd::Result<size_t> read(ostd::VmWriter& out, bool nonblock) = 0;
    virtual ostd::Result<size_t> write(ostd::VmReader& in) = 0;
    virtual ostd::Result<int64_t> ioctl(uint32_t cmd, uint64_t arg, IoctlIo& io) = 0;
    virtual uint32_t poll_events() = 0;
    virtual PollHub* poll_hub() = 0;

protected:
    ~TtyDriver() = default;
};

/// Installs the console driver (nullptr: the default, which writes to ostd::console_write and
/// reads end-of-file). The driver must outlive its installation.
void set_console_driver(TtyDriver* driver);

/// Registers null (1,3), zero (1,5), full (1,7), random (1,8), urandom (1,9), tty (5,0),
/// console (5,1) and ttyS0 (4,64), the last three served by the console driver. Idempotent.
ostd::Result<void> register_builtin_devices();

}  // namespace kernel::fs::devfs
