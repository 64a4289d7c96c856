// Tasks: the unit of execution ostd schedules (a kernel thread; the kernel's processes and
// threads hang their data off data()). Refcounted; spawned with TaskOptions.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include <ostd/common/ref.h>
#include <ostd/mm/heap.h>
#include <ostd/common/result.h>
#include <ostd/sync/intrusive_list.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/task/preempt.h>

namespace ostd {

namespace hal {
struct Context;
}
namespace detail {
class Sched;
}

/// A set of CPUs, bit i = CPU i.
using CpuMask = uint64_t;
inline constexpr CpuMask kAllCpus = ~CpuMask{0};

/// Priorities 0 (least important) .. kPriorityLevels-1 (most important).
inline constexpr unsigned kPriorityLevels = 8;
inline constexpr uint8_t kDefaultPriority = 4;
inline constexpr size_t kDefaultStackSize = size_t{256} << 10;

enum class TaskState : uint8_t {
    kRunnable,  // Waiting for a CPU (on a run queue).
    kRunning,   // On a CPU.
    kBlocked,   // Sleeping until woken (or abandoned at power-off).
    kExited,    // Finished; exit_status() is valid.
};

/// Per-task fields reserved for the Scheduler implementation (guarded by the scheduler lock).
struct SchedEntity {
    Task* task = nullptr;     // The task containing this entity.
    ListNode link;            // Run-queue membership (replacement policies).
    SchedEntity* rq_next = nullptr;  // Run-queue link of the built-in per-CPU policy.
    uint32_t slice_left = 0;  // Ticks left in the current time slice.
    uint64_t user[2] = {};    // Free for other policies (vruntime, deadline, ...).
};

/// A task's body: any callable returning int. Small callables (up to kInline bytes, the usual
/// lambda capturing a few pointers) are stored in place; larger ones (a user thread's whole
/// register file) on the kernel heap. Not std::function: that puts captures larger than two
/// pointers on the global operator new, which is the host's allocator on the host backend
/// (outside the machine's RAM; under ASan a quarantined allocation with a recorded stack trace
/// per task) and a panicking allocation on bare metal. Here running out of kernel memory
/// leaves the entry empty and Task::spawn fails with ENOMEM.
class TaskEntry {
  public:
    static constexpr size_t kInline = 48;

    TaskEntry() = default;
    template <typename F>
        requires(!std::is_same_v<std::decay_t<F>, TaskEntry> && std::is_invocable_r_v<int, F&>)
    TaskEntry(F&& f) {  // NOLINT: implicit, so TaskOptions(lambda) reads naturally
        using T = std::decay_t<F>;
        if constexpr (sizeof(T) <= kInline && alignof(T) <= alignof(std::max_align_t) &&
                      std::is_nothrow_move_constructible_v<T>) {
            obj_ = new (buf_) T(std::forward<F>(f));
            relocate_ = [](void* to, void* from) {
                new (to) T(std::move(*static_cast<T*>(from)));
                static_cast<T*>(from)->~T();
            };
        } else {
            void* mem = heap::alloc(sizeof(T), alignof(T));
            if (!mem) {
                out_of_memory_ = true;
                return;
            }
            obj_ = new (mem) T(std::forward<F>(f));
        }
        call_ = [](void* o) -> int { return (*static_cast<T*>(o))(); };
        destroy_ = [](void* o) { static_cast<T*>(o)->~T(); };
    }
    TaskEntry(TaskEntry&& o) noexcept { take(o); }
    TaskEntry& operator=(TaskEntry&& o) noexcept {
        if (this != &o) {
            reset();
            take(o);
        }
        return *this;
    }
    TaskEntry(const TaskEntry&) = delete;
    TaskEntry& operator=(const TaskEntry&) = delete;
    ~TaskEntry() { reset(); }

    explicit operator bool() const { return obj_ != nullptr; }
    /// Empty because the kernel heap could not hold the callable.
    bool out_of_memory() const { return out_of_memory_; }
    int operator()() { return call_(obj_); }
    /// Destroys the callable (and what it captured) now.
    void reset() {
        void* o = std::exchange(obj_, nullptr);
        if (!o) return;
        destroy_(o);
        if (o != static_cast<void*>(buf_)) heap::free(o);
    }

  private:
    void take(TaskEntry& o) {
        call_ = o.call_;
        destroy_ = o.destroy_;
        relocate_ = o.relocate_;
        out_of_memory_ = o.out_of_memory_;
        void* from = std::exchange(o.obj_, nullptr);
        if (from == static_cast<void*>(o.buf_)) {
            relocate_(buf_, from);
            obj_ = buf_;
        } else {
            obj_ = from;
        }
    }

    alignas(std::max_align_t) unsigned char buf_[kInline];
    void* obj_ = nullptr;  // buf_ or a kernel-heap block
    int (*call_)(void*) = nullptr;
    void (*destroy_)(void*) = nullptr;
    void (*relocate_)(void* to, void* from) = nullptr;  // in-place callables only
    bool out_of_memory_ = false;
};

/// How to spawn a task. Builder style: TaskOptions(fn).name("x").priority(6).
class TaskOptions {
  public:
    /// The task body; its return value is the exit status. ENOMEM at spawn if it could not be
    /// stored.
    explicit TaskOptions(TaskEntry entry) : entry_(std::move(entry)) {}
    /// Convenience for bodies without a status (exit status 0).
    template <typename F>
        requires std::is_invocable_v<F&>
    static TaskOptions from_void(F&& body) {
        return TaskOptions(TaskEntry([b = std::forward<F>(body)]() mutable {
            b();
            return 0;
        }));
    }
    TaskOptions& name(const char* n) & {
        name_ = n;
        return *this;
    }
    TaskOptions&& name(const char* n) && {
        name_ = n;
        return std::move(*this);
    }
    TaskOptions& priority(uint8_t p) & {
        priority_ = p;
        return *this;
    }
    TaskOptions&& priority(uint8_t p) && {
        priority_ = p;
        return std::move(*this);
    }
    TaskOptions& affinity(CpuMask m) & {
        affinity_ = m;
        return *this;
    }
    TaskOptions&& affinity(CpuMask m) && {
        affinity_ = m;
        return std::move(*this);
    }
    TaskOptions& data(void* d) & {
        data_ = d;
        return *this;
    }
    TaskOptions&& data(void* d) && {
        data_ = d;
        return std::move(*this);
    }
    TaskOptions& stack_size(size_t s) & {
        stack_size_ = s;
        return *this;
    }
    TaskOptions&& stack_size(size_t s) && {
        stack_size_ = s;
        return std::move(*this);
    }

  private:
    friend class detail::Sched;
    TaskEntry entry_;
    const char* name_ = "task";
    uint8_t priority_ = kDefaultPriority;
    CpuMask affinity_ = kAllCpus;
    void* data_ = nullptr;
    size_t stack_size_ = kDefaultStackSize;
};

class Task;
/// A counted, non-null reference to a Task: the kernel's usual Ref<T> handle.
using TaskRef = Ref<Task>;
enum class EnqueueReason : uint8_t;

class Task {
  public:
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;

    /// Creates a runnable task. EINVAL: empty entry, priority >= kPriorityLevels, affinity names
    /// no CPU of this machine, or no machine running. ENOMEM: no memory for the task or stack.
    /// May be called from any task context (not under a SpinLock: it allocates).
    static Result<TaskRef> spawn(TaskOptions options);

    /// The running task. Precondition: called from a task (not an IRQ handler on an idle CPU).
    static Task& current();
    /// The running task, or nullptr outside a machine.
    static Task* current_or_null();

    /// Ends the current task with `status`; wakes joiners. Does not return.
    /// Precondition: no SpinLock held, preemption and IRQs enabled.
    [[noreturn]] static void exit(int status);

    /// Waits (uninterruptibly) until the task exited and returns its exit status.
    /// EDEADLK when a task joins itself.
    Result<int> join();

    /// Marks the task interrupted (the kernel's "signal pending") and wakes it if it sleeps in an
    /// interruptible wait, which then returns EINTR. The flag stays set until clear_interrupt().
    /// Callable from any context, including IRQ handlers.
    void interrupt();
    bool is_interrupted() const { return interrupted_.load(std::memory_order_acquire); }
    void clear_interrupt() { interrupted_.store(false, std::memory_order_release); }

    uint64_t id() const { return id_; }
    const char* name() const { return name_; }
    uint8_t priority() const { return priority_; }
    CpuMask affinity() const { return affinity_; }
    /// Opaque pointer owned by the kernel (its Thread object, say). Set at spawn.
    void* data() const { return data_; }
    TaskState state() const { return state_.load(std::memory_order_acquire); }
    /// Valid once state() == kExited.
    int exit_status() const { return exit_status_; }
    bool is_idle() const { return is_idle_; }

    /// For Scheduler implementations only, under the scheduler lock.
    SchedEntity& sched_entity() { return sched_; }

    /// Reference counting for Ref<Task> (TaskRef). The scheduler holds one reference from spawn
    /// until the task has exited and left its stack, so a running task is never freed.
    void ref() const { refs_.fetch_add(1, std::memory_order_relaxed); }
    void unref() const;

  private:
    friend class detail::Sched;
    Task() = default;
    ~Task();

    mutable std::atomic<uint32_t> refs_{1};
    uint64_t id_ = 0;
    const char* name_ = "task";
    uint8_t priority_ = kDefaultPriority;
    bool is_idle_ = false;
    CpuMask affinity_ = kAllCpus;
    void* data_ = nullptr;
    TaskEntry entry_;
    hal::Context* ctx_ = nullptr;  // Owned; freed when the task has exited and switched out.
    std::atomic<TaskState> state_{TaskState::kRunnable};
    bool wake_token_ = false;  // Guarded by the scheduler lock: an unpark() arrived early.
    unsigned last_cpu_ = 0;    // Guarded by the scheduler lock: the CPU it last blocked on.
    Task* inbox_next_ = nullptr;  // Link on a CPU's inbox (see detail::PerCpu::inbox).
    EnqueueReason inbox_reason_{};
    std::atomic<bool> interrupted_{false};
    std::atomic<bool> exited_{false};
    int exit_status_ = 0;
    WaitQueue join_waiters_;
    ListNode all_link_;  // On the registry of every task of the machine.
    SchedEntity sched_;
};

/// Convenience: Task::spawn(TaskOptions(fn).name(name)).
Result<TaskRef> spawn(TaskEntry entry, const char* name = "task");

/// Gives up the CPU to another runnable task of the same or higher priority, if any.
/// Precondition: preemption enabled (no SpinLock held).
void yield_now();

/// Sleeps at least `ns` nanoseconds of time::now(). Precondition: may sleep.
void sleep_for(uint64_t ns);
/// Like sleep_for(), but returns EINTR early if the task is (or gets) interrupted.
Result<void> sleep_for_interruptible(uint64_t ns);

}  // namespace ostd
