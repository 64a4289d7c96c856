// TraceWriter: bounded, always-terminated text output for the syscall tracer.
#include <kernel/syscall/trace_writer.h>

#include <cstdarg>

namespace kernel::syscall {

TraceWriter::TraceWriter(char* buf, size_t size) : buf_(buf), size_(buf ? size : 0) {
    terminate();
}

void TraceWriter::terminate() {
    if (size_ == 0) return;
    buf_[len_ < size_ ? len_ : size_ - 1] = '\0';
}

void TraceWriter::put(char c) {
    if (len_ + 1 < size_) buf_[len_] = c;
    ++len_;
    terminate();
}

void TraceWriter::puts(const char* s) {
    while (*s)
        put(*s++);
}

void TraceWriter::printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char* dst = len_ < size_ ? buf_ + len_ : nullptr;
    size_t room = len_ < size_ ? size_ - len_ : 0;
    len_ += ostd::vformat(dst, room, fmt, ap);
    va_end(ap);
    terminate();
}

void TraceWriter::quoted(const char* bytes, size_t len) {
    static constexpr char kHex[] = "0123456789abcdef";
    put('"');
    for (size_t i = 0; i < len; ++i) {
        auto c = static_cast<unsigned char>(bytes[i]);
        switch (c) {
            case '"':
                puts("\\\"");
                break;
            case '\\':
                puts("\\\\");
                break;
            case '\n':
                puts("\\n");
                break;
            case '\t':
                puts("\\t");
                break;
            case '\r':
                puts("\\r");
                break;
            default:
                if (c >= 0x20 && c < 0x7f) {
                    put(static_cast<char>(c));
                } else {
                    puts("\\x");
                    put(kHex[c >> 4]);
                    put(kHex[c & 0xf]);
                }
        }
    }
    put('"');
}

}  // namespace kernel::syscall
