// Transcripts: what a differential program observed on one backend, and the normalisation that
// makes two backends' transcripts comparable (pids and addresses renamed by first appearance,
// errnos by name, fds/sizes reduced to ok-or-errno where the program asked for that).
#pragma once

#include <string>
#include <vector>

namespace orrery::difftest {

/// One backend's run of a program: the raw records in order and how the process ended.
struct Outcome {
    std::vector<std::string> records;  ///< "<kind> <label> <payload>", see Sys::record
    int status = -1;  ///< exit code, or 128+signal if killed; -1 if the harness failed
    std::string harness_error;  ///< set when the harness itself failed (fork, timeout)
};

/// Normalised, comparable lines ("label = value"), the last one being "end = exit N" or
/// "end = killed SIGxxx".
std::vector<std::string> normalise(const Outcome& outcome);

/// An errno's symbolic name ("ENOMEM"), or "E<n>" for numbers without one.
std::string errno_name(int err);

/// Empty when equal; otherwise a side-by-side listing that marks the differing lines.
std::string diff(const std::vector<std::string>& orrery, const std::vector<std::string>& linux_);

}  // namespace orrery::difftest
