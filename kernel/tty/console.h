// The console terminal: a Tty on the machine console (ostd's console output and input IRQ),
// serving /dev/console, /dev/ttyS0 and (as controlling terminal) /dev/tty.
#pragma once

#include <ostd/common/result.h>

#include <kernel/tty/tty.h>

namespace kernel::tty {

/// Creates the console Tty when the machine has console input, installs it as devfs's console
/// driver and starts its input worker. When neither host end is a terminal (pipes, files) the
/// console is a plain byte stream (Tty::Kind::kPipe: isatty() false, so `ls` prints one name
/// a line as with a pipe on Linux); when one is, a terminal, with no echo if the input is not
/// a terminal and no OPOST if the output is not one. `console=tty` / `console=pipe` on the
/// command line force either. Without console input the default console (output only) stays.
/// Call once per machine after signal::init().
/// ENOMEM, EBUSY (no free IRQ line).
ostd::Result<void> console_init();
/// Uninstalls the console driver, stops the input worker and frees the console (the machine is
/// going down). Precondition: no process is left (none may be inside a tty call).
void console_shutdown();
/// The console Tty, or null.
Tty* console_tty();

}  // namespace kernel::tty
