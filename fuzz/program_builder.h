// Writes syscall-fuzzer inputs by hand: a selector per call followed by the argument bytes the
// decoder reads. Used by the seed generator and the tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "syscall_program.h"

namespace orrery::fuzz {

class ProgramBuilder {
  public:
    /// Appends a call to `name` with `arg_bytes` of decoder choices (zeros by default: the
    /// first choice of each argument kind). Unknown names are skipped.
    ProgramBuilder& call(const char* name, std::initializer_list<uint8_t> arg_bytes = {},
                         size_t zero_pad = 0) {
        int sel = selector_for(name);
        if (sel < 0) return *this;
        bytes_.push_back(uint8_t(sel & 0xff));
        bytes_.push_back(uint8_t(sel >> 8));
        bytes_.insert(bytes_.end(), arg_bytes.begin(), arg_bytes.end());
        bytes_.insert(bytes_.end(), zero_pad, 0);
        return *this;
    }
    ProgramBuilder& raw(std::initializer_list<uint8_t> b) {
        bytes_.insert(bytes_.end(), b.begin(), b.end());
        return *this;
    }
    const std::vector<uint8_t>& bytes() const { return bytes_; }

  private:
    std::vector<uint8_t> bytes_;
};

}  // namespace orrery::fuzz
