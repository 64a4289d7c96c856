// Dentry tree operations (callers hold tree_lock()).
#include <kernel/fs/dentry.h>

namespace kernel::fs {

using ostd::Ref;
using ostd::RefPtr;
using ostd::Result;

Result<Ref<Dentry>> Dentry::create(std::string_view name, RefPtr<Dentry> parent, Ref<Inode> inode) {
    ostd::String s = TRY(ostd::String::from(name));
    return ostd::try_make_ref<Dentry>(std::move(s), std::move(parent), std::move(inode));
}

RefPtr<Dentry> Dentry::find_child(std::string_view name) const {
    for (const Ref<Dentry>& c : children_)
        if (c->name() == name) return c;
    return nullptr;
}

Result<void> Dentry::add_child(Ref<Dentry> child) {
    ORRERY_ASSERT(child->parent_.ptr() == this, "dentry added under a parent it does not name");
    TRY(children_.push_back(std::move(child)));
    return ostd::ok();
}

void Dentry::remove_child(Dentry& child) {
    for (size_t i = 0; i < children_.size(); ++i) {
        if (children_[i].ptr() == &child) {
            child.dead_ = true;
            children_.erase(i);
            return;
        }
    }
    ostd::panic("remove_child: dentry is not a child of its parent");
}

Result<void> Dentry::move_to(Dentry& new_parent, ostd::String new_name) {
    Dentry* old_parent = parent_.ptr();
    ORRERY_ASSERT(old_parent != nullptr, "moving a root dentry");
    Ref<Dentry> self(*this);
    if (old_parent != &new_parent)
        TRY(new_parent.children_.reserve(new_parent.children_.size() + 1));
    name_ = std::move(new_name);
    if (old_parent != &new_parent) {
        for (size_t i = 0; i < old_parent->children_.size(); ++i) {
            if (old_parent->children_[i].ptr() == this) {
                old_parent->children_.erase(i);
                break;
            }
        }
        parent_ = RefPtr<Dentry>(Ref<Dentry>(new_parent));
        MUST(new_parent.children_.push_back(self));  // capacity reserved above
    }
    return ostd::ok();
}

void Dentry::detach_subtree() {
    while (!children_.is_empty()) {
        Ref<Dentry> c = children_.back();
        children_.pop_back();
        c->detach_subtree();
        c->dead_ = true;
    }
}

bool Dentry::is_descendant_of(const Dentry& ancestor) const {
    for (const Dentry* d = this; d; d = d->parent_.ptr())
        if (d == &ancestor) return true;
    return false;
}

}  // namespace kernel::fs
