// Compiled with -Wthread-safety -Werror: correct lock usage must raise no warning.
#include <ostd/sync/locked.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/rw_mutex.h>
#include <ostd/sync/rwlock.h>
#include <ostd/sync/spinlock.h>

struct S {
    ostd::SpinLock l;
    int a ORRERY_GUARDED_BY(l) = 0;
    ostd::Mutex m;
    int b ORRERY_GUARDED_BY(m) = 0;
    ostd::RwLock rw;
    int c ORRERY_GUARDED_BY(rw) = 0;
    ostd::RwMutex rwm;
    int d ORRERY_GUARDED_BY(rwm) = 0;
    void ok() {
        { ostd::SpinLockGuard g(l); a++; }
        { ostd::SpinLockIrqGuard g(l); a++; }
        { ostd::MutexGuard g(m); b++; }
        { ostd::RwLockReadGuard g(rw); (void)c; }
        { ostd::RwLockWriteGuard g(rw); c++; }
        { ostd::RwMutexReadGuard g(rwm); (void)d; }
        { ostd::RwMutexWriteGuard g(rwm); d++; }
        if (m.try_lock()) { b++; m.unlock(); }
    }
    void locked_value() {
        ostd::Locked<int> v(1);
        *v.lock() += 1;
    }
};
