// Per-process /proc text. Memory-backed files (cmdline, environ) read the target's address space
// at read time through ostd's fault-handling VmReader, as Linux's access_remote_vm does.
#include <kernel/fs/procfs/pid_text.h>

#include <ostd/mm/vm_io.h>
#include <ostd/task/task.h>

#include <kernel/fs/procfs/proc_text.h>

namespace kernel::fs::procfs {

using ostd::Result;
using ostd::String;

namespace {

constexpr uint64_t kPage = 4096;
// More than any argument area can hold (kArgMax plus the strings' terminators).
constexpr uint64_t kMaxArea = 4u << 20;

uint64_t ticks(uint64_t ns) {
    return ns / (ostd::time::kNsPerSec / 100);  // USER_HZ = 100
}

bool is_current(const Process& p) {
    ostd::Task* t = ostd::Task::current_or_null();
    return t && t->data() && &static_cast<Thread*>(t->data())->process() == &p;
}

char state_char(const Process& p) {
    if (p.state() != Process::State::kAlive) return 'Z';
    return is_current(p) ? 'R' : 'S';
}

const char* state_name(char c) {
    return c == 'R' ? "running" : c == 'Z' ? "zombie" : "sleeping";
}

/// Appends the bytes of [start, end) of `as` to `out`; stops early at an unmapped page.
Result<void> read_area(AddressSpace& as, uint64_t start, uint64_t end, String& out) {
    if (end <= start) return ostd::ok();
    if (end - start > kMaxArea) end = start + kMaxArea;
    char buf[512];
    for (uint64_t at = start; at < end;) {
        size_t n = end - at < sizeof buf ? size_t(end - at) : sizeof buf;
        auto r = ostd::VmReader::from_user(as.vm_space(), ostd::Vaddr(at), n);
        size_t copied = 0;
        auto got = r.read(std::as_writable_bytes(std::span<char>(buf, n)), &copied);
        size_t have = got.is_ok() ? got.value() : copied;
        TRY(out.append(std::string_view(buf, have)));
        if (have < n) break;
        at += n;
    }
    return ostd::ok();
}

bool alive(const Process& p) {
    return p.state() == Process::State::kAlive;
}

}  // namespace

Result<String> pid_stat(Process& p) {
    char name[16];
    p.copy_name(name);
    Process::CpuTimes t = p.cpu_times();
    AddressSpace::ImageLayout l;
    uint64_t vsize = 0, rss = 0;
    if (alive(p)) {
        l = p.address_space().image_layout();
        vsize = p.address_space().mapped_bytes();
        rss = p.address_space().resident_pages();
    }
    String s;
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
    TRY(appendf(s, "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 ", p.pid(), name, state_char(p), p.ppid(),
                p.pgid(), p.sid()));
    // utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss
    TRY(appendf(s, "%llu %llu %llu %llu 20 0 %zu 0 %llu %llu %llu ",
                (unsigned long long)ticks(t.utime), (unsigned long long)ticks(t.stime),
                (unsigned long long)ticks(t.cutime), (unsigned long long)ticks(t.cstime),
                p.thread_count(), (unsigned long long)ticks(p.start_time_ns()),
                (unsigned long long)vsize, (unsigned long long)rss));
    // rsslim startcode endcode startstack kstkesp kstkeip signal blocked sigignore sigcatch
    // wchan nswap cnswap exit_signal processor rt_priority policy delayacct_blkio_ticks
    // guest_time cguest_time start_data end_data start_brk
    TRY(appendf(s, "18446744073709551615 0 0 %llu 0 0 0 0 0 0 0 0 0 %d 0 0 0 0 0 0 0 0 0 ",
                (unsigned long long)l.start_stack, p.exit_signal.load()));
    // arg_start arg_end env_start env_end exit_code
    TRY(appendf(s, "%llu %llu %llu %llu %d\n", (unsigned long long)l.arg_start,
                (unsigned long long)l.arg_end, (unsigned long long)l.env_start,
                (unsigned long long)l.env_end, alive(p) ? 0 : p.exit_status()));
    return s;
}

Result<String> pid_status(Process& p) {
    char name[16];
    p.copy_name(name);
    Credentials c = p.creds();
    char st = state_char(p);
    String s;
    TRY(appendf(s, "Name:\t%s\nUmask:\t%04o\nState:\t%c (%s)\n", name, p.umask(), st,
                state_name(st)));
    TRY(appendf(s, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", p.pid(), p.pid(),
                p.ppid()));
    TRY(appendf(s, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", c.uids().real,
                c.uids().effective, c.uids().saved, c.uids().fs, c.gids().real, c.gids().effective,
                c.gids().saved, c.gids().fs));
    TRY(appendf(s, "Groups:\t"));
    for (Gid g : c.groups())
        TRY(appendf(s, "%u ", g));
    TRY(appendf(s, "\n"));
    if (alive(p)) {
        unsigned long long size = p.address_space().mapped_bytes() / 1024;
        unsigned long long rss = p.address_space().resident_pages() * (kPage / 1024);
        TRY(appendf(s, "VmSize:\t%8llu kB\nVmRSS:\t%8llu kB\n", size, rss));
    }
    TRY(appendf(s, "Threads:\t%zu\n", p.thread_count()));
    return s;
}

Result<String> pid_statm(Process& p) {
    uint64_t size = 0, rss = 0;
    if (alive(p)) {
        size = p.address_space().mapped_bytes() / kPage;
        rss = p.address_space().resident_pages();
    }
    String s;
    TRY(appendf(s, "%llu %llu 0 0 0 %llu 0\n", (unsigned long long)size, (unsigned long long)rss,
                (unsigned long long)size));
    return s;
}

Result<String> pid_cmdline(Process& p) {
    String s;
    if (!alive(p)) return s;
    AddressSpace& as = p.address_space();
    AddressSpace::ImageLayout l = as.image_layout();
    if (l.arg_start >= l.arg_end) return s;
    // setproctitle(3) may overwrite the argument area into the environment: when the last
    // argument byte is no longer NUL, Linux reports up to the first NUL in both areas.
    uint64_t end = l.env_start == l.arg_end && l.env_end >= l.env_start ? l.env_end : l.arg_end;
    TRY(read_area(as, l.arg_start, end, s));
    size_t args = size_t(l.arg_end - l.arg_start);
    if (s.size() < args) return s;  // An unmapped page cut the area short.
    if (s.view()[args - 1] == '\0') {
        String out;
        TRY(out.append(s.view().substr(0, args)));
        return out;
    }
    size_t nul = s.view().find('\0');
    String out;
    TRY(out.append(nul == std::string_view::npos ? s.view() : s.view().substr(0, nul + 1)));
    return out;
}

Result<String> pid_environ(Process& p) {
    String s;
    if (!alive(p)) return s;
    AddressSpace::ImageLayout l = p.address_space().image_layout();
    TRY(read_area(p.address_space(), l.env_start, l.env_end, s));
    return s;
}

Result<String> pid_comm(Process& p) {
    char name[16];
    p.copy_name(name);
    String s;
    TRY(appendf(s, "%s\n", name));
    return s;
}

namespace {

struct MapLine {
    uint64_t start, end, offset;
    uint32_t prot;
    bool shared;
    PageSource::Identity id;
};

Result<void> append_map_line(String& s, const MapLine& m) {
    size_t begin = s.size();
    TRY(appendf(s, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ", (unsigned long long)m.start,
                (unsigned long long)m.end, m.prot & kProtRead ? 'r' : '-',
                m.prot & kProtWrite ? 'w' : '-', m.prot & kProtExec ? 'x' : '-',
                m.shared ? 's' : 'p', (unsigned long long)m.offset, m.id.dev_major, m.id.dev_minor,
                (unsigned long long)m.id.ino));
    if (!m.id.path.is_empty()) {
        // seq_pad: the name starts in column 73 (25 + 6 * sizeof(void*) - 1, then a space).
        while (s.size() - begin < 72)
            TRY(s.push_back(' '));
        TRY(s.push_back(' '));
        TRY(s.append(m.id.path.view()));
    }
    return s.push_back('\n');
}

}  // namespace

Result<String> pid_maps(Process& p) {
    String s;
    if (!alive(p)) return s;
    ostd::Vector<Vma> vmas = TRY(p.address_space().snapshot());
    for (size_t i = 0; i < vmas.size(); ++i) {
        const Vma& v = vmas[i];
        MapLine m{v.start.value(), v.end.value(), 0, v.prot, v.shared, {}};
        if (v.source) {
            m.id = TRY(v.source->identity());
            m.offset = v.source_off;
        } else if (v.shm) {
            // Shared anonymous memory is a deleted /dev/zero mapping to Linux.
            m.offset = v.shm_pgoff * kPage;
            m.id.dev_minor = 1;
            m.id.path = TRY(String::from("/dev/zero (deleted)"));
        } else if (v.name) {
            m.id.path = TRY(String::from(v.name));
        }
        // Adjacent pieces of one mapping (split by brk growth or mprotect and back) print as
        // one line, as Linux merges such VMAs.
        while (i + 1 < vmas.size()) {
            const Vma& n = vmas[i + 1];
            bool same_backing = n.source.ptr() == v.source.ptr() && n.shm.ptr() == v.shm.ptr();
            uint64_t expect_off = v.source
                                      ? v.source_off + (n.start.value() - v.start.value())
                                      : v.shm_pgoff + (n.start.value() - v.start.value()) / kPage;
            uint64_t n_off = v.source ? n.source_off : n.shm_pgoff;
            if (n.start.value() != m.end || n.prot != v.prot || n.shared != v.shared ||
                n.name != v.name || !same_backing || ((v.source || v.shm) && n_off != expect_off))
                break;
            m.end = n.end.value();
            ++i;
        }
        TRY(append_map_line(s, m));
    }
    return s;
}

}  // namespace kernel::fs::procfs
