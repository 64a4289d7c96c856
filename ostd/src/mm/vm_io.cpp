// VmReader/VmWriter: dispatch between kernel buffers (memcpy) and user ranges (VmSpace walks).
#include <ostd/mm/vm_io.h>

#include <algorithm>
#include <cstring>

#include <ostd/mm/vm_space.h>

namespace ostd {
namespace {

Result<size_t> finish(size_t n, bool fault, size_t* copied) {
    if (copied) *copied = n;
    if (fault) return Error(EFAULT, "bad user address");
    return n;
}

}  // namespace

void VmReader::skip(size_t n) {
    ORRERY_ASSERT(n <= remaining_, "VmReader::skip past the end");
    if (space_)
        va_ += n;
    else
        kbuf_ += n;
    remaining_ -= n;
}

void VmWriter::skip(size_t n) {
    ORRERY_ASSERT(n <= remaining_, "VmWriter::skip past the end");
    if (space_)
        va_ += n;
    else
        kbuf_ += n;
    remaining_ -= n;
}

Result<size_t> VmReader::read(std::span<std::byte> dst, size_t* copied) {
    size_t n = std::min(remaining_, dst.size());
    bool fault = false;
    if (space_) {
        n = space_->copy_user(va_, dst.data(), nullptr, n, AccessKind::kRead, &fault);
    } else if (n) {
        std::memcpy(dst.data(), kbuf_, n);
    }
    skip(n);
    return finish(n, fault, copied);
}

Result<size_t> VmReader::read_to(VmWriter& w, size_t* copied) {
    size_t n = std::min(remaining_, w.remaining_);
    bool fault = false;
    size_t done = 0;
    if (!space_ && !w.space_) {
        if (n) std::memcpy(w.kbuf_, kbuf_, n);
        done = n;
    } else if (space_ && !w.space_) {
        done = space_->copy_user(va_, w.kbuf_, nullptr, n, AccessKind::kRead, &fault);
    } else if (!space_ && w.space_) {
        done = w.space_->copy_user(w.va_, nullptr, kbuf_, n, AccessKind::kWrite, &fault);
    } else {
        // User to user: bounce through the stack so only one VmSpace lock is held at a time.
        std::byte bounce[512];
        while (done < n && !fault) {
            size_t chunk = std::min(n - done, sizeof(bounce));
            size_t got =
                space_->copy_user(va_ + done, bounce, nullptr, chunk, AccessKind::kRead, &fault);
            bool wfault = false;
            size_t put = w.space_->copy_user(w.va_ + done, nullptr, bounce, got, AccessKind::kWrite,
                                             &wfault);
            done += put;
            fault = fault || wfault;
        }
    }
    skip(done);
    w.skip(done);
    return finish(done, fault, copied);
}

Result<size_t> VmReader::read_cstring(std::span<char> buf) {
    size_t limit = std::min(remaining_, buf.size());
    if (!space_) {
        const void* nul = limit ? std::memchr(kbuf_, 0, limit) : nullptr;
        if (!nul) return Error(ENAMETOOLONG, "string longer than the buffer");
        size_t n = static_cast<size_t>(static_cast<const std::byte*>(nul) - kbuf_) + 1;
        std::memcpy(buf.data(), kbuf_, n);
        skip(n);
        return n - 1;
    }
    bool fault = false;
    bool found = false;
    size_t n = space_->copy_user_cstring(va_, buf.data(), limit, &fault, &found);
    if (found) {
        skip(n);
        return n - 1;
    }
    if (fault) return Error(EFAULT, "bad user address in string");
    return Error(ENAMETOOLONG, "string longer than the buffer");
}

Result<size_t> VmWriter::write(std::span<const std::byte> src, size_t* copied) {
    size_t n = std::min(remaining_, src.size());
    bool fault = false;
    if (space_) {
        n = space_->copy_user(va_, nullptr, src.data(), n, AccessKind::kWrite, &fault);
    } else if (n) {
        std::memcpy(kbuf_, src.data(), n);
    }
    skip(n);
    return finish(n, fault, copied);
}

Result<size_t> VmWriter::fill_zero(size_t len, size_t* copied) {
    size_t n = std::min(remaining_, len);
    bool fault = false;
    if (space_) {
        n = space_->copy_user(va_, nullptr, nullptr, n, AccessKind::kWrite, &fault);
    } else if (n) {
        std::memset(kbuf_, 0, n);
    }
    skip(n);
    return finish(n, fault, copied);
}

}  // namespace ostd
