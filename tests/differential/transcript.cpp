// Transcript normalisation and side-by-side diff.
#include "transcript.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>

#include "sys.h"

namespace orrery::difftest {

std::string errno_name(int err) {
    const char* name = strerrorname_np(err);
    return name ? name : "E" + std::to_string(err);
}

namespace {

// Renames values by first appearance: the first pid seen is P0, the next distinct one P1, ...
class Renamer {
public:
    explicit Renamer(char prefix) : prefix_(prefix) {}
    std::string operator()(int64_t v) {
        auto [it, inserted] = names_.try_emplace(v, "");
        if (inserted) it->second = prefix_ + std::to_string(names_.size() - 1);
        return it->second;
    }

private:
    char prefix_;
    std::map<int64_t, std::string> names_;
};

bool is_error(int64_t v) { return v < 0 && v >= -4095; }

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "SIG" + std::to_string(sig);
}

}  // namespace

std::vector<std::string> normalise(const Outcome& outcome) {
    std::vector<std::string> out;
    Renamer pids('P');
    Renamer addrs('A');
    for (const std::string& rec : outcome.records) {
        // "<kind> <label> <payload>"; labels have no spaces (Sys replaces them).
        size_t sp1 = rec.find(' ');
        size_t sp2 = rec.find(' ', sp1 == std::string::npos ? sp1 : sp1 + 1);
        if (rec.size() < 2 || sp1 != 1 || sp2 == std::string::npos) {
            out.push_back("malformed record: " + rec);
            continue;
        }
        std::string label = rec.substr(2, sp2 - 2);
        std::string payload = rec.substr(sp2 + 1);
        int64_t v = std::strtoll(payload.c_str(), nullptr, 10);
        std::string value;
        switch (static_cast<Kind>(rec[0])) {
            case Kind::kExact: value = is_error(v) ? errno_name(static_cast<int>(-v)) : payload;
                break;
            case Kind::kOk: value = is_error(v) ? errno_name(static_cast<int>(-v)) : "ok"; break;
            case Kind::kPid: value = v < 0 ? errno_name(static_cast<int>(-v)) : pids(v); break;
            case Kind::kAddr: value = is_error(v) ? errno_name(static_cast<int>(-v)) : addrs(v);
                break;
            case Kind::kBytes:
            case Kind::kNote: value = payload; break;
            default: value = "unknown kind: " + payload;
        }
        out.push_back(label + " = " + value);
    }
    if (!outcome.harness_error.empty()) {
        out.push_back("end = harness error: " + outcome.harness_error);
    } else if (outcome.status >= 128) {
        out.push_back("end = killed " + signal_name(outcome.status - 128));
    } else {
        out.push_back("end = exit " + std::to_string(outcome.status));
    }
    return out;
}

std::string diff(const std::vector<std::string>& orrery, const std::vector<std::string>& linux_) {
    if (orrery == linux_) return {};
    size_t width = 10;
    for (const auto& l : orrery) width = std::max(width, l.size());
    std::string text = "  " + std::string("orrery") + std::string(width - 6, ' ') + " | linux\n";
    for (size_t i = 0; i < std::max(orrery.size(), linux_.size()); ++i) {
        std::string a = i < orrery.size() ? orrery[i] : "";
        std::string b = i < linux_.size() ? linux_[i] : "";
        text += (a == b ? "  " : "! ") + a + std::string(width - a.size(), ' ') + " | " + b + "\n";
    }
    return text;
}

}  // namespace orrery::difftest
