// The console terminal's device side: the input IRQ handler only flags the event and wakes a
// worker task (Linux's flip buffer + workqueue), which feeds the bytes through the line
// discipline, sends the ISIG signals, and forwards end of input and window-size changes.
#include <kernel/tty/console.h>

#include <atomic>
#include <optional>

#include <kernel/process/process_table.h>
#include <ostd/boot/boot_info.h>
#include <ostd/common/log.h>
#include <ostd/console/input.h>
#include <ostd/task/task.h>

namespace kernel::tty {
namespace {

struct Console {
    Console(ostd::Box<Tty> t, ostd::IrqLine* l) : tty(std::move(t)), line(l) {}
    ostd::Box<Tty> tty;
    ostd::IrqLine* line = nullptr;  // Owned by the machine's IRQ table.
    ostd::WaitQueue rx_wait;
    std::atomic<bool> rx_pending{false};
    std::atomic<bool> stopping{false};
    std::optional<ostd::TaskRef> worker;
};

// Only the boot task touches the owner (console_init / console_shutdown); others read the
// published pointer.
std::optional<ostd::Box<Console>> g_owner;
std::atomic<Console*> g_console{nullptr};

void write_console(void*, const char* bytes, size_t n) { ostd::console_write(bytes, n); }

void on_input_irq(ostd::IrqLine&, void* arg) {
    auto* c = static_cast<Console*>(arg);
    c->rx_pending.store(true, std::memory_order_release);
    c->rx_wait.wake_all();
}

abi::Winsize host_window_size() {
    auto ws = ostd::console::window_size();
    if (ws.is_error()) return {};
    return abi::Winsize{ws.value().rows, ws.value().cols, 0, 0};
}

int input_worker(Console* c) {
    char buf[512];
    abi::Winsize last = host_window_size();
    while (!c->stopping.load(std::memory_order_acquire)) {
        (void)c->rx_wait.wait_until([c] {
            return c->rx_pending.load(std::memory_order_acquire) ||
                   c->stopping.load(std::memory_order_acquire);
        });
        c->rx_pending.store(false, std::memory_order_release);
        while (size_t n = ostd::console::read_input(buf)) c->tty->receive({buf, n});
        if (ostd::console::input_closed()) c->tty->set_input_closed();
        abi::Winsize ws = host_window_size();
        if (ws.ws_row != last.ws_row || ws.ws_col != last.ws_col) {
            last = ws;
            c->tty->set_window_size(ws);
        }
    }
    return 0;
}

void on_process_exit(Process& p) {
    if (Console* c = g_console.load(std::memory_order_acquire)) c->tty->on_process_exit(p);
}

const ProcessHooks kConsoleHooks{nullptr, nullptr, &on_process_exit, nullptr};

}  // namespace

Tty* console_tty() {
    Console* c = g_console.load(std::memory_order_acquire);
    return c ? c->tty.ptr() : nullptr;
}

ostd::Result<void> console_init() {
    auto line = ostd::console::start_input();
    if (line.is_error()) {
        if (line.error().code() == ENODEV) return ostd::ok();  // Output-only console.
        return line.release_error();
    }
    using ostd::console::End;
    const bool in_tty = ostd::console::is_terminal(End::kInput);
    const bool out_tty = ostd::console::is_terminal(End::kOutput);
    // console=tty / console=pipe on the command line override what the host ends say.
    std::string_view mode = ostd::boot_arg("console");
    const bool terminal = mode == "tty" || (mode != "pipe" && (in_tty || out_tty));
    ostd::Box<Tty> tty = TRY(Tty::create(&write_console, nullptr,
                                         terminal ? Tty::Kind::kTerminal : Tty::Kind::kPipe));
    if (terminal) {
        abi::Termios tm = default_termios();
        if (!in_tty)
            tm.c_lflag &= ~(abi::termios::kEcho | abi::termios::kEchoe | abi::termios::kEchok |
                            abi::termios::kEchoke | abi::termios::kEchoctl);
        if (!out_tty) tm.c_oflag &= ~abi::termios::kOpost;
        tty->set_termios(tm);
        tty->set_window_size(host_window_size());
    }
    ostd::Box<Console> box = TRY(ostd::try_make_box<Console>(std::move(tty), line.value()));
    Console* c = box.ptr();
    TRY(line.value()->add_handler(&on_input_irq, c));
    c->worker.emplace(TRY(ostd::Task::spawn(
        ostd::TaskOptions([c] { return input_worker(c); }).name("tty-input"))));
    g_owner.emplace(std::move(box));
    g_console.store(c, std::memory_order_release);
    ProcessTable::add_hooks(&kConsoleHooks);
    fs::devfs::set_console_driver(c->tty.ptr());
    line.value()->enable();
    // Bytes that arrived before the handler was installed.
    c->rx_pending.store(true, std::memory_order_release);
    c->rx_wait.wake_all();
    return ostd::ok();
}

void console_shutdown() {
    Console* c = g_console.exchange(nullptr, std::memory_order_acq_rel);
    fs::devfs::set_console_driver(nullptr);
    if (!c) return;
    c->line->disable();
    c->line->release();
    c->stopping.store(true, std::memory_order_release);
    c->rx_wait.wake_all();
    (void)(*c->worker)->join();
    g_owner.reset();
}

}  // namespace kernel::tty
