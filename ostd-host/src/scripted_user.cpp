// ScriptedUser: what a scripted program can do — syscalls, memory through the MMU, stack scratch
// space, argv/envp, and code addresses for handlers and fork children.
#include <cstring>

#include <ostd-host/scripted.h>

#include "scripted_engine.h"

namespace ostd::host {

class ScriptedEngineAccess {
public:
    static ScriptedUser make(void* fiber) { return ScriptedUser(fiber); }
    static ostd::detail::ScriptedFiber& fiber(const ScriptedUser& u) {
        return *static_cast<ostd::detail::ScriptedFiber*>(u.fiber_);
    }
};

namespace detail {
ScriptedUser make_scripted_user(void* fiber) { return ScriptedEngineAccess::make(fiber); }
}  // namespace detail

namespace {
ostd::detail::ScriptedFiber& fiber_of(const ScriptedUser& u) {
    return ScriptedEngineAccess::fiber(u);
}
constexpr uint64_t kSysClone = 56, kSysFork = 57;
constexpr uint64_t kCloneThread = 0x00010000;
}  // namespace

int64_t ScriptedUser::syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                              uint64_t a4, uint64_t a5) {
    auto& f = fiber_of(*this);
    GeneralRegs& r = f.engine->context().regs();
    r.rax = nr;
    r.rdi = a0;
    r.rsi = a1;
    r.rdx = a2;
    r.r10 = a3;
    r.r8 = a4;
    r.r9 = a5;
    return f.engine->do_syscall(f);
}

void ScriptedUser::write(uint64_t va, const void* src, size_t n) {
    auto& f = fiber_of(*this);
    f.engine->access_memory(f, va, const_cast<void*>(src), n, true);
}

void ScriptedUser::read(uint64_t va, void* dst, size_t n) {
    auto& f = fiber_of(*this);
    f.engine->access_memory(f, va, dst, n, false);
}

uint64_t ScriptedUser::read_u64(uint64_t va) {
    uint64_t v = 0;
    read(va, &v, sizeof v);
    return v;
}

void ScriptedUser::write_u64(uint64_t va, uint64_t v) { write(va, &v, sizeof v); }

std::string ScriptedUser::read_string(uint64_t va, size_t max) {
    std::string s;
    for (size_t i = 0; i < max; ++i) {
        char c;
        read(va + i, &c, 1);
        if (c == '\0') break;
        s.push_back(c);
    }
    return s;
}

uint64_t ScriptedUser::stack_alloc(size_t n, size_t align) {
    GeneralRegs& r = fiber_of(*this).engine->context().regs();
    r.rsp = (r.rsp - n) & ~(uint64_t{align ? align : 1} - 1);
    std::string zeros(n, '\0');
    write(r.rsp, zeros.data(), n);
    return r.rsp;
}

uint64_t ScriptedUser::push(const void* data, size_t n, size_t align) {
    GeneralRegs& r = fiber_of(*this).engine->context().regs();
    r.rsp = (r.rsp - n) & ~(uint64_t{align ? align : 1} - 1);
    write(r.rsp, data, n);
    return r.rsp;
}

uint64_t ScriptedUser::push_string(std::string_view s) {
    std::string copy(s);
    return push(copy.c_str(), copy.size() + 1, 16);
}

int ScriptedUser::argc() { return static_cast<int>(read_u64(fiber_of(*this).initial_rsp)); }

std::string ScriptedUser::argv(int i) {
    uint64_t base = fiber_of(*this).initial_rsp;
    if (i < 0 || i >= argc()) return {};
    return read_string(read_u64(base + 8 + 8 * static_cast<uint64_t>(i)));
}

std::string ScriptedUser::getenv(std::string_view name) {
    uint64_t base = fiber_of(*this).initial_rsp;
    uint64_t envp = base + 8 + 8 * (static_cast<uint64_t>(argc()) + 1);
    for (int i = 0; i < 4096; ++i) {
        uint64_t p = read_u64(envp + 8 * static_cast<uint64_t>(i));
        if (!p) break;
        std::string kv = read_string(p);
        if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 &&
            kv[name.size()] == '=')
            return kv.substr(name.size() + 1);
    }
    return {};
}

uint64_t ScriptedUser::code_address(std::function<void(ScriptedUser&)> fn) {
    return detail::add_scripted_continuation({nullptr, std::move(fn), 0});
}

int64_t ScriptedUser::fork(ScriptedMain child) {
    auto& f = fiber_of(*this);
    f.next_site_override = detail::add_scripted_continuation({std::move(child), nullptr, 231});
    return syscall(kSysFork);
}

int64_t ScriptedUser::clone(uint64_t flags, uint64_t stack, uint64_t parent_tid,
                            uint64_t child_tid, uint64_t tls, ScriptedMain child) {
    auto& f = fiber_of(*this);
    uint64_t exit_nr = (flags & kCloneThread) ? 60 : 231;
    f.next_site_override = detail::add_scripted_continuation({std::move(child), nullptr, exit_nr});
    return syscall(kSysClone, flags, stack, parent_tid, child_tid, tls);
}

const GeneralRegs& ScriptedUser::regs() const { return fiber_of(*this).engine->context().regs(); }

}  // namespace ostd::host
