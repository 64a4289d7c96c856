// Intrusive doubly-linked lists: the node lives inside the element, so queues touched under
// spinlocks (run queues, wait queues, timers) never allocate.
#pragma once

#include <cstddef>

namespace ostd {

/// Embed one per list an object can be on. Not copyable: its address is its identity.
struct ListNode {
    ListNode* prev = nullptr;
    ListNode* next = nullptr;
    void* owner = nullptr;  // The element containing this node (set while linked).

    ListNode() = default;
    ListNode(const ListNode&) = delete;
    ListNode& operator=(const ListNode&) = delete;
    bool is_linked() const { return next != nullptr; }
};

/// A list of T linked through the member `Node`. Not thread-safe: the owner's lock guards it.
template <typename T, ListNode T::*Node>
class IntrusiveList {
  public:
    IntrusiveList() { head_.prev = head_.next = &head_; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool is_empty() const { return head_.next == &head_; }
    size_t size() const { return size_; }

    /// Precondition: t is on no list.
    void push_back(T& t) { insert_before(&head_, t); }
    void push_front(T& t) { insert_before(head_.next, t); }
    /// Inserts t before `pos` (which is on this list).
    void insert_before(T& pos, T& t) { insert_before(&(pos.*Node), t); }

    /// Precondition: t is on this list.
    void remove(T& t) {
        ListNode& n = t.*Node;
        n.prev->next = n.next;
        n.next->prev = n.prev;
        n.prev = n.next = nullptr;
        --size_;
    }
    /// Forgets every element without touching them (their memory may be gone, e.g. at
    /// machine teardown).
    void reset() {
        head_.prev = head_.next = &head_;
        size_ = 0;
    }
    T* front() { return is_empty() ? nullptr : from_node(head_.next); }
    T* pop_front() {
        T* t = front();
        if (t) remove(*t);
        return t;
    }
    /// The element after t, or nullptr at the end.
    T* next(T& t) {
        ListNode* n = (t.*Node).next;
        return n == &head_ ? nullptr : from_node(n);
    }

  private:
    static T* from_node(ListNode* n) { return static_cast<T*>(n->owner); }
    void insert_before(ListNode* pos, T& t) {
        ListNode& n = t.*Node;
        n.owner = &t;
        n.prev = pos->prev;
        n.next = pos;
        pos->prev->next = &n;
        pos->prev = &n;
        ++size_;
    }

    ListNode head_;
    size_t size_ = 0;
};

}  // namespace ostd
