// Archive path normalisation (see path.h).
#include <kernel/fs/initramfs/path.h>

namespace kernel::initramfs {

ostd::Result<size_t> normalize_path(std::string_view raw, std::span<char> out, size_t* bad_at) {
    size_t len = 0;
    size_t i = 0;
    while (i < raw.size()) {
        size_t start = i;
        while (i < raw.size() && raw[i] != '/')
            ++i;
        std::string_view comp = raw.substr(start, i - start);
        if (i < raw.size()) ++i;  // skip the '/'
        if (comp.empty() || comp == ".") continue;
        if (comp == "..") {
            if (bad_at) *bad_at = start;
            return ostd::Error(EINVAL, "name has a '..' component");
        }
        size_t need = comp.size() + (len > 0 ? 1 : 0);
        if (need > out.size() - len) return ostd::Error(ENAMETOOLONG, "path buffer too small");
        if (len > 0) out[len++] = '/';
        for (char c : comp)
            out[len++] = c;
    }
    return len;
}

}  // namespace kernel::initramfs
