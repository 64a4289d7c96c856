// Writes the syscall fuzzer's seed corpus (one small program per syscall family) and its
// libFuzzer/AFL++ dictionary (the selector of every generated syscall, and path words).
//   fuzz_seedgen CORPUS_DIR DICT_FILE
#include <cstdio>
#include <string>
#include <vector>

#include <kernel/syscall/table.h>

#include "program_builder.h"

using orrery::fuzz::ProgramBuilder;

namespace {

bool write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
    FILE* f = fopen(path.c_str(), "wb");
    if (!f) return false;
    fwrite(bytes.data(), 1, bytes.size(), f);
    return fclose(f) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s CORPUS_DIR DICT_FILE\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    struct Seed {
        const char* name;
        ProgramBuilder program;
    };
    std::vector<Seed> seeds;
    seeds.push_back({"ids", ProgramBuilder().call("getpid").call("getppid").call("gettid")
                                .call("getuid").call("geteuid").call("getpgrp").call("getsid")});
    seeds.push_back({"mm", ProgramBuilder().call("mmap", {}, 12).call("mprotect", {}, 6)
                               .call("mremap", {}, 10).call("madvise", {}, 6)
                               .call("munmap", {}, 6).call("brk", {}, 2)});
    seeds.push_back({"signals", ProgramBuilder().call("rt_sigaction", {}, 16)
                                    .call("rt_sigprocmask", {}, 12).call("kill", {}, 4)
                                    .call("rt_sigpending", {}, 4).call("sigaltstack", {}, 6)
                                    .call("tkill", {}, 4)});
    seeds.push_back({"fork_wait", ProgramBuilder().call("fork", {4, 0}).call("getpid")
                                      .call("exit", {}, 2).call("wait4", {}, 8)
                                      .call("waitid", {}, 10)});
    seeds.push_back({"creds", ProgramBuilder().call("setresuid", {}, 6).call("setgroups", {}, 4)
                                  .call("getgroups", {}, 4).call("setreuid", {}, 4)
                                  .call("setfsuid", {}, 2).call("getresuid", {}, 6)});
    seeds.push_back({"uts", ProgramBuilder().call("uname", {}, 2).call("sethostname", {}, 8)
                                .call("setdomainname", {}, 8).call("uname", {}, 2)});
    seeds.push_back({"time", ProgramBuilder().call("clock_gettime", {}, 4)
                                 .call("nanosleep", {}, 6).call("setitimer", {}, 6)
                                 .call("getitimer", {}, 4).call("alarm", {}, 2)
                                 .call("clock_nanosleep", {}, 10).call("times", {}, 2)});
    seeds.push_back({"futex", ProgramBuilder().call("futex", {}, 14)
                                  .call("set_robust_list", {}, 4).call("get_robust_list", {}, 6)
                                  .call("set_tid_address", {}, 2)});
    seeds.push_back({"limits", ProgramBuilder().call("getrlimit", {}, 4).call("setrlimit", {}, 4)
                                   .call("prlimit64", {}, 10).call("getrusage", {}, 4)
                                   .call("umask", {}, 2).call("prctl", {}, 12)});
    seeds.push_back({"vfs", ProgramBuilder().call("openat", {}, 12).call("pipe2", {}, 4)
                                .call("write", {}, 8).call("read", {}, 8).call("dup", {}, 2)
                                .call("close", {}, 2).call("mkdirat", {}, 8)
                                .call("getdents64", {}, 6).call("fstat", {}, 4)});
    for (auto& s : seeds) {
        if (!write_file(dir + "/" + s.name + ".bin", s.program.bytes())) {
            perror(s.name);
            return 1;
        }
    }
    FILE* dict = fopen(argv[2], "w");
    if (!dict) {
        perror(argv[2]);
        return 1;
    }
    fprintf(dict, "# fuzz/syscalls dictionary: two-byte call selectors (syscall numbers).\n");
    for (size_t i = 0; i < kernel::syscall::syscall_count(); ++i) {
        const auto& info = kernel::syscall::syscall_at(i);
        int sel = orrery::fuzz::selector_for(info.name);
        if (sel < 0 || info.status == kernel::syscall::SyscallStatus::kEnosys) continue;
        fprintf(dict, "%s=\"\\x%02x\\x%02x\"\n", info.name, sel & 0xff, sel >> 8);
    }
    fclose(dict);
    return 0;
}
