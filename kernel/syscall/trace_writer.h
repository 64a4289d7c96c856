// TraceWriter: appends text to a caller-owned buffer with snprintf semantics (always
// NUL-terminated, counts the length the full text would have had). The tracer's only sink.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ostd/common/format.h>

namespace kernel::syscall {

class TraceWriter {
  public:
    /// buf may be null only when size is 0 (length-only dry run).
    TraceWriter(char* buf, size_t size);

    void put(char c);
    void puts(const char* s);
    void printf(const char* fmt, ...) ORRERY_PRINTF(2, 3);
    /// Appends `len` bytes as a C string literal body: quotes, escapes, non-printables as \xNN.
    void quoted(const char* bytes, size_t len);

    /// Length the full output has (may exceed the buffer: the caller detects truncation).
    size_t length() const { return len_; }

  private:
    void terminate();

    char* buf_;
    size_t size_;
    size_t len_ = 0;
};

}  // namespace kernel::syscall
