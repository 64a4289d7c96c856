// ktl Vector and String: growth, insertion/erasure order, object lifetimes, ENOMEM paths.
#include <ostd/ktl/string.h>
#include <ostd/ktl/vector.h>

#include <gtest/gtest.h>

#include "kernel_env.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;

struct Counted {
    static inline int live = 0;
    int v;
    explicit Counted(int x) : v(x) { ++live; }
    Counted(Counted&& o) : v(o.v) { ++live; }
    Counted& operator=(Counted&& o) = default;
    ~Counted() { --live; }
};

TEST(Vector, GrowInsertEraseKeepOrderAndLifetimes) {
    run_in_kernel([] {
        {
            ostd::Vector<Counted> v;
            for (int i = 0; i < 1000; ++i) ASSERT_TRUE(v.emplace_back(i).is_ok());
            EXPECT_EQ(v.size(), 1000u);
            EXPECT_EQ(Counted::live, 1000);
            ASSERT_TRUE(v.insert(0, Counted(-1)).is_ok());
            ASSERT_TRUE(v.insert(500, Counted(-2)).is_ok());
            ASSERT_TRUE(v.insert(v.size(), Counted(-3)).is_ok());
            EXPECT_EQ(v[0].v, -1);
            EXPECT_EQ(v[500].v, -2);
            EXPECT_EQ(v[501].v, 499);
            EXPECT_EQ(v.back().v, -3);
            v.erase_range(1, 11);  // Drops 0..9.
            EXPECT_EQ(v[1].v, 10);
            v.erase(0);
            EXPECT_EQ(v[0].v, 10);
            EXPECT_EQ(Counted::live, static_cast<int>(v.size()));
            ostd::Vector<Counted> moved = std::move(v);
            EXPECT_TRUE(v.is_empty());
            EXPECT_EQ(Counted::live, static_cast<int>(moved.size()));
        }
        EXPECT_EQ(Counted::live, 0);
    }, small_machine());
}

TEST(Vector, CloneAndExhaustion) {
    run_in_kernel([] {
        ostd::Vector<int> v;
        for (int i = 0; i < 10; ++i) ASSERT_TRUE(v.push_back(i).is_ok());
        auto c = v.try_clone();
        ASSERT_TRUE(c.is_ok());
        EXPECT_EQ(c.value()[9], 9);
        // Far beyond a 32 MiB machine: refused cleanly, contents intact.
        EXPECT_EQ(v.reserve(size_t{1} << 30).error(), ENOMEM);
        EXPECT_EQ(v.size(), 10u);
        EXPECT_EQ(v[3], 3);
    }, small_machine());
}

TEST(Vector, ResizeZeroFillsAndShrinks) {
    run_in_kernel([] {
        ostd::Vector<int> v;
        ASSERT_TRUE(v.push_back(7).is_ok());
        ASSERT_TRUE(v.resize(1000).is_ok());
        EXPECT_EQ(v.size(), 1000u);
        EXPECT_EQ(v[0], 7);
        for (size_t i = 1; i < v.size(); ++i) ASSERT_EQ(v[i], 0);
        ASSERT_TRUE(v.resize(3).is_ok());
        EXPECT_EQ(v.size(), 3u);
        EXPECT_EQ(v.resize(size_t{1} << 30).error(), ENOMEM);
        EXPECT_EQ(v.size(), 3u);
        ostd::Vector<Counted> c;
        ASSERT_TRUE(c.emplace_back(1).is_ok());
        c.truncate(0);
        EXPECT_EQ(Counted::live, 0);
    }, small_machine());
}

using VectorDeathTest = ::testing::Test;
TEST_F(VectorDeathTest, OutOfRangeIndexPanics) {
    EXPECT_DEATH(run_in_kernel([] {
                     ostd::Vector<int> v;
                     (void)v.push_back(1);
                     (void)v[1];
                 }, small_machine()),
                 "Vector index 1 out of range");
}

TEST(String, AppendCloneTruncate) {
    run_in_kernel([] {
        auto s = ostd::String::from("hello");
        ASSERT_TRUE(s.is_ok());
        for (int i = 0; i < 100; ++i) ASSERT_TRUE(s.value().append(", world").is_ok());
        EXPECT_EQ(s.value().size(), 5u + 700u);
        EXPECT_EQ(s.value().view().substr(0, 12), "hello, world");
        s.value().truncate(5);
        EXPECT_STREQ(s.value().c_str(), "hello");
        auto c = s.value().try_clone();
        EXPECT_TRUE(c.value() == "hello");
        ostd::String empty;
        EXPECT_STREQ(empty.c_str(), "");
    }, small_machine());
}

}  // namespace
