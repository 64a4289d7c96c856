// Syscall table sanity: numbering against the host's real x86-64 ABI, lookups, argument kinds.
#include <kernel/syscall/table.h>

#include <kernel/syscall/listing.h>

#include <sys/syscall.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace kernel::syscall {
namespace {

// What the host's <sys/syscall.h> says about each name in syscalls.def: SYS_<name> expands to a
// number if the host knows the call, and stays an identifier otherwise.
#define ORRERY_STRINGIFY2(x) #x
#define ORRERY_STRINGIFY(x) ORRERY_STRINGIFY2(x)
struct HostEntry {
    const char* name;
    int nr;
    const char* host_expansion;
};
const HostEntry kHostEntries[] = {
#define ORRERY_SYSCALL(nr, name, ...) {#name, nr, ORRERY_STRINGIFY(SYS_##name)},
#include <kernel/syscall/syscalls.def>
#undef ORRERY_SYSCALL
};

bool is_number(const char* s) {
    if (!*s) return false;
    for (; *s; ++s)
        if (!std::isdigit(static_cast<unsigned char>(*s))) return false;
    return true;
}

TEST(SyscallTable, NamesMatchHostSysNumbers) {
    int checked = 0;
    for (const auto& e : kHostEntries) {
        if (!is_number(e.host_expansion)) continue;  // host headers predate this call
        EXPECT_EQ(std::atoi(e.host_expansion), e.nr) << "SYS_" << e.name;
        ++checked;
    }
    // glibc 2.36's table reaches 450; if this drops, the check silently stopped working.
    EXPECT_GT(checked, 340);
}

TEST(SyscallTable, HostKnowsNoSyscallTheTableLacks) {
    std::ifstream in("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    if (!in) GTEST_SKIP() << "no asm/unistd_64.h on this host";
    std::regex define(R"(#define __NR_(\w+) (\d+))");
    std::string line;
    int seen = 0;
    while (std::getline(in, line)) {
        std::smatch m;
        if (!std::regex_search(line, m, define)) continue;
        const SyscallInfo* info = find_syscall(std::stoll(m[2]));
        ASSERT_NE(info, nullptr) << "missing " << m[1] << " = " << m[2];
        EXPECT_STREQ(info->name, m[1].str().c_str());
        ++seen;
    }
    EXPECT_GT(seen, 300);
}

TEST(SyscallTable, DenseWhereLinuxIsAndGapsWhereItIsNot) {
    for (int nr = 0; nr <= 334; ++nr)
        EXPECT_NE(find_syscall(nr), nullptr) << nr;
    for (int nr = 335; nr <= 423; ++nr)
        EXPECT_EQ(find_syscall(nr), nullptr) << nr;
    for (int nr = 424; nr <= max_syscall_nr(); ++nr)
        EXPECT_NE(find_syscall(nr), nullptr) << nr;
    EXPECT_GE(max_syscall_nr(), 462);
    EXPECT_EQ(syscall_count(), static_cast<size_t>(335 + max_syscall_nr() - 424 + 1));
}

TEST(SyscallTable, NumbersAndNamesAreUniqueAndAscending) {
    std::set<std::string> names;
    for (size_t i = 0; i < syscall_count(); ++i) {
        const auto& row = syscall_at(i);
        EXPECT_TRUE(names.insert(row.name).second) << row.name;
        if (i > 0) {
            EXPECT_GT(row.nr, syscall_at(i - 1).nr);
        }
        EXPECT_EQ(find_syscall(row.nr), &row);
        EXPECT_EQ(find_syscall(row.name), &row);
    }
}

TEST(SyscallTable, OutOfRangeLookupsReturnNull) {
    EXPECT_EQ(find_syscall(int64_t{-1}), nullptr);
    EXPECT_EQ(find_syscall(int64_t{INT64_MIN}), nullptr);
    EXPECT_EQ(find_syscall(int64_t{max_syscall_nr()} + 1), nullptr);
    EXPECT_EQ(find_syscall(int64_t{1} << 40), nullptr);
    EXPECT_EQ(find_syscall("no_such_call"), nullptr);
    EXPECT_EQ(find_syscall(static_cast<const char*>(nullptr)), nullptr);
    EXPECT_EQ(find_syscall("open")->nr, 2);
    EXPECT_EQ(find_syscall("ope"), nullptr);  // no prefix matches
}

TEST(SyscallTable, SysnoConstantsMatchRows) {
    EXPECT_EQ(sysno::read, 0);
    EXPECT_EQ(sysno::openat, 257);
    EXPECT_EQ(sysno::clone3, 435);
    EXPECT_STREQ(find_syscall(sysno::exit_group)->name, "exit_group");
}

TEST(SyscallTable, ArgumentKindsDescribeSignatures) {
    const SyscallInfo* openat = find_syscall("openat");
    ASSERT_NE(openat, nullptr);
    EXPECT_EQ(openat->arg_count(), 4);
    EXPECT_EQ(openat->args[0], ArgKind::DirFd);
    EXPECT_EQ(openat->args[1], ArgKind::Path);
    EXPECT_EQ(openat->args[2], ArgKind::OpenFlags);
    EXPECT_EQ(openat->args[3], ArgKind::Mode);
    EXPECT_EQ(find_syscall("mmap")->arg_count(), 6);
    EXPECT_EQ(find_syscall("mmap")->args[2], ArgKind::Prot);
    EXPECT_EQ(find_syscall("getpid")->arg_count(), 0);
    EXPECT_EQ(find_syscall("kill")->args[1], ArgKind::Signal);
    EXPECT_STREQ(arg_kind_name(ArgKind::CloneFlags), "CloneFlags");
    for (size_t i = 0; i < syscall_count(); ++i) {
        const auto& row = syscall_at(i);
        int n = row.arg_count();
        // The tracer takes a buffer's or set's length from the next Size argument.
        for (int a = 0; a < n; ++a) {
            if (row.args[a] != ArgKind::BufIn && row.args[a] != ArgKind::SigsetIn) continue;
            bool has_size = false;
            for (int b = a + 1; b < n; ++b)
                has_size |= row.args[b] == ArgKind::Size;
            EXPECT_TRUE(has_size) << row.name << " has a sized argument without a Size";
        }
        for (int a = n; a < static_cast<int>(kMaxSyscallArgs); ++a)
            EXPECT_EQ(row.args[a], ArgKind::None) << row.name << " has a hole in its arguments";
    }
}

TEST(SyscallTable, StatusCountsCoverEveryRow) {
    StatusCounts counts = status_counts();
    EXPECT_EQ(counts.total(), syscall_count());
    size_t enosys = 0;
    for (size_t i = 0; i < syscall_count(); ++i)
        if (syscall_at(i).status == SyscallStatus::kEnosys) ++enosys;
    EXPECT_EQ(counts.enosys, enosys);
    EXPECT_STREQ(status_name(SyscallStatus::kEnosys), "enosys");
    EXPECT_STREQ(status_name(SyscallStatus::kPartial), "partial");
    EXPECT_STREQ(status_name(SyscallStatus::kImplemented), "implemented");
}

TEST(SyscallListing, RowsAndSummaryForOrrerySyscalls) {
    char buf[128];
    // The status column follows the table, which changes as handlers land.
    const SyscallInfo& openat = *find_syscall("openat");
    std::string want = std::string("257  openat(DirFd, Path, OpenFlags, Mode)  ") +
                       status_name(openat.status);
    EXPECT_EQ(format_syscall_row(buf, sizeof buf, openat), want.size());
    EXPECT_EQ(std::string(buf), want);
    const SyscallInfo& getpid = *find_syscall("getpid");
    format_syscall_row(buf, sizeof buf, getpid);
    EXPECT_EQ(std::string(buf), std::string(" 39  getpid()  ") + status_name(getpid.status));
    StatusCounts counts;
    counts.implemented = 3;
    counts.partial = 1;
    counts.enosys = 7;
    format_syscall_summary(buf, sizeof buf, counts);
    EXPECT_STREQ(buf, "11 syscalls: 3 implemented, 1 partial, 7 enosys");
}

TEST(SyscallTableDeathTest, RowIndexPastTheEndPanics) {
    EXPECT_DEATH((void)syscall_at(syscall_count()), "syscall_at");
}

}  // namespace
}  // namespace kernel::syscall
