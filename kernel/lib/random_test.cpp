// The kernel's ChaCha20 generator: the stream for a seed does not depend on how it is read
// (whole blocks go straight to the caller, partial ones through the held block).
#include <kernel/lib/random.h>

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace kernel {
namespace {

std::vector<uint8_t> read_in_chunks(uint64_t seed, const std::vector<size_t>& chunks) {
    random_init(seed);
    std::vector<uint8_t> out;
    for (size_t n : chunks) {
        std::vector<uint8_t> part(n);
        random_bytes(part.data(), n);
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

TEST(Random, StreamIsTheSameWhateverTheReadSizes) {
    const std::vector<uint8_t> whole = read_in_chunks(42, {1000});
    EXPECT_EQ(read_in_chunks(42, {1, 63, 64, 65, 127, 128, 200, 3, 349}), whole);
    EXPECT_EQ(read_in_chunks(42, {64, 64, 64, 64, 64, 680}), whole);
    EXPECT_EQ(read_in_chunks(42, {7, 993}), whole);
    EXPECT_NE(read_in_chunks(43, {1000}), whole);
    // Not a constant stream: blocks differ from one another.
    EXPECT_NE(std::vector<uint8_t>(whole.begin(), whole.begin() + 64),
              std::vector<uint8_t>(whole.begin() + 64, whole.begin() + 128));
}

}  // namespace
}  // namespace kernel
