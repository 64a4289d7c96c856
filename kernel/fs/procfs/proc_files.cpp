// System-wide /proc files: meminfo, cpuinfo, uptime, filesystems, mounts, sys/kernel/*.
#include <kernel/fs/namei.h>
#include <kernel/fs/procfs/proc_files.h>
#include <kernel/fs/procfs/proc_text.h>
#include <kernel/fs/procfs/procfs.h>
#include <kernel/time/host_name.h>
#include <ostd/boot/boot_info.h>
#include <ostd/mm/frame.h>
#include <ostd/task/preempt.h>
#include <ostd/timer/timer.h>

namespace kernel::fs::procfs {

using ostd::Error;
using ostd::Result;
using ostd::String;

Result<String> gen_meminfo(const Path&) {
    ostd::FrameStats st = ostd::frame_stats();
    unsigned long long total = st.total_frames * 4, free = st.free_frames * 4;
    String s;
    TRY(appendf(s, "MemTotal:       %8llu kB\n", total));
    TRY(appendf(s, "MemFree:        %8llu kB\n", free));
    TRY(appendf(s, "MemAvailable:   %8llu kB\n", free));
    const char* zero[] = {"Buffers",  "Cached", "SwapCached", "Active", "Inactive", "SwapTotal",
                          "SwapFree", "Dirty",  "Writeback",  "Mapped", "Shmem"};
    for (const char* name : zero) {
        TRY(appendf(s, "%s:", name));
        for (size_t pad = __builtin_strlen(name) + 1; pad < 16; ++pad)
            TRY(s.push_back(' '));
        TRY(appendf(s, "%8d kB\n", 0));
    }
    return s;
}

Result<String> gen_cpuinfo(const Path&) {
    String s;
    unsigned n = ostd::num_cpus();
    for (unsigned i = 0; i < n; ++i) {
        TRY(appendf(s, "processor\t: %u\n", i));
        TRY(appendf(s, "vendor_id\t: OrreryVirtual\n"));
        TRY(appendf(s, "cpu family\t: 6\nmodel\t\t: 0\n"));
        TRY(appendf(s, "model name\t: Orrery virtual CPU\n"));
        TRY(appendf(s, "cpu MHz\t\t: 1000.000\n"));
        TRY(appendf(s, "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n", n, i,
                    n));
        TRY(appendf(s, "flags\t\t: fpu tsc sse sse2\n"));
        TRY(appendf(s, "bogomips\t: 2000.00\n\n"));
    }
    return s;
}

Result<String> gen_uptime(const Path&) {
    uint64_t ns = ostd::time::now();
    unsigned long long sec = ns / ostd::time::kNsPerSec;
    unsigned long long cs = (ns % ostd::time::kNsPerSec) / (ostd::time::kNsPerSec / 100);
    String s;
    // Idle time is not tracked yet: report it as zero.
    TRY(appendf(s, "%llu.%02llu 0.00\n", sec, cs));
    return s;
}

Result<String> gen_stat(const Path&) {
    unsigned n = ostd::num_cpus();
    unsigned long long up = ostd::time::now() / (ostd::time::kNsPerSec / 100);  // USER_HZ
    String s;
    // user nice system idle iowait irq softirq steal guest guest_nice
    TRY(appendf(s, "cpu  0 0 0 %llu 0 0 0 0 0 0\n", up * n));
    for (unsigned i = 0; i < n; ++i)
        TRY(appendf(s, "cpu%u 0 0 0 %llu 0 0 0 0 0 0\n", i, up));
    int procs = 0;
    if (ProcessProvider* p = process_provider())
        p->for_each_pid([](void* raw, int) { ++*static_cast<int*>(raw); }, &procs);
    unsigned long long btime = ostd::boot_info().boot_wall_ns / ostd::time::kNsPerSec;
    TRY(appendf(s, "intr 0\nctxt 0\nbtime %llu\nprocesses %d\nprocs_running 1\n", btime, procs));
    TRY(appendf(s, "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n"));
    return s;
}

Result<String> gen_loadavg(const Path&) {
    struct C {
        int count = 0, last = 0;
    } c;
    if (ProcessProvider* p = process_provider())
        p->for_each_pid(
            [](void* raw, int pid) {
                auto* c = static_cast<C*>(raw);
                ++c->count;
                if (pid > c->last) c->last = pid;
            },
            &c);
    String s;
    TRY(appendf(s, "0.00 0.00 0.00 1/%d %d\n", c.count, c.last));
    return s;
}

Result<String> gen_filesystems(const Path&) {
    struct Ctx {
        String s;
        bool failed = false;
    } ctx;
    for_each_filesystem(
        [](const FileSystemType& t, void* p) {
            auto* c = static_cast<Ctx*>(p);
            if (appendf(c->s, "%s\t%s\n", t.requires_device ? "" : "nodev", t.name).is_error())
                c->failed = true;
        },
        &ctx);
    if (ctx.failed) return Error(ENOMEM);
    return std::move(ctx.s);
}

Result<String> gen_mounts(const Path& at) {
    String s;
    ostd::MutexGuard g(tree_lock());
    MountNamespace* ns = at.mnt->mount_namespace();
    if (!ns) return s;
    Path root = ns->root();
    for (const ostd::Ref<Mount>& m : ns->mounts()) {
        String where;
        if (m->parent())
            where = TRY(path_string_locked(
                root, Path{ostd::Ref<Mount>(*m->parent()), ostd::Ref<Dentry>(*m->mountpoint())}));
        else
            TRY(where.append("/"));
        std::string_view type = m->super_block().type_name();
        TRY(appendf(s, "%.*s %s %.*s %s 0 0\n", int(type.size()), type.data(), where.c_str(),
                    int(type.size()), type.data(), m->is_read_only() ? "ro" : "rw"));
    }
    return s;
}

Result<String> gen_ostype(const Path&) {
    return String::from("Linux\n");
}
Result<String> gen_osrelease(const Path&) {
    return String::from("6.1.0-orrery\n");
}
Result<String> gen_hostname(const Path&) {
    char name[kUtsNameMax + 1];
    copy_hostname(name);
    String s = TRY(String::from(name));
    TRY(s.push_back('\n'));
    return s;
}

}  // namespace kernel::fs::procfs
