// DIFFTEST(Suite, Name, needed syscalls...) { body using `sys` } defines a gtest that runs the
// body on the host Linux kernel and on Orrery and expects equal normalised transcripts.
// ORRERY_DIFFTEST_VERBOSE=1 prints matching transcripts too.
// The test is skipped while Orrery's table still lists a needed syscall as ENOSYS, so programs
// for families that have not landed yet switch themselves on when they do.
#pragma once

#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

#include "backends.h"
#include "sys.h"

namespace orrery::difftest {

/// Runs `program` on both backends and reports any difference as a gtest failure.
/// Skips (GTEST_SKIP) when Orrery does not implement one of `needs`.
void compare(const std::string& name, const Program& program, std::initializer_list<int> needs);

/// ORRERY_DIFFTEST_HOST_ONLY=1: run programs on the host only and print their transcripts
/// (for writing programs for families Orrery does not have yet).
bool host_only();

/// The first syscall in `needs` that Orrery's table lists as ENOSYS, or -1.
int first_missing(std::initializer_list<int> needs);

}  // namespace orrery::difftest

#define DIFFTEST(suite, name, ...)                                                          \
    static int difftest_##suite##_##name(::orrery::difftest::Sys& sys);                     \
    TEST(suite, name) {                                                                     \
        int missing = ::orrery::difftest::first_missing({__VA_ARGS__});                     \
        if (missing >= 0 && !::orrery::difftest::host_only())                              \
            GTEST_SKIP() << "Orrery lacks syscall " << missing;                             \
        ::orrery::difftest::compare(#suite "." #name, &difftest_##suite##_##name,           \
                                    {__VA_ARGS__});                                         \
    }                                                                                       \
    static int difftest_##suite##_##name(::orrery::difftest::Sys& sys)
