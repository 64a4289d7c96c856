// A small vsnprintf: enough of printf for logs, panics and procfs, with no libc underneath.
#include <ostd/common/format.h>

#include <cstdint>

namespace ostd {
namespace {

class Sink {
public:
    Sink(char* buf, size_t size) : buf_(buf), size_(size) {}
    void put(char c) {
        if (len_ + 1 < size_) buf_[len_] = c;
        ++len_;
    }
    void repeat(char c, int n) {
        for (int i = 0; i < n; ++i) put(c);
    }
    size_t finish() {
        if (size_ > 0) buf_[len_ < size_ ? len_ : size_ - 1] = '\0';
        return len_;
    }

private:
    char* buf_;
    size_t size_;
    size_t len_ = 0;
};

struct Spec {
    bool left = false, zero = false, plus = false, space = false, alt = false;
    int width = 0;
    int precision = -1;
};

void emit_padded(Sink& out, const Spec& spec, const char* prefix, const char* body, int body_len) {
    int prefix_len = 0;
    while (prefix[prefix_len]) ++prefix_len;
    int zeros = 0;
    if (spec.precision > body_len) zeros = spec.precision - body_len;
    int total = prefix_len + zeros + body_len;
    int pad = spec.width > total ? spec.width - total : 0;
    if (spec.zero && !spec.left && spec.precision < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!spec.left) out.repeat(' ', pad);
    for (int i = 0; i < prefix_len; ++i) out.put(prefix[i]);
    out.repeat('0', zeros);
    for (int i = 0; i < body_len; ++i) out.put(body[i]);
    if (spec.left) out.repeat(' ', pad);
}

void emit_unsigned(Sink& out, const Spec& spec, uint64_t v, unsigned base, bool upper,
                   const char* prefix) {
    char digits[24];
    int n = 0;
    const char* table = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (v == 0 && spec.precision != 0) digits[n++] = '0';
    while (v) {
        digits[n++] = table[v % base];
        v /= base;
    }
    char body[24];
    for (int i = 0; i < n; ++i) body[i] = digits[n - 1 - i];
    emit_padded(out, spec, prefix, body, n);
}

}  // namespace

size_t vformat(char* buf, size_t size, const char* fmt, va_list ap) {
    Sink out(buf, size);
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        ++p;
        Spec spec;
        for (;; ++p) {
            if (*p == '-') spec.left = true;
            else if (*p == '0') spec.zero = true;
            else if (*p == '+') spec.plus = true;
            else if (*p == ' ') spec.space = true;
            else if (*p == '#') spec.alt = true;
            else break;
        }
        if (*p == '*') {
            spec.width = va_arg(ap, int);
            if (spec.width < 0) {
                spec.left = true;
                spec.width = -spec.width;
            }
            ++p;
        } else {
            while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            ++p;
            spec.precision = 0;
            if (*p == '*') {
                spec.precision = va_arg(ap, int);
                ++p;
            } else {
                while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + (*p++ - '0');
            }
        }
        int longness = 0;  // 0 int, 1 long, 2 long long / size_t / ptrdiff_t / intmax_t
        int shortness = 0;
        for (;; ++p) {
            if (*p == 'l') ++longness;
            else if (*p == 'z' || *p == 't' || *p == 'j') longness = 2;
            else if (*p == 'h') ++shortness;
            else break;
        }
        auto fetch_signed = [&]() -> int64_t {
            if (longness >= 1) return longness == 1 ? va_arg(ap, long) : va_arg(ap, long long);
            int v = va_arg(ap, int);
            if (shortness == 1) return static_cast<short>(v);
            if (shortness >= 2) return static_cast<signed char>(v);
            return v;
        };
        auto fetch_unsigned = [&]() -> uint64_t {
            if (longness >= 1)
                return longness == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned long long);
            unsigned v = va_arg(ap, unsigned);
            if (shortness == 1) return static_cast<unsigned short>(v);
            if (shortness >= 2) return static_cast<unsigned char>(v);
            return v;
        };
        switch (*p) {
            case 'd':
            case 'i': {
                int64_t v = fetch_signed();
                const char* prefix = v < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : "";
                uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
                emit_unsigned(out, spec, mag, 10, false, prefix);
                break;
            }
            case 'u': emit_unsigned(out, spec, fetch_unsigned(), 10, false, ""); break;
            case 'x':
            case 'X':
            case 'o': {
                uint64_t v = fetch_unsigned();
                unsigned base = *p == 'o' ? 8 : 16;
                const char* prefix = "";
                if (spec.alt && v != 0) prefix = *p == 'o' ? "0" : *p == 'x' ? "0x" : "0X";
                emit_unsigned(out, spec, v, base, *p == 'X', prefix);
                break;
            }
            case 'p': {
                auto v = reinterpret_cast<uintptr_t>(va_arg(ap, void*));
                emit_unsigned(out, spec, v, 16, false, "0x");
                break;
            }
            case 'c': {
                char c = static_cast<char>(va_arg(ap, int));
                emit_padded(out, spec, "", &c, 1);
                break;
            }
            case 's': {
                const char* s = va_arg(ap, const char*);
                if (!s) s = "(null)";
                int n = 0;
                while (s[n] && (spec.precision < 0 || n < spec.precision)) ++n;
                Spec str_spec = spec;
                str_spec.precision = -1;
                str_spec.zero = false;
                emit_padded(out, str_spec, "", s, n);
                break;
            }
            case '%': out.put('%'); break;
            case '\0': --p; break;  // Lone '%' at the end: print nothing more.
            default:
                out.put('%');
                out.put(*p);
                break;
        }
    }
    return out.finish();
}

size_t format(char* buf, size_t size, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

}  // namespace ostd
