// Pipes and FIFOs (pipe(7), fifo(7)): a ring buffer with reader/writer counts. Writes of at
// most PIPE_BUF bytes are atomic; blocking waits are interruptible (ERESTARTSYS, which the
// syscall layer turns into EINTR or a restart); a write with no readers fails with EPIPE (the
// syscall layer then raises SIGPIPE). Locking: Pipe::lock_ (a Mutex, held across user copies)
// then the wait queues and poll hub.
#pragma once

#include <atomic>

#include <kernel/fs/file.h>
#include <ostd/ktl/vector.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/wait_queue.h>

namespace kernel::fs {

inline constexpr size_t kPipeBuf = 4096;           // PIPE_BUF
inline constexpr size_t kPipeDefaultSize = 65536;  // 16 pages, as Linux
inline constexpr size_t kPipeMaxSize = 1048576;    // /proc/sys/fs/pipe-max-size

class Pipe : public ostd::RefCounted<Pipe> {
public:
    static ostd::Result<ostd::Ref<Pipe>> create();

    /// Reads up to out.remaining() bytes. 0 at EOF (no writers). EAGAIN (nonblocking, empty),
    /// ERESTARTSYS (interrupted before any byte), EFAULT.
    ostd::Result<size_t> read(ostd::VmWriter& out, bool nonblock);
    /// Writes all of `in` (blocking) or what fits (nonblocking). EPIPE without readers, EAGAIN,
    /// ERESTARTSYS (interrupted before any byte; later interruptions return the partial count).
    ostd::Result<size_t> write(ostd::VmReader& in, bool nonblock);
    /// Readiness for a reader or a writer end.
    uint32_t poll_events(bool reader);
    PollHub& hub() { return hub_; }
    size_t bytes_available() const { return count_.load(); }
    size_t capacity() const { return capacity_.load(); }
    /// F_SETPIPE_SZ: rounds up to a power-of-two number of pages. EBUSY if the data would not
    /// fit, EPERM above kPipeMaxSize, ENOMEM. Returns the new size.
    ostd::Result<size_t> resize(size_t size);

    // Open-end bookkeeping (pipe ends and FIFO opens).
    void add_reader();
    void add_writer();
    void drop_reader();
    void drop_writer();
    /// FIFO open rendezvous: waits until a writer (reader) has opened since `seen`.
    ostd::Result<void> wait_for_writer(uint64_t seen);
    ostd::Result<void> wait_for_reader(uint64_t seen);
    uint64_t writer_opens() const { return w_opens_.load(); }
    uint64_t reader_opens() const { return r_opens_.load(); }
    int readers() const { return readers_.load(); }
    int writers() const { return writers_.load(); }

private:
    Pipe() = default;
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);
    void wake_all_sides();

    ostd::Mutex lock_;
    ostd::Vector<std::byte> buf_ ORRERY_GUARDED_BY(lock_);
    size_t head_ ORRERY_GUARDED_BY(lock_) = 0;  // index of the oldest byte
    std::atomic<size_t> count_{0};              // written under lock_, read anywhere
    std::atomic<size_t> capacity_{0};
    std::atomic<int> readers_{0}, writers_{0};
    std::atomic<uint64_t> r_opens_{0}, w_opens_{0};
    ostd::WaitQueue read_wq_, write_wq_, open_wq_;
    PollHub hub_;
};

/// The two ends of a new pipe, for pipe2(2). `flags`: O_NONBLOCK, O_CLOEXEC (the latter is the
/// caller's business), O_DIRECT (accepted, packet mode not implemented).
struct PipeEnds {
    ostd::Ref<File> read;
    ostd::Ref<File> write;
};
ostd::Result<PipeEnds> create_pipe(uint32_t flags);

}  // namespace kernel::fs
