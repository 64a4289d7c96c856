// Command-line lookup over the BootInfo the backend installed.
#include <ostd/boot/boot_info.h>

namespace ostd {

std::string_view boot_arg(std::string_view key) {
    std::string_view cmd = boot_info().command_line;
    size_t pos = 0;
    while (pos < cmd.size()) {
        while (pos < cmd.size() && cmd[pos] == ' ') ++pos;
        size_t end = cmd.find(' ', pos);
        if (end == std::string_view::npos) end = cmd.size();
        std::string_view word = cmd.substr(pos, end - pos);
        if (word.size() > key.size() && word.substr(0, key.size()) == key &&
            word[key.size()] == '=')
            return word.substr(key.size() + 1);
        pos = end;
    }
    return {};
}

}  // namespace ostd
