// Helpers shared by the exporter's files: request credentials, the (directory, name) that
// resolves to a node, and Scope, a one-request vfs::Caller.
#pragma once

#include <kernel/fs/export/exporter.h>

namespace kernel::fs::exporter {

/// Root credentials lowered to the request's fsuid/fsgid and groups (at most kMaxGroups).
ostd::Result<Credentials> creds_of(const RequestCreds& rc);

/// The directory to resolve from and the name to resolve so that the walk lands on a node: a
/// directory resolves itself as "."; anything else as its name in its parent. ENOENT when the
/// node was unlinked; EINVAL for a non-directory mount root; ENOMEM.
struct Split {
    Path dir;
    ostd::String name;
};
ostd::Result<Split> split(const Path& p);

/// A request's caller: its credentials and a private FsContext whose cwd is where names start,
/// with the exporter's descriptor table. Umask 0: the client applied its own.
class Scope {
public:
    static ostd::Result<Scope> make(Exporter& ex, const RequestCreds& rc, const Path& cwd);
    /// Valid while this Scope lives (it refers to its members).
    vfs::Caller caller() const;

private:
    Scope(Exporter& ex, Credentials c, ostd::Ref<FsContext> fs)
        : ex_(&ex), creds_(std::move(c)), fs_(std::move(fs)) {}
    Exporter* ex_;
    Credentials creds_;
    ostd::Ref<FsContext> fs_;
};

}  // namespace kernel::fs::exporter
