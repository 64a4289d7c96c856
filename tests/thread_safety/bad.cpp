// Compiled with -Wthread-safety: each line marked EXPECT must raise a warning.
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
    void bad() {
        a++;                                   // EXPECT
        b++;                                   // EXPECT
        { ostd::RwLockReadGuard g(rw); c++; }  // EXPECT
        m.lock();                              // EXPECT (still held at the end)
    }
};
