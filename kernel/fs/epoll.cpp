// epoll instances: interest list, readiness callbacks, the wait loop.
#include <array>
#include <atomic>

#include <kernel/abi/fcntl.h>
#include <kernel/fs/epoll.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/timer/timer.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
namespace ep = abi::epoll;

namespace {

/// Linux's epmutex: guards every File's watch list and the membership of items in instances,
/// so a file's release and an instance's ctl/release never race on an item. A namespace-scope
/// object, not a function-local static: that one was constructed by whichever machine first
/// used epoll, so the first such input of a process ran (and covered) code later ones did not
/// (found by FuzzReset.LongSequenceReplaysInAnyOrder).
ostd::Mutex g_registry_mutex;

ostd::Mutex& registry_mutex() {
    return g_registry_mutex;
}

struct Item {
    EpollFile* owner = nullptr;  // the instance; outlives the item (it owns it)
    int fd = -1;
    // Not counted: the file's release removes this item (under the registry mutex and the
    // owner's lock) before the file is destroyed, so it is valid while the item is listed.
    File* file = nullptr;
    EpollWatch watch;
    uint32_t events = 0;
    uint64_t data = 0;
    std::atomic<bool> edge{true};  // a notification arrived since the last report (EPOLLET)
    bool disabled = false;         // EPOLLONESHOT fired
    PollEntry entry;
};

}  // namespace

class EpollFile final : public File {
public:
    EpollFile() : File(nullptr, nullptr, abi::open::kRdwr) {}
    ~EpollFile() override {
        ostd::MutexGuard r(registry_mutex());
        ostd::MutexGuard g(lock_);
        for (auto& it : items_)
            detach_locked(*it);
    }

    /// Removes `it` (watching a file being released). Requires the registry mutex.
    void drop_item(Item& it) {
        ostd::MutexGuard g(lock_);
        for (size_t i = 0; i < items_.size(); ++i)
            if (items_[i].ptr() == &it) {
                detach_locked(it);
                items_.erase(i);
                break;
            }
        fired_ = true;
        wq_.wake_all();
    }

    Result<void> ctl(int op, int fd, Ref<File> target, const abi::EpollEvent* event) {
        if (target.ptr() == this) return Error(EINVAL, "epoll watching itself");
        if (op != ep::kCtlDel && !event) return Error(EFAULT);
        PollHub* hub = target->poll_hub();
        if (!hub) return Error(EPERM, "file does not support epoll");
        ostd::MutexGuard r(registry_mutex());
        ostd::MutexGuard g(lock_);
        size_t i = 0;
        for (; i < items_.size(); ++i)
            if (items_[i]->fd == fd && items_[i]->file == target.ptr()) break;
        bool found = i < items_.size();
        switch (op) {
            case ep::kCtlAdd: {
                if (found) return Error(EEXIST, "fd already registered");
                ostd::Box<Item> it = TRY(ostd::try_make_box<Item>());
                it->owner = this;
                it->fd = fd;
                it->file = target.ptr();
                it->watch.item = it.ptr();
                it->events = event->events;
                it->data = event->data;
                it->entry.fn = &on_event;
                it->entry.ctx = it.ptr();
                TRY(items_.reserve(items_.size() + 1));
                target->epoll_watches().push_back(it->watch);
                target->epoll_watch_count().fetch_add(1, std::memory_order_release);
                hub->subscribe(it->entry);
                MUST(items_.push_back(std::move(it)));
                break;
            }
            case ep::kCtlMod:
                if (!found) return Error(ENOENT, "fd not registered");
                if (event->events & ep::kExclusive) return Error(EINVAL, "EPOLLEXCLUSIVE with MOD");
                items_[i]->events = event->events;
                items_[i]->data = event->data;
                items_[i]->disabled = false;
                items_[i]->edge = true;
                break;
            case ep::kCtlDel:
                if (!found) return Error(ENOENT, "fd not registered");
                detach_locked(*items_[i]);
                items_.erase(i);
                break;
            default:
                return Error(EINVAL, "bad epoll_ctl op");
        }
        fired_ = true;
        wq_.wake_all();
        return ostd::ok();
    }

    Result<int> wait(std::span<abi::EpollEvent> out, uint64_t timeout_ns) {
        if (out.empty()) return Error(EINVAL, "maxevents must be positive");
        uint64_t deadline =
            timeout_ns == ostd::kNoTimeout ? ostd::kNoTimeout : ostd::time::now() + timeout_ns;
        for (;;) {
            fired_ = false;
            int n = scan(out);
            if (n) return n;
            uint64_t left = ostd::kNoTimeout;
            if (deadline != ostd::kNoTimeout) {
                uint64_t now = ostd::time::now();
                if (now >= deadline) return 0;
                left = deadline - now;
            }
            auto w =
                wq_.wait_until([this] { return fired_.load(); },
                               {.interruptible = ostd::Interruptible::kYes, .timeout_ns = left});
            if (w.is_error() && w.error().code() != ETIMEDOUT) return Error(EINTR);
        }
    }

    uint32_t poll_events() override {
        std::array<abi::EpollEvent, 1> probe;
        return peek(probe) ? uint32_t(abi::poll::kIn) : 0;
    }
    PollHub* poll_hub() override { return &hub_; }
    bool is_epoll() const override { return true; }

private:
    /// Unsubscribes `it` from its file's hub and its file's watch list. Requires the registry
    /// mutex and lock_.
    static void detach_locked(Item& it) {
        if (it.entry.hub) it.entry.hub->unsubscribe(it.entry);
        if (it.watch.link.is_linked()) {
            it.file->epoll_watches().remove(it.watch);
            it.file->epoll_watch_count().fetch_sub(1, std::memory_order_release);
        }
    }

    static void on_event(PollEntry& e, uint32_t) {
        auto* it = static_cast<Item*>(e.ctx);
        it->edge = true;
        it->owner->fired_ = true;
        it->owner->wq_.wake_all();
        it->owner->hub_.notify(uint32_t(abi::poll::kIn));
    }

    /// Ready events without consuming edges or oneshots (for polling the epoll fd itself).
    int peek(std::span<abi::EpollEvent> out) {
        ostd::MutexGuard g(lock_);
        int n = 0;
        for (auto& it : items_) {
            if (size_t(n) == out.size()) break;
            if (it->disabled) continue;
            uint32_t ev = it->file->poll_events() & (it->events | ep::kErr | ep::kHup);
            if (ev && (!(it->events & ep::kEt) || it->edge)) ++n;
        }
        return n;
    }

    int scan(std::span<abi::EpollEvent> out) {
        ostd::MutexGuard g(lock_);
        int n = 0;
        for (auto& it : items_) {
            if (size_t(n) == out.size()) break;
            if (it->disabled) continue;
            bool et = it->events & ep::kEt;
            if (et && !it->edge.load()) continue;
            uint32_t ev = it->file->poll_events() & (it->events | ep::kErr | ep::kHup);
            if (!ev) continue;
            if (et) it->edge = false;
            if (it->events & ep::kOneshot) it->disabled = true;
            out[size_t(n)] = abi::EpollEvent{ev, it->data};
            ++n;
        }
        return n;
    }

    ostd::Mutex lock_;
    ostd::Vector<ostd::Box<Item>> items_;  // guarded by lock_
    std::atomic<bool> fired_{false};
    ostd::WaitQueue wq_;
    PollHub hub_;
};

Result<Ref<File>> create_epoll(uint32_t flags) {
    if (flags & ~ep::kCloexec) return Error(EINVAL, "bad epoll_create1 flags");
    return Ref<File>(TRY(ostd::try_make_ref<EpollFile>()));
}

Result<EpollFile*> as_epoll(File& f) {
    return f.is_epoll() ? Result<EpollFile*>(static_cast<EpollFile*>(&f))
                        : Result<EpollFile*>(Error(EINVAL, "not an epoll file"));
}

Result<void> epoll_ctl(EpollFile& e, int op, int fd, Ref<File> target,
                       const abi::EpollEvent* event) {
    return e.ctl(op, fd, std::move(target), event);
}

void epoll_release_file(const File& f) {
    ostd::MutexGuard r(registry_mutex());
    while (EpollWatch* w = f.epoll_watches().front()) {
        auto* it = static_cast<Item*>(w->item);
        // The owner is alive: its release takes the registry mutex before touching its items.
        it->owner->drop_item(*it);
    }
}

Result<int> epoll_wait(EpollFile& e, std::span<abi::EpollEvent> out, uint64_t timeout_ns) {
    return e.wait(out, timeout_ns);
}

}  // namespace kernel::fs
