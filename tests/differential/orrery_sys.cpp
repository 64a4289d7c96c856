// Sys bound to Orrery: a scripted user program whose calls go through the real kernel.
#include <memory>
#include <mutex>

#include "backends.h"
#include "run_program.h"

namespace orrery::difftest {

namespace {

// Records from all processes of one run. Guarded: fork children may run on other vCPUs.
struct Sink {
    std::mutex mu;
    std::vector<std::string> records;
};

class OrrerySys final : public Sys {
public:
    OrrerySys(ostd::host::ScriptedUser& user, std::shared_ptr<Sink> sink)
        : user_(user), sink_(std::move(sink)) {}

    int64_t call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                 uint64_t a5) override {
        return user_.syscall(nr, a0, a1, a2, a3, a4, a5);
    }
    uint64_t scratch(size_t n) override { return user_.stack_alloc(n == 0 ? 1 : n, 16); }
    void put(uint64_t addr, const void* data, size_t n) override { user_.write(addr, data, n); }
    void get(uint64_t addr, void* data, size_t n) override { user_.read(addr, data, n); }
    int64_t fork(Program child) override {
        std::shared_ptr<Sink> sink = sink_;
        return user_.fork([child = std::move(child), sink](ostd::host::ScriptedUser& u) {
            OrrerySys sys(u, sink);
            return child(sys);
        });
    }
    uint64_t handler(Handler fn) override {
        std::shared_ptr<Sink> sink = sink_;
        return user_.code_address([fn = std::move(fn), sink](ostd::host::ScriptedUser& u) {
            OrrerySys sys(u, sink);
            fn(sys, static_cast<int>(u.regs().rdi));
        });
    }
    const char* backend() const override { return "orrery"; }

protected:
    // Any code address: the scripted engine issues rt_sigreturn itself when a handler returns.
    uint64_t restorer() override {
        return user_.code_address([](ostd::host::ScriptedUser&) {});
    }
    void emit(const char* line, size_t len) override {
        std::lock_guard<std::mutex> guard(sink_->mu);
        sink_->records.emplace_back(line, len);
    }

private:
    ostd::host::ScriptedUser& user_;
    std::shared_ptr<Sink> sink_;
};

}  // namespace

Outcome run_on_orrery(const std::string& name, const Program& program) {
    auto sink = std::make_shared<Sink>();
    Outcome out;
    out.status = orrery::testing::run_program(
        "diff-" + name,
        [&program, sink](ostd::host::ScriptedUser& u) {
            OrrerySys sys(u, sink);
            return program(sys);
        },
        orrery::testing::kernel_machine(1));
    std::lock_guard<std::mutex> guard(sink->mu);
    out.records = std::move(sink->records);
    return out;
}

}  // namespace orrery::difftest
