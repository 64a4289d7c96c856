// Console input: binds the backend's input device to an IRQ line of the running machine.
#include <ostd/console/input.h>

#include <atomic>

#include "hal/console.h"

namespace ostd::console {
namespace {

// The line of the running machine's console input; set before the backend can raise it and
// only cleared after the machine stopped (the backend joins its thread first).
std::atomic<IrqLine*> g_line{nullptr};

void on_device_event() {
    if (IrqLine* line = g_line.load(std::memory_order_acquire)) line->raise();
}

}  // namespace

bool is_terminal(End end) { return hal::console_is_terminal(end == End::kOutput); }

Result<IrqLine*> start_input() {
    IrqLine* line = TRY(IrqLine::allocate());
    g_line.store(line, std::memory_order_release);
    if (!hal::console_input_start(&on_device_event)) {
        g_line.store(nullptr, std::memory_order_release);
        line->release();
        return Error(ENODEV, "no console input");
    }
    return line;
}

size_t read_input(std::span<char> buf) { return hal::console_input_read(buf.data(), buf.size()); }

bool input_closed() { return hal::console_input_closed(); }

Result<WindowSize> window_size() {
    WindowSize ws{};
    if (!hal::console_window_size(&ws.rows, &ws.cols)) return Error(ENOTTY);
    return ws;
}

}  // namespace ostd::console
