// Ownership handles for kernel objects: intrusive refcounting (RefCounted<T>, Ref<T> non-null,
// RefPtr<T> nullable) and unique ownership (Box<T>), all allocated on the kernel heap.
#pragma once

#include <atomic>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include <ostd/common/panic.h>
#include <ostd/common/result.h>
#include <ostd/mm/heap.h>

namespace ostd {

template <typename T>
class Ref;
template <typename T>
class RefPtr;

/// Intrusive, atomic reference count. T derives from RefCounted<T> and is created only through
/// try_make_ref<T>() (or a static create() calling it): objects are deleted on the kernel heap
/// when the count drops to zero. Counting a stack or member object is a bug.
/// If T declares `void on_last_unref() const`, it runs when the count has reached zero, just
/// before deletion, with the object still whole (taking a new reference then panics): the place
/// to detach it from structures that point at it without counting (weak registrations).
template <typename T>
class RefCounted : public HeapObject {
public:
    RefCounted(const RefCounted&) = delete;
    RefCounted& operator=(const RefCounted&) = delete;

    void ref() const {
        uint32_t old = refs_.fetch_add(1, std::memory_order_relaxed);
        ORRERY_ASSERT(old > 0, "reference taken on a dead object");
    }
    void unref() const {
        uint32_t old = refs_.fetch_sub(1, std::memory_order_acq_rel);
        if (old == 0) panic("refcount underflow on object %p", static_cast<const void*>(this));
        if (old == 1) {
            if constexpr (requires(const T& t) { t.on_last_unref(); })
                static_cast<const T*>(this)->on_last_unref();
            delete static_cast<const T*>(this);
        }
    }
    uint32_t ref_count() const { return refs_.load(std::memory_order_relaxed); }

protected:
    RefCounted() = default;
    ~RefCounted() = default;

private:
    mutable std::atomic<uint32_t> refs_{1};
};

/// A non-null counted reference. Copy = ref++, destruction = ref--. After a move the source is
/// empty and may only be destroyed or assigned. T is a RefCounted<T>, or provides ref()/unref()
/// itself when its last reference needs more than a delete (ostd's Task).
template <typename T>
class Ref {
public:
    /// Takes a new reference to a live object.
    explicit Ref(T& obj) : p_(&obj) { p_->ref(); }
    /// Adopts the creation reference of a freshly constructed object.
    static Ref adopt(T* fresh) { return Ref(fresh, AdoptTag{}); }

    Ref(const Ref& o) : p_(o.p_) { p_->ref(); }
    Ref(Ref&& o) : p_(std::exchange(o.p_, nullptr)) {}
    template <typename U>
        requires std::is_convertible_v<U*, T*>
    Ref(const Ref<U>& o) : p_(o.ptr()) {
        p_->ref();
    }
    template <typename U>
        requires std::is_convertible_v<U*, T*>
    Ref(Ref<U>&& o) : p_(o.leak_ref()) {}
    Ref& operator=(Ref o) {
        std::swap(p_, o.p_);
        return *this;
    }
    ~Ref() {
        if (p_) p_->unref();
    }

    T* operator->() const { return checked(); }
    T& operator*() const { return *checked(); }
    T* ptr() const { return checked(); }
    /// Releases ownership of the reference to the caller (pair with adopt()).
    T* leak_ref() { return std::exchange(p_, nullptr); }

private:
    struct AdoptTag {};
    Ref(T* p, AdoptTag) : p_(p) {}
    T* checked() const {
        ORRERY_ASSERT(p_ != nullptr, "use of a moved-from Ref");
        return p_;
    }
    T* p_;
};

/// A nullable counted reference.
template <typename T>
class RefPtr {
public:
    RefPtr() = default;
    RefPtr(std::nullptr_t) {}
    template <typename U>
        requires std::is_convertible_v<U*, T*>
    RefPtr(const Ref<U>& r) : p_(r.ptr()) {
        p_->ref();
    }
    template <typename U>
        requires std::is_convertible_v<U*, T*>
    RefPtr(Ref<U>&& r) : p_(r.leak_ref()) {}
    RefPtr(const RefPtr& o) : p_(o.p_) {
        if (p_) p_->ref();
    }
    RefPtr(RefPtr&& o) : p_(std::exchange(o.p_, nullptr)) {}
    RefPtr& operator=(RefPtr o) {
        std::swap(p_, o.p_);
        return *this;
    }
    ~RefPtr() {
        if (p_) p_->unref();
    }

    explicit operator bool() const { return p_ != nullptr; }
    bool is_null() const { return p_ == nullptr; }
    T* ptr() const { return p_; }
    /// Precondition: non-null (panics otherwise).
    T* operator->() const { return checked(); }
    T& operator*() const { return *checked(); }
    /// A Ref to the object. Precondition: non-null.
    Ref<T> to_ref() const { return Ref<T>(*checked()); }
    void clear() { RefPtr().swap_with(*this); }

private:
    void swap_with(RefPtr& o) { std::swap(p_, o.p_); }
    T* checked() const {
        ORRERY_ASSERT(p_ != nullptr, "dereference of a null RefPtr");
        return p_;
    }
    T* p_ = nullptr;
};

/// Creates a T on the kernel heap. ENOMEM on exhaustion.
template <typename T, typename... Args>
Result<Ref<T>> try_make_ref(Args&&... args) {
    static_assert(std::is_base_of_v<HeapObject, T>, "T must derive from RefCounted<T or a base>");
    T* p = new (std::nothrow) T(std::forward<Args>(args)...);
    if (!p) return Error(ENOMEM, "kernel heap exhausted");
    return Ref<T>::adopt(p);
}

namespace detail {
template <typename T>
void box_delete(T* p) {
    if constexpr (std::is_base_of_v<HeapObject, T>) {
        delete p;
    } else {
        p->~T();
        heap::free(p);
    }
}
}  // namespace detail

/// Unique owner of a kernel-heap object. After a move the source is empty.
template <typename T>
class Box {
public:
    Box(Box&& o) : p_(std::exchange(o.p_, nullptr)) {}
    /// Upcast; only for HeapObject classes (whose virtual or same-address delete is exact).
    template <typename U>
        requires(std::is_convertible_v<U*, T*> && std::is_base_of_v<HeapObject, U> &&
                 std::has_virtual_destructor_v<T>)
    Box(Box<U>&& o) : p_(o.leak()) {}
    Box& operator=(Box o) {
        std::swap(p_, o.p_);
        return *this;
    }
    Box(const Box&) = delete;
    ~Box() {
        if (p_) detail::box_delete(p_);
    }

    T* operator->() const { return checked(); }
    T& operator*() const { return *checked(); }
    T* ptr() const { return checked(); }
    /// Releases ownership; the caller must free with the matching deleter.
    T* leak() { return std::exchange(p_, nullptr); }

    template <typename U, typename... Args>
    friend Result<Box<U>> try_make_box(Args&&... args);

private:
    template <typename U>
    friend class Box;
    explicit Box(T* p) : p_(p) {}
    T* checked() const {
        ORRERY_ASSERT(p_ != nullptr, "use of an empty Box");
        return p_;
    }
    T* p_;
};

/// Creates a uniquely owned T on the kernel heap. ENOMEM on exhaustion.
template <typename T, typename... Args>
Result<Box<T>> try_make_box(Args&&... args) {
    void* mem = heap::alloc(sizeof(T), alignof(T));
    if (!mem) return Error(ENOMEM, "kernel heap exhausted");
    T* p;
    if constexpr (std::is_constructible_v<T, Args&&...>)
        p = ::new (mem) T(std::forward<Args>(args)...);
    else
        p = ::new (mem) T{std::forward<Args>(args)...};  // aggregates
    return Box<T>(p);
}

}  // namespace ostd
