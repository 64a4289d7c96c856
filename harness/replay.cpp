// Replay of fuzz inputs: trace, then an exactness check by running the input again.
#include "replay.h"

#include <cstdio>
#include <vector>

#include <ostd/boot/boot_info.h>
#include <ostd/common/log.h>

#include "harness.h"

namespace orrery::harness {

int cmd_replay(const std::string& path) {
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) {
        perror(path.c_str());
        return 2;
    }
    std::vector<uint8_t> data;
    uint8_t buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        data.insert(data.end(), buf, buf + n);
    fclose(f);

    ostd::set_log_level(ostd::LogLevel::kWarn);
    fprintf(stderr, "replay: %s (%zu bytes), strace-like trace of the first run:\n", path.c_str(),
            data.size());
    fuzz::RunOptions traced;
    traced.trace = true;
    fuzz::RunResult first = fuzz::run_syscall_input(data.data(), data.size(), traced);
    fuzz::RunResult second = fuzz::run_syscall_input(data.data(), data.size());
    auto describe = [](const fuzz::RunResult& r) {
        if (r.outcome == fuzz::Outcome::kHung)
            fprintf(stderr, "hung (virtual-time budget), ");
        else
            fprintf(stderr, "status %d, ", r.status);
        fprintf(stderr, "%d calls, digest %016llx\n", r.program.calls,
                static_cast<unsigned long long>(r.program.digest));
    };
    fprintf(stderr, "replay: run 1: ");
    describe(first);
    fprintf(stderr, "replay: run 2: ");
    describe(second);
    if (first.status != second.status || first.program.calls != second.program.calls ||
        first.program.digest != second.program.digest) {
        fprintf(stderr, "replay: NOT EXACT: the two runs differ\n");
        return 3;
    }
    fprintf(stderr, "replay: exact (both runs agree)\n");
    return first.status;
}

}  // namespace orrery::harness
