// Builds the initial stack: strings at the top, then (16-byte aligned) argc, argv[], NULL,
// envp[], NULL, auxv pairs ending in AT_NULL — exactly where a libc's _start looks.
#include <kernel/process/initial_stack.h>

#include <ostd/ktl/vector.h>
#include <ostd/mm/vm_io.h>

namespace kernel {
namespace {

/// Lays the stack image out downwards from `top` in a kernel buffer; flush() copies the used
/// part to user memory in one go (one page walk and fault per page instead of per word).
class StackWriter {
public:
    StackWriter(uint64_t top, std::byte* buf, size_t cap) : top_(top), sp_(top), buf_(buf), cap_(cap) {}
    uint64_t push_bytes(const void* data, size_t n) {
        ORRERY_ASSERT(top_ - sp_ + n <= cap_, "initial stack image larger than its bound");
        sp_ -= n;
        __builtin_memcpy(at(sp_), data, n);
        return sp_;
    }
    uint64_t push_string(std::string_view s) {
        char nul = '\0';
        push_bytes(&nul, 1);
        return push_bytes(s.data(), s.size());
    }
    // The buffer starts zeroed, so the bytes skipped here read as zero.
    void align(uint64_t a) { sp_ &= ~(a - 1); }
    uint64_t sp() const { return sp_; }
    ostd::Result<void> flush(ostd::VmSpace& space) {
        size_t n = size_t(top_ - sp_);
        auto w = ostd::VmWriter::from_user(space, ostd::Vaddr(sp_), n);
        size_t put = TRY(w.write({at(sp_), n}));
        if (put != n) return ostd::Error(EFAULT);
        return ostd::ok();
    }

private:
    std::byte* at(uint64_t va) { return buf_ + cap_ - (top_ - va); }
    const uint64_t top_;
    uint64_t sp_;
    std::byte* buf_;
    const size_t cap_;
};

}  // namespace

ostd::Result<uint64_t> build_initial_stack(AddressSpace& as, const StackArgs& args) {
    uint64_t total = 0;
    for (auto s : args.argv) total += s.size() + 1 + sizeof(uint64_t);
    for (auto s : args.envp) total += s.size() + 1 + sizeof(uint64_t);
    if (total + args.execfn.size() + 1 > kArgMax) return ostd::Error(E2BIG);

    AddressSpace::MapRequest req;
    req.addr = AddressSpace::kStackTop - AddressSpace::kMaxStack;
    req.len = AddressSpace::kMaxStack;
    req.prot = kProtRead | kProtWrite;
    req.fixed = true;
    req.grows_down = true;
    req.name = "[stack]";
    TRY(as.map_anonymous(req));

    // Bound of the image: strings and argv/envp pointers (total), execfn, "x86_64", two
    // alignments, AT_RANDOM's bytes, argc, both NULLs, the auxv pairs and one pad word.
    constexpr char kPlatform[] = "x86_64";
    constexpr size_t kOwnAux = 6;
    size_t words_bound = 3 + 2 * (args.auxv.size() + kOwnAux) + 1;
    size_t cap = size_t(total) + args.execfn.size() + 1 + sizeof kPlatform + 2 * 16 + 16 +
                 words_bound * sizeof(uint64_t);
    ostd::Vector<std::byte> image;
    TRY(image.resize(cap));
    StackWriter w(AddressSpace::kStackTop, image.data(), cap);
    uint64_t execfn = w.push_string(args.execfn);
    ostd::Vector<uint64_t> envp, argv;
    TRY(envp.reserve(args.envp.size()));
    TRY(argv.reserve(args.argv.size()));
    AddressSpace::ImageLayout layout;
    layout.env_end = w.sp();
    for (size_t i = args.envp.size(); i-- > 0;) TRY(envp.push_back(w.push_string(args.envp[i])));
    layout.env_start = layout.arg_end = w.sp();
    for (size_t i = args.argv.size(); i-- > 0;) TRY(argv.push_back(w.push_string(args.argv[i])));
    layout.arg_start = w.sp();
    uint64_t platform = w.push_string(kPlatform);
    uint8_t zeros[16] = {};
    w.align(16);
    uint64_t random = w.push_bytes(args.random16 ? args.random16 : zeros, 16);

    ostd::Vector<uint64_t> words;  // From argc upwards.
    TRY(words.reserve(args.argv.size() + args.envp.size() + words_bound));
    TRY(words.push_back(args.argv.size()));
    for (size_t i = argv.size(); i-- > 0;) TRY(words.push_back(argv[i]));
    TRY(words.push_back(0));
    for (size_t i = envp.size(); i-- > 0;) TRY(words.push_back(envp[i]));
    TRY(words.push_back(0));
    auto aux = [&](uint64_t type, uint64_t value) -> ostd::Result<void> {
        TRY(words.push_back(type));
        return words.push_back(value);
    };
    for (const AuxEntry& e : args.auxv) TRY(aux(e.type, e.value));
    TRY(aux(kAtPagesz, 4096));
    TRY(aux(kAtClktck, 100));
    TRY(aux(kAtPlatform, platform));
    TRY(aux(kAtRandom, random));
    TRY(aux(kAtExecfn, execfn));
    TRY(aux(kAtNull, 0));

    w.align(16);
    if (words.size() % 2) {  // Keep rsp (at argc) 16-byte aligned.
        uint64_t pad = 0;
        w.push_bytes(&pad, sizeof pad);
    }
    for (size_t i = words.size(); i-- > 0;) w.push_bytes(&words[i], sizeof(uint64_t));
    TRY(w.flush(as.vm_space()));
    layout.start_stack = w.sp();
    as.set_image_layout(layout);
    return w.sp();
}

}  // namespace kernel
