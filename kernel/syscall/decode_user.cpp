// User-memory argument decoders for the tracer: every read goes through the UserReader and a
// failed or short read degrades to printing the address.
#include <kernel/syscall/decode_user.h>

#include <kernel/abi/signal.h>
#include <kernel/abi/time.h>
#include <kernel/syscall/decode.h>

namespace kernel::syscall {
namespace {

namespace abi = kernel::abi;

// Reads exactly sizeof(T) bytes into `value`; false on any fault or short read.
template <typename T>
bool read_exact(const UserReader* user, uint64_t addr, T& value) {
    if (user == nullptr || addr == 0) return false;
    auto got = user->read(addr, &value, sizeof(T));
    return got.is_ok() && got.value() == sizeof(T);
}

void put_signal_short(TraceWriter& out, int sig) {
    // strace's mask style: names without the SIG prefix, RTMIN / RT_n for realtime signals.
    if (const char* name = signal_name(sig))
        out.puts(name + 3);
    else if (sig == abi::sig::kRtmin)
        out.puts("RTMIN");
    else
        out.printf("RT_%d", sig - abi::sig::kRtmin);
}

struct SaFlag {
    uint64_t bit;
    const char* name;
};
constexpr SaFlag kSaFlags[] = {
    {abi::sa::kNocldstop, "SA_NOCLDSTOP"},
    {abi::sa::kNocldwait, "SA_NOCLDWAIT"},
    {abi::sa::kSiginfo, "SA_SIGINFO"},
    {abi::sa::kUnsupported, "SA_UNSUPPORTED"},
    {abi::sa::kExposeTagbits, "SA_EXPOSE_TAGBITS"},
    {abi::sa::kRestorer, "SA_RESTORER"},
    {abi::sa::kOnstack, "SA_ONSTACK"},
    {abi::sa::kRestart, "SA_RESTART"},
    {abi::sa::kNodefer, "SA_NODEFER"},
    {abi::sa::kResethand, "SA_RESETHAND"},
};

void put_sa_flags(TraceWriter& out, uint64_t flags) {
    bool first = true;
    for (const auto& f : kSaFlags) {
        if (!(flags & f.bit)) continue;
        if (!first) out.put('|');
        out.puts(f.name);
        flags &= ~f.bit;
        first = false;
    }
    if (flags != 0 || first) {
        if (!first) out.put('|');
        out.printf("%#lx", static_cast<unsigned long>(flags));
    }
}

}  // namespace

void decode_pointer(TraceWriter& out, uint64_t addr) {
    if (addr == 0)
        out.puts("NULL");
    else
        out.printf("%#lx", static_cast<unsigned long>(addr));
}

void decode_user_string(TraceWriter& out, const UserReader* user, uint64_t addr, size_t limit) {
    if (addr == 0 || user == nullptr) {
        decode_pointer(out, addr);
        return;
    }
    if (limit > kTraceMaxPath) limit = kTraceMaxPath;
    char chunk[64];
    char shown[kTraceMaxPath];
    size_t len = 0;
    bool terminated = false;
    while (len < limit && !terminated) {
        size_t want = limit - len < sizeof(chunk) ? limit - len : sizeof(chunk);
        auto got = user->read(addr + len, chunk, want);
        if (got.is_error() || got.value() == 0) break;
        size_t n = got.value() < want ? got.value() : want;  // never trust a reader's count
        for (size_t i = 0; i < n && len < limit; ++i) {
            if (chunk[i] == '\0') {
                terminated = true;
                break;
            }
            shown[len++] = chunk[i];
        }
        if (n < want) break;
    }
    if (len == 0 && !terminated) {  // unreadable: show the address, as strace does
        decode_pointer(out, addr);
        return;
    }
    out.quoted(shown, len);
    if (!terminated) out.puts("...");
}

void decode_user_buffer(TraceWriter& out, const UserReader* user, uint64_t addr, uint64_t len) {
    if (addr == 0 || user == nullptr) {
        decode_pointer(out, addr);
        return;
    }
    char shown[kTraceMaxString];
    size_t want = len < kTraceMaxString ? static_cast<size_t>(len) : kTraceMaxString;
    auto got = user->read(addr, shown, want);
    if (got.is_error() || got.value() != want) {
        decode_pointer(out, addr);
        return;
    }
    out.quoted(shown, want);
    if (want < len) out.puts("...");
}

void decode_user_argv(TraceWriter& out, const UserReader* user, uint64_t addr) {
    uint64_t first = 0;
    if (!read_exact(user, addr, first)) {
        decode_pointer(out, addr);
        return;
    }
    out.put('[');
    for (size_t i = 0; i <= kTraceMaxArgv; ++i) {
        uint64_t entry = 0;
        if (!read_exact(user, addr + i * sizeof(uint64_t), entry)) {
            if (i) out.puts(", ");
            out.puts("...");  // the array runs into unreadable memory
            break;
        }
        if (entry == 0) break;
        if (i) out.puts(", ");
        if (i == kTraceMaxArgv) {
            out.puts("...");
            break;
        }
        decode_user_string(out, user, entry, kTraceMaxString);
    }
    out.put(']');
}

void decode_user_timespec(TraceWriter& out, const UserReader* user, uint64_t addr) {
    abi::Timespec ts{};
    if (!read_exact(user, addr, ts)) {
        decode_pointer(out, addr);
        return;
    }
    out.printf("{tv_sec=%ld, tv_nsec=%ld}", static_cast<long>(ts.tv_sec),
               static_cast<long>(ts.tv_nsec));
}

void decode_sigset_value(TraceWriter& out, uint64_t mask) {
    int set = __builtin_popcountll(mask);
    bool inverted = set > abi::sig::kNsig / 2;
    if (inverted) {
        out.put('~');
        mask = ~mask;
    }
    out.put('[');
    bool first = true;
    for (int sig = 1; sig <= abi::sig::kNsig; ++sig) {
        if (!(mask & (uint64_t{1} << (sig - 1)))) continue;
        if (!first) out.put(' ');
        put_signal_short(out, sig);
        first = false;
    }
    out.put(']');
}

void decode_user_sigset(TraceWriter& out, const UserReader* user, uint64_t addr, uint64_t size) {
    abi::SigSet mask = 0;
    if (size != abi::kSigSetSize || !read_exact(user, addr, mask)) {
        decode_pointer(out, addr);
        return;
    }
    decode_sigset_value(out, mask);
}

void decode_user_sigaction(TraceWriter& out, const UserReader* user, uint64_t addr) {
    abi::KernelSigaction act{};
    if (!read_exact(user, addr, act)) {
        decode_pointer(out, addr);
        return;
    }
    out.puts("{sa_handler=");
    if (act.handler == abi::sig::kDfl)
        out.puts("SIG_DFL");
    else if (act.handler == abi::sig::kIgn)
        out.puts("SIG_IGN");
    else
        out.printf("%#lx", static_cast<unsigned long>(act.handler));
    out.puts(", sa_mask=");
    decode_sigset_value(out, act.mask);
    out.puts(", sa_flags=");
    put_sa_flags(out, act.flags);
    if (act.flags & abi::sa::kRestorer) {
        out.puts(", sa_restorer=");
        decode_pointer(out, act.restorer);
    }
    out.put('}');
}

}  // namespace kernel::syscall
