// Token addresses for scripted programs and continuations. Guarded by a host mutex taken with
// preemption disabled, so a fiber holding it cannot be switched out.
#include "scripted_registry.h"

#include <map>
#include <mutex>

#include <ostd/task/preempt.h>
#include <ostd/user/user_mode.h>

namespace ostd::host {
namespace {

constexpr uint64_t kEntryStride = 0x10;

struct Registry {
    std::mutex lock;
    std::map<std::string, uint64_t> by_name;
    std::map<uint64_t, detail::ScriptedCode> by_token;
    uint64_t next_program = kScriptedTextStart;
    uint64_t next_continuation = kScriptedTextStart + (uint64_t{1} << 36);
    uint64_t next_fiber = detail::kFiberSiteBase;
};

Registry& registry() {
    static Registry* r = new Registry;  // Never destroyed: fibers may outlive static dtors.
    return *r;
}

}  // namespace

void register_scripted_program(const std::string& name, ScriptedMain main) {
    PreemptGuard pg;
    Registry& r = registry();
    std::lock_guard g(r.lock);
    auto it = r.by_name.find(name);
    uint64_t token;
    if (it != r.by_name.end()) {
        token = it->second;
    } else {
        token = r.next_program;
        r.next_program += kEntryStride;
        r.by_name[name] = token;
    }
    r.by_token[token] = detail::ScriptedCode{std::move(main), nullptr};
}

void clear_scripted_programs() {
    Registry& r = registry();
    std::lock_guard g(r.lock);
    r.by_name.clear();
    r.by_token.clear();
}

namespace detail {

bool lookup_scripted_code(uint64_t rip, ScriptedCode* out) {
    PreemptGuard pg;
    Registry& r = registry();
    std::lock_guard g(r.lock);
    auto it = r.by_token.find(rip);
    if (it == r.by_token.end()) return false;
    *out = it->second;
    return true;
}

uint64_t add_scripted_continuation(ScriptedCode code) {
    PreemptGuard pg;
    Registry& r = registry();
    std::lock_guard g(r.lock);
    uint64_t token = r.next_continuation;
    r.next_continuation += kEntryStride;
    r.by_token[token] = std::move(code);
    return token;
}

void clear_scripted_continuations() {
    Registry& r = registry();
    std::lock_guard g(r.lock);
    for (auto it = r.by_token.begin(); it != r.by_token.end();) {
        if (it->first >= kScriptedTextStart + (uint64_t{1} << 36))
            it = r.by_token.erase(it);
        else
            ++it;
    }
    r.next_continuation = kScriptedTextStart + (uint64_t{1} << 36);
    r.next_fiber = kFiberSiteBase;
}

uint64_t new_fiber_site_base() {
    PreemptGuard pg;
    Registry& r = registry();
    std::lock_guard g(r.lock);
    uint64_t base = r.next_fiber;
    r.next_fiber += kFiberSiteStride;
    if (r.next_fiber >= kScriptedTextEnd) r.next_fiber = kFiberSiteBase;  // Wraps after 2^37.
    return base;
}

}  // namespace detail
}  // namespace ostd::host

namespace ostd {

Result<Vaddr> scripted_program_entry(std::string_view name) {
    PreemptGuard pg;
    host::Registry& r = host::registry();
    std::lock_guard g(r.lock);
    auto it = r.by_name.find(std::string(name));
    if (it == r.by_name.end()) return Error(ENOENT, "no such scripted program");
    return Vaddr(it->second);
}

}  // namespace ostd
