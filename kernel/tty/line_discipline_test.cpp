// The line discipline alone: bytes in, what a reader gets, what is echoed, which signals.
#include <kernel/tty/line_discipline.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kernel/abi/signal.h>

namespace kernel::tty {
namespace {

namespace t = abi::termios;

struct Recorder : LdiscSink {
    std::string out;
    std::vector<int> sigs;
    void output(std::span<const char> b) override { out.append(b.data(), b.size()); }
    void signal(int sig) override { sigs.push_back(sig); }
};

struct Ldisc : ::testing::Test {
    LineDiscipline ld;
    Recorder rec;
    void type(std::string_view s) {
        for (char c : s) ld.receive(c, rec);
    }
    std::string read(size_t n = 4096) {
        std::string buf(n, '\0');
        buf.resize(ld.read({buf.data(), buf.size()}));
        return buf;
    }
    void set_lflag(uint32_t on, uint32_t off) {
        abi::Termios tm = ld.termios();
        tm.c_lflag = (tm.c_lflag | on) & ~off;
        ld.set_termios(tm);
    }
};

TEST_F(Ldisc, DefaultsMatchLinux) {
    const abi::Termios& tm = ld.termios();
    EXPECT_EQ(tm.c_iflag, t::kIcrnl | t::kIxon);
    EXPECT_EQ(tm.c_oflag, t::kOpost | t::kOnlcr);
    EXPECT_EQ(tm.c_lflag, 0105073u);  // stty sane on Linux: ISIG ICANON ECHO{,E,K,CTL,KE} IEXTEN
    EXPECT_EQ(tm.c_cc[t::kVintr], 3);
    EXPECT_EQ(tm.c_cc[t::kVerase], 0x7f);
    EXPECT_EQ(tm.c_cc[t::kVmin], 1);
}

TEST_F(Ldisc, CanonicalLineIsReadableOnlyAfterNewline) {
    type("hello");
    EXPECT_FALSE(ld.read_ready());
    EXPECT_EQ(ld.readable_bytes(), 0u);
    EXPECT_EQ(read(), "");
    type("\r");  // ICRNL
    EXPECT_TRUE(ld.read_ready());
    EXPECT_EQ(ld.readable_bytes(), 6u);
    EXPECT_EQ(rec.out, "hello\r\n");  // Echo with ONLCR.
    EXPECT_EQ(read(), "hello\n");
    EXPECT_FALSE(ld.read_ready());
}

TEST_F(Ldisc, OneLinePerReadAndPartialReads) {
    type("ab\ncd\n");
    EXPECT_EQ(read(1), "a");
    EXPECT_EQ(read(), "b\n");
    EXPECT_EQ(read(), "cd\n");
    EXPECT_EQ(read(), "");
}

TEST_F(Ldisc, EraseKillAndWordErase) {
    type("abc\x7f");
    EXPECT_EQ(rec.out, "abc\b \b");
    type("\b");  // ^H is not VERASE by default: echoed as ^H and kept.
    EXPECT_EQ(rec.out, "abc\b \b^H");
    type("\x7f");  // Erases the ^H: two cells.
    EXPECT_EQ(rec.out, "abc\b \b^H\b \b\b \b");
    type("x\n");
    EXPECT_EQ(read(), "abx\n");

    rec.out.clear();
    type("one two  \x17");  // ^W: the spaces and "two".
    type("\n");
    EXPECT_EQ(read(), "one \n");
    type("garbage\x15ok\n");  // ^U kills the line (ECHOKE: erased visually).
    EXPECT_EQ(read(), "ok\n");
    EXPECT_NE(rec.out.find("\b \b\b \b\b \b\b \b\b \b\b \b\b \bok"), std::string::npos);
}

TEST_F(Ldisc, EraseStopsAtLineStart) {
    type("a\n\x7f\x7f");
    EXPECT_EQ(read(), "a\n");
    EXPECT_EQ(rec.out, "a\r\n");  // Nothing to erase: no echo.
}

TEST_F(Ldisc, KillWithoutEchokeEchoesKillCharAndNewline) {
    set_lflag(0, t::kEchoke);
    type("abc\x15");
    EXPECT_EQ(rec.out, "abc^U\r\n");
    type("d\n");
    EXPECT_EQ(read(), "d\n");
}

TEST_F(Ldisc, EraseWithoutEchoeEchoesEraseChar) {
    set_lflag(0, t::kEchoe);
    type("ab\x7f");
    EXPECT_EQ(rec.out, "ab^?");
}

TEST_F(Ldisc, EraseOfTabBacksUpToItsColumn) {
    type("ab\t\x7f");
    EXPECT_EQ(rec.out, "ab\t\b\b\b\b\b\b");  // Column 8 back to 2.
}

TEST_F(Ldisc, EofEndsLineAndReadsZeroOnEmptyLine) {
    type("abc\x04");
    EXPECT_TRUE(ld.read_ready());
    EXPECT_EQ(read(), "abc");  // EOF delivers the line without a newline.
    EXPECT_FALSE(ld.read_ready());
    type("\x04");
    EXPECT_TRUE(ld.read_ready());
    EXPECT_EQ(ld.readable_bytes(), 0u);
    EXPECT_EQ(read(), "");  // End of file.
    EXPECT_FALSE(ld.read_ready());
    EXPECT_EQ(rec.out, "abc");  // EOF itself is not echoed.
}

TEST_F(Ldisc, SignalsFlushAndEcho) {
    type("partial\x03");
    ASSERT_EQ(rec.sigs, (std::vector<int>{abi::sig::kInt}));
    EXPECT_EQ(rec.out, "partial^C");
    type("\n");
    EXPECT_EQ(read(), "\n");  // "partial" was flushed.
    type("\x1c\x1a");
    EXPECT_EQ(rec.sigs, (std::vector<int>{abi::sig::kInt, abi::sig::kQuit, abi::sig::kTstp}));
}

TEST_F(Ldisc, NoflshKeepsInputAndIsigOffMakesSignalCharsData) {
    set_lflag(t::kNoflsh, 0);
    type("keep\x03\n");
    EXPECT_EQ(read(), "keep\n");
    set_lflag(0, t::kIsig);
    type("\x03\n");
    EXPECT_EQ(read(), "\x03\n");
    EXPECT_EQ(rec.sigs.size(), 1u);
}

TEST_F(Ldisc, EchoFlags) {
    set_lflag(0, t::kEcho);
    type("secret\n");
    EXPECT_EQ(rec.out, "");
    set_lflag(t::kEchonl, 0);  // ECHONL: newline echoed even without ECHO.
    type("x\n");
    EXPECT_EQ(rec.out, "\r\n");
    set_lflag(t::kEcho, t::kEchoctl);
    rec.out.clear();
    type("\x01\n");
    EXPECT_EQ(rec.out, "\x01\r\n");  // Without ECHOCTL control chars echo as themselves.
}

TEST_F(Ldisc, InputMapping) {
    abi::Termios tm = ld.termios();
    tm.c_iflag = t::kIgncr;
    ld.set_termios(tm);
    type("a\rb\n");
    EXPECT_EQ(read(), "ab\n");
    tm.c_iflag = t::kInlcr;
    tm.c_lflag &= ~t::kIcanon;
    ld.set_termios(tm);
    type("x\n");
    EXPECT_EQ(read(), "x\r");
    tm.c_iflag = 0;
    ld.set_termios(tm);
    type("\r");
    EXPECT_EQ(read(), "\r");
}

TEST_F(Ldisc, NonCanonicalMinAndLiteralNext) {
    set_lflag(0, t::kIcanon);
    type("ab");
    EXPECT_TRUE(ld.read_ready(2));
    EXPECT_FALSE(ld.read_ready(3));
    EXPECT_EQ(ld.readable_bytes(), 2u);
    EXPECT_EQ(read(1), "a");
    EXPECT_EQ(read(), "b");
    type("\x7f");  // No editing without ICANON.
    EXPECT_EQ(read(), "\x7f");
    set_lflag(t::kIcanon, 0);
    type("\x16\x7f\n");  // ^V DEL: literal.
    EXPECT_EQ(read(), "\x7f\n");
}

TEST_F(Ldisc, SwitchingModesKeepsBufferedBytes) {
    type("abc");
    set_lflag(0, t::kIcanon);
    EXPECT_EQ(read(), "abc");
    type("xy");
    set_lflag(t::kIcanon, 0);
    EXPECT_FALSE(ld.read_ready());
    type("\x7f\n");
    EXPECT_EQ(read(), "x\n");
}

TEST_F(Ldisc, OutputProcessing) {
    ld.write({"a\nb", 3}, rec);
    EXPECT_EQ(rec.out, "a\r\nb");
    abi::Termios tm = ld.termios();
    tm.c_oflag = t::kOpost | t::kOcrnl;
    ld.set_termios(tm);
    rec.out.clear();
    ld.write({"\r\n", 2}, rec);
    EXPECT_EQ(rec.out, "\n\n");
    tm.c_oflag = 0;  // No OPOST: bytes unchanged.
    ld.set_termios(tm);
    rec.out.clear();
    ld.write({"x\n", 2}, rec);
    EXPECT_EQ(rec.out, "x\n");
}

TEST_F(Ldisc, FlowControlCharacters) {
    type("\x13");
    EXPECT_TRUE(ld.output_stopped());
    type("\x11");
    EXPECT_FALSE(ld.output_stopped());
    type("\n");
    EXPECT_EQ(read(), "\n");  // ^S/^Q are not data with IXON.
}

TEST_F(Ldisc, FullBufferKeepsRoomForNewline) {
    for (size_t i = 0; i < LineDiscipline::kBufSize + 10; ++i) ld.receive('x', rec);
    ld.receive('\n', rec);
    std::string line = read(LineDiscipline::kBufSize + 10);
    EXPECT_EQ(line.size(), LineDiscipline::kBufSize);
    EXPECT_EQ(line.back(), '\n');
}

TEST_F(Ldisc, FlushInputDropsEverything) {
    type("a\nb");
    ld.flush_input();
    EXPECT_FALSE(ld.read_ready());
    type("\n");
    EXPECT_EQ(read(), "\n");
}

}  // namespace
}  // namespace kernel::tty
