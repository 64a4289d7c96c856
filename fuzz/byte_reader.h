// Consumes fuzzer input bytes as typed choices. Past the end every read yields zero, so any byte
// string decodes to some program and short inputs stay cheap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace orrery::fuzz {

class ByteReader {
  public:
    ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

    bool empty() const { return pos_ >= size_; }
    size_t remaining() const { return empty() ? 0 : size_ - pos_; }

    uint8_t u8() { return empty() ? 0 : data_[pos_++]; }
    uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
    uint32_t u32() { return u16() | (static_cast<uint32_t>(u16()) << 16); }
    uint64_t u64() { return u32() | (static_cast<uint64_t>(u32()) << 32); }
    bool flag() { return u8() & 1; }
    /// A value in [0, n) (n > 0), one byte when n <= 256.
    uint32_t below(uint32_t n) { return n <= 256 ? u8() % n : u32() % n; }

    /// Copies up to n bytes into dst (zero-filling the rest); returns how many came from input.
    size_t bytes(void* dst, size_t n) {
        size_t k = n < remaining() ? n : remaining();
        if (k) memcpy(dst, data_ + pos_, k);
        if (k < n) memset(static_cast<uint8_t*>(dst) + k, 0, n - k);
        pos_ += k;
        return k;
    }

  private:
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
};

}  // namespace orrery::fuzz
