// n_tty for Orrery: the receive path (signals, CR/NL mapping, canonical editing, echo), reads
// of lines or raw bytes, and OPOST output processing. Behaviour follows Linux's n_tty.c as
// described by termios(3); where they differ, Linux wins.
#include <kernel/tty/line_discipline.h>

#include <kernel/abi/signal.h>

namespace kernel::tty {

namespace t = abi::termios;

namespace {

constexpr char ctrl(char c) { return static_cast<char>(c & 0x1f); }
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

enum EraseKind { kErase, kWerase, kKill };

}  // namespace

abi::Termios default_termios() {
    abi::Termios tm{};
    tm.c_iflag = t::kIcrnl | t::kIxon;
    tm.c_oflag = t::kOpost | t::kOnlcr;
    tm.c_cflag = t::kB38400 | t::kCs8 | t::kCread | t::kHupcl;
    tm.c_lflag = t::kIsig | t::kIcanon | t::kEcho | t::kEchoe | t::kEchok | t::kEchoctl |
                 t::kEchoke | t::kIexten;
    tm.c_cc[t::kVintr] = ctrl('C');
    tm.c_cc[t::kVquit] = ctrl('\\');
    tm.c_cc[t::kVerase] = 0x7f;
    tm.c_cc[t::kVkill] = ctrl('U');
    tm.c_cc[t::kVeof] = ctrl('D');
    tm.c_cc[t::kVtime] = 0;
    tm.c_cc[t::kVmin] = 1;
    tm.c_cc[t::kVstart] = ctrl('Q');
    tm.c_cc[t::kVstop] = ctrl('S');
    tm.c_cc[t::kVsusp] = ctrl('Z');
    tm.c_cc[t::kVreprint] = ctrl('R');
    tm.c_cc[t::kVdiscard] = ctrl('O');
    tm.c_cc[t::kVwerase] = ctrl('W');
    tm.c_cc[t::kVlnext] = ctrl('V');
    return tm;
}

bool LineDiscipline::is_cc(char c, int index) const {
    // _POSIX_VDISABLE (0) disables a control character.
    return cc(index) != 0 && static_cast<uint8_t>(c) == cc(index);
}

void LineDiscipline::set_termios(const abi::Termios& tm) {
    bool was_canon = lflag(t::kIcanon);
    termios_ = tm;
    bool canon = lflag(t::kIcanon);
    if (was_canon && !canon) {
        canon_len_ = lines_ = 0;
    } else if (!was_canon && canon) {
        canon_len_ = lines_ = 0;  // Unterminated bytes start the current line.
        line_start_column_ = column_;
    }
    if (!iflag(t::kIxon)) stopped_ = false;
}

bool LineDiscipline::push(char c, uint8_t flags) {
    // In canonical mode the last slot is kept for a line terminator (as n_tty does).
    size_t limit = kBufSize - ((lflag(t::kIcanon) && !(flags & kEndOfLine)) ? 1 : 0);
    if (count_ >= limit) return false;
    buf_[(head_ + count_) % kBufSize] = Slot{c, flags};
    ++count_;
    if (flags & kEndOfLine && lflag(t::kIcanon)) {
        canon_len_ = count_;
        ++lines_;
        line_start_column_ = column_;
    }
    return true;
}

void LineDiscipline::pop_front(size_t n) {
    head_ = (head_ + n) % kBufSize;
    count_ -= n;
    canon_len_ = canon_len_ > n ? canon_len_ - n : 0;
}

void LineDiscipline::flush_input() {
    head_ = count_ = canon_len_ = lines_ = 0;
    lnext_ = false;
}

void LineDiscipline::receive(char c, LdiscSink& sink) {
    if (iflag(t::kIstrip)) c = static_cast<char>(c & 0x7f);
    if (lnext_) {
        lnext_ = false;
        if (lflag(t::kEcho)) echo(c, sink);
        (void)push(c, 0);
        return;
    }
    if (iflag(t::kIxon)) {
        if (is_cc(c, t::kVstop)) {
            stopped_ = true;
            return;
        }
        if (is_cc(c, t::kVstart)) {
            stopped_ = false;
            return;
        }
        if (stopped_ && iflag(t::kIxany)) stopped_ = false;
    }
    if (lflag(t::kIsig)) {
        int sig = is_cc(c, t::kVintr)   ? abi::sig::kInt
                  : is_cc(c, t::kVquit) ? abi::sig::kQuit
                  : is_cc(c, t::kVsusp) ? abi::sig::kTstp
                                        : 0;
        if (sig) {
            if (!lflag(t::kNoflsh)) flush_input();
            stopped_ = false;
            if (lflag(t::kEcho)) echo(c, sink);
            sink.signal(sig);
            return;
        }
    }
    if (c == '\r') {
        if (iflag(t::kIgncr)) return;
        if (iflag(t::kIcrnl)) c = '\n';
    } else if (c == '\n' && iflag(t::kInlcr)) {
        c = '\r';
    }
    if (lflag(t::kIcanon)) {
        receive_canonical(c, sink);
        return;
    }
    if (lflag(t::kEcho)) echo(c, sink);
    (void)push(c, 0);
}

void LineDiscipline::receive_canonical(char c, LdiscSink& sink) {
    if (is_cc(c, t::kVerase) || is_cc(c, t::kVkill) ||
        (lflag(t::kIexten) && is_cc(c, t::kVwerase))) {
        erase(is_cc(c, t::kVerase) ? kErase : is_cc(c, t::kVkill) ? kKill : kWerase, sink);
        return;
    }
    if (lflag(t::kIexten) && is_cc(c, t::kVlnext)) {
        lnext_ = true;
        if (lflag(t::kEcho) && lflag(t::kEchoctl)) echo_raw({"^\b", 2}, sink);
        return;
    }
    if (lflag(t::kIexten) && is_cc(c, t::kVreprint)) {
        if (!lflag(t::kEcho)) return;
        echo(c, sink);
        put_output('\n', sink);
        line_start_column_ = column_;
        for (size_t i = canon_len_; i < count_; ++i) echo(at(i).c, sink);
        return;
    }
    if (c == '\n') {
        if (lflag(t::kEcho) || lflag(t::kEchonl)) put_output('\n', sink);
        (void)push(c, kEndOfLine);
        return;
    }
    if (is_cc(c, t::kVeof)) {
        (void)push(c, kEndOfLine | kEofMark);
        return;
    }
    bool eol = is_cc(c, t::kVeol) || (lflag(t::kIexten) && is_cc(c, t::kVeol2));
    if (lflag(t::kEcho)) echo(c, sink);
    (void)push(c, eol ? kEndOfLine : 0);
}

// The column the echo of byte `line_index` (an index into the buffer within the current line)
// started at, recomputed from the line's start column (for erasing a tab).
unsigned LineDiscipline::column_before(size_t line_index) const {
    unsigned col = line_start_column_;
    for (size_t i = canon_len_; i < line_index; ++i) {
        char c = at(i).c;
        if (c == '\t')
            col = (col | 7) + 1;
        else if (is_control(c))
            col += lflag(t::kEchoctl) ? 2 : 0;
        else
            ++col;
    }
    return col;
}

void LineDiscipline::erase(int kind, LdiscSink& sink) {
    if (count_ == canon_len_) return;  // Nothing in the current line.
    bool echo_on = lflag(t::kEcho);
    if (kind == kKill && (!echo_on || !lflag(t::kEchok) || !lflag(t::kEchoke) ||
                          !lflag(t::kEchoe))) {
        count_ = canon_len_;
        if (echo_on) {
            echo(cc(t::kVkill), sink);
            if (lflag(t::kEchok)) put_output('\n', sink);
        }
        line_start_column_ = column_;
        return;
    }
    bool seen_word = false;
    while (count_ > canon_len_) {
        char c = at(count_ - 1).c;
        if (kind == kWerase) {
            if (is_word_char(c))
                seen_word = true;
            else if (seen_word)
                break;
        }
        --count_;
        if (echo_on) {
            if (kind == kErase && !lflag(t::kEchoe)) {
                echo(cc(t::kVerase), sink);
            } else if (c == '\t') {
                unsigned from = column_before(count_);
                for (int i = 0; i < 8 && column_ > from; ++i) put_output('\b', sink);
            } else if (is_control(c) && !lflag(t::kEchoctl)) {
                // Echoed as itself: nothing visible to erase.
            } else {
                int cells = is_control(c) ? 2 : 1;
                for (int i = 0; i < cells; ++i) echo_raw({"\b \b", 3}, sink);
            }
        }
        if (kind == kErase) break;
    }
}

void LineDiscipline::echo(char c, LdiscSink& sink) {
    if (lflag(t::kEchoctl) && is_control(c) && c != '\t' && c != '\n' &&
        !(c == ctrl('Q') || c == ctrl('S'))) {
        char seq[2] = {'^', static_cast<char>(c ^ 0x40)};
        echo_raw(seq, sink);
        return;
    }
    put_output(c, sink);
}

void LineDiscipline::echo_raw(std::span<const char> s, LdiscSink& sink) {
    for (char c : s) put_output(c, sink);
}

void LineDiscipline::write(std::span<const char> bytes, LdiscSink& sink) {
    for (char c : bytes) put_output(c, sink);
}

// One output byte through OPOST; tracks the column.
void LineDiscipline::put_output(char c, LdiscSink& sink) {
    uint32_t of = termios_.c_oflag;
    if (!(of & t::kOpost)) {
        sink.output({&c, 1});
        if (c == '\r')
            column_ = 0;
        else if (c == '\b')
            column_ = column_ ? column_ - 1 : 0;
        else if (!is_control(c))
            ++column_;
        return;
    }
    switch (c) {
        case '\n':
            if (of & t::kOnlcr) {
                sink.output({"\r\n", 2});
                column_ = 0;
                return;
            }
            if (of & t::kOnlret) column_ = 0;
            break;
        case '\r':
            if ((of & t::kOnocr) && column_ == 0) return;
            if (of & t::kOcrnl) {
                c = '\n';
                if (of & t::kOnlret) column_ = 0;
                break;
            }
            column_ = 0;
            break;
        case '\t':
            column_ = (column_ | 7) + 1;
            break;
        case '\b':
            if (column_ > 0) --column_;
            break;
        default:
            if (!is_control(c)) ++column_;
            break;
    }
    sink.output({&c, 1});
}

bool LineDiscipline::read_ready(size_t min) const {
    if (lflag(t::kIcanon)) return lines_ > 0;
    return count_ >= (min ? min : 1);
}

size_t LineDiscipline::readable_bytes() const {
    if (!lflag(t::kIcanon)) return count_;
    size_t n = 0;
    for (size_t i = 0; i < canon_len_; ++i)
        if (!(at(i).flags & kEofMark)) ++n;
    return n;
}

size_t LineDiscipline::read(std::span<char> out) {
    size_t n = 0;
    if (!lflag(t::kIcanon)) {
        while (n < out.size() && count_ > 0) {
            const Slot s = at(0);
            pop_front(1);
            if (s.flags & kEofMark) continue;  // Left over from canonical mode.
            out[n++] = s.c;
        }
        return n;
    }
    if (lines_ == 0) return 0;
    while (count_ > 0) {
        const Slot s = at(0);
        if (s.flags & kEofMark) {
            // The EOF character ends the line and is dropped; an empty line reads as 0 (EOF).
            pop_front(1);
            --lines_;
            break;
        }
        if (n == out.size()) break;
        out[n++] = s.c;
        pop_front(1);
        if (s.flags & kEndOfLine) {
            --lines_;
            break;
        }
    }
    return n;
}

}  // namespace kernel::tty
