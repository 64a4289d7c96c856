// The whole bridge under concurrency: host threads (as FUSE workers would) drive the Exporter
// through the HostCallQueue at once: creates, writes, reads, renames across directories and
// forgets, on a 2-vCPU machine (run under TSan by the host-tsan preset).
#include <kernel/fs/export/exporter.h>
#include <kernel/fs/export/host_call.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <harness/kernel_call.h>
#include <ostd/task/task.h>

#include "../fs_test_support.inc"

namespace kernel::fs::exporter {
namespace {

using namespace kernel::fs::testing;
using orrery::harness::run_in_kernel_task;
namespace o = abi::open;

std::span<const std::byte> bytes(const std::string& s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

// One host thread's work; returns the number of failed checks.
int writer(int id) {
    int failures = 0;
    auto check = [&](bool ok) { failures += ok ? 0 : 1; };
    RequestCreds rc{};
    uint64_t dir = 0, other = 0;
    std::string tag = "w" + std::to_string(id);
    run_in_kernel_task([&] {
        Exporter& ex = *Exporter::get();
        dir = MUST(ex.mkdir(rc, kRootNode, tag, 0755)).node;
        other = MUST(ex.mkdir(rc, kRootNode, tag + "-moved", 0755)).node;
    });
    for (int f = 0; f < 20; ++f) {
        std::string name = "f" + std::to_string(f);
        std::string data(3000 + f * 100, char('a' + id));
        Exporter::Created c{};
        check(run_in_kernel_task(
            [&] { c = MUST(Exporter::get()->create(rc, dir, name, 0644, o::kRdwr)); }));
        for (size_t off = 0; off < data.size(); off += 1000) {
            std::string part = data.substr(off, 1000);
            size_t n = 0;
            run_in_kernel_task([&] { n = MUST(Exporter::get()->write(c.fh, bytes(part), off)); });
            check(n == part.size());
        }
        std::string back(data.size() + 10, '\0');
        size_t got = 0;
        run_in_kernel_task([&] {
            auto span = std::as_writable_bytes(std::span<char>(back.data(), back.size()));
            got = MUST(Exporter::get()->read(c.fh, span, 0));
            MUST(Exporter::get()->release(c.fh));
        });
        back.resize(got);
        check(back == data);
        run_in_kernel_task([&] {
            Exporter& ex = *Exporter::get();
            MUST(ex.rename(rc, dir, name, other, name, 0));
            EXPECT_EQ(MUST(ex.lookup(rc, other, name)).node, c.entry.node);
            ex.forget(c.entry.node, 2);
        });
    }
    return failures;
}

TEST(ExporterConcurrency, FourWritersThroughTheHostCallQueue) {
    orrery::testing::run_in_kernel(
        [] {
            World w = World::make();
            MUST(Exporter::start(w.ns, {}));
            MUST(HostCallQueue::start(4));
            std::atomic<int> failures{0}, done{0};
            std::vector<std::thread> hosts;
            for (int i = 0; i < 4; ++i)
                hosts.emplace_back([&, i] {
                    failures += writer(i);
                    done.fetch_add(1);
                });
            for (int i = 0; i < 100000 && done.load() < 4; ++i)
                ostd::sleep_for(200 * 1000);
            for (auto& h : hosts)
                h.join();
            EXPECT_EQ(failures.load(), 0);
            Exporter& ex = *Exporter::get();
            for (int i = 0; i < 4; ++i) {
                std::string moved = "w" + std::to_string(i) + "-moved";
                auto d = MUST(ex.lookup({}, kRootNode, moved));
                int fh = MUST(ex.opendir({}, d.node));
                size_t entries = 0;
                MUST(ex.readdir(
                    fh, 0,
                    [](void* p, const DirEntry&) {
                        ++*static_cast<size_t*>(p);
                        return true;
                    },
                    &entries));
                EXPECT_EQ(entries, 22u);  // ".", ".." and 20 files
                MUST(ex.release(fh));
            }
            EXPECT_EQ(ex.open_handles(), 0u);
            HostCallQueue::stop();
            Exporter::stop();
        },
        orrery::testing::small_machine(2));
}

}  // namespace
}  // namespace kernel::fs::exporter
