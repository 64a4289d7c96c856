// The terminal line discipline (Linux's n_tty): input editing in canonical mode, echo, input
// and output character mapping and the signal characters. Pure state machine: no locks, no
// processes; the Tty that owns it serialises calls and acts on the events it reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <kernel/abi/tty.h>

namespace kernel::tty {

/// Where the line discipline sends its effects. Called synchronously from its methods.
class LdiscSink {
public:
    /// Bytes for the terminal's output (echo and processed program output).
    virtual void output(std::span<const char> bytes) = 0;
    /// An ISIG character arrived: send `sig` to the foreground process group.
    virtual void signal(int sig) = 0;

protected:
    ~LdiscSink() = default;
};

/// Linux's default termios for a new terminal (tty_std_termios with the echo flags of a
/// console): ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO|ECHOE|ECHOK|
/// ECHOCTL|ECHOKE|IEXTEN and the usual control characters (^C ^\ DEL ^U ^D ^Z ^W ...).
abi::Termios default_termios();

class LineDiscipline {
public:
    /// The input buffer size (N_TTY_BUF_SIZE). A canonical line longer than this is cut.
    static constexpr size_t kBufSize = 4096;

    LineDiscipline() : termios_(default_termios()) {}

    const abi::Termios& termios() const { return termios_; }
    /// Installs new settings. Leaving canonical mode makes everything buffered readable;
    /// entering it makes the unterminated bytes the start of the current line.
    void set_termios(const abi::Termios& t);

    /// Processes one received byte (ISIG, mapping, editing, echo) as n_tty does.
    void receive(char c, LdiscSink& sink);

    /// Whether a read would return now: canonical mode, a complete line (an EOF-terminated one
    /// included, even empty); otherwise at least `min` bytes (min >= 1).
    bool read_ready(size_t min = 1) const;
    /// Moves readable bytes into out: canonical mode at most one line (its EOF character is
    /// consumed, never copied); otherwise up to out.size() bytes. Returns the count.
    size_t read(std::span<char> out);
    /// Bytes a read could return in total (FIONREAD): complete lines in canonical mode.
    size_t readable_bytes() const;
    /// Drops all buffered input (TCIFLUSH, ISIG without NOFLSH).
    void flush_input();

    /// Program output through OPOST (ONLCR, OCRNL, ONLRET, ONOCR) to the sink.
    void write(std::span<const char> bytes, LdiscSink& sink);

    /// Output stopped by the STOP character (IXON) or TCXONC TCOOFF.
    bool output_stopped() const { return stopped_; }
    void set_output_stopped(bool stopped) { stopped_ = stopped; }

private:
    // One buffered input byte; the flags mark line ends and EOF characters.
    struct Slot {
        char c;
        uint8_t flags;
    };
    static constexpr uint8_t kEndOfLine = 1;  // Terminates a canonical line ('\n', EOL, EOF).
    static constexpr uint8_t kEofMark = 2;    // The EOF character: ends a line, never read.

    bool lflag(uint32_t f) const { return termios_.c_lflag & f; }
    bool iflag(uint32_t f) const { return termios_.c_iflag & f; }
    uint8_t cc(int index) const { return termios_.c_cc[index]; }
    bool is_cc(char c, int index) const;

    Slot& at(size_t i) { return buf_[(head_ + i) % kBufSize]; }
    const Slot& at(size_t i) const { return buf_[(head_ + i) % kBufSize]; }
    bool push(char c, uint8_t flags);
    void pop_front(size_t n);

    void receive_canonical(char c, LdiscSink& sink);
    void erase(int kind, LdiscSink& sink);
    void echo(char c, LdiscSink& sink);
    void echo_raw(std::span<const char> s, LdiscSink& sink);
    void put_output(char c, LdiscSink& sink);
    unsigned column_before(size_t line_index) const;

    abi::Termios termios_;
    Slot buf_[kBufSize];
    size_t head_ = 0;       // Index of the oldest byte.
    size_t count_ = 0;      // Buffered bytes.
    size_t canon_len_ = 0;  // Canonical mode: bytes in complete lines (a prefix of the buffer).
    size_t lines_ = 0;      // Canonical mode: complete lines buffered.
    unsigned column_ = 0;   // Output column, for erasing tabs and ONOCR.
    unsigned line_start_column_ = 0;  // Column where the current input line's echo began.
    bool lnext_ = false;              // The previous byte was VLNEXT: take this one literally.
    bool stopped_ = false;
};

}  // namespace kernel::tty
