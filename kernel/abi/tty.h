// Linux x86-64 terminal ABI: the kernel's struct termios (TCGETS; 19 control characters, not
// glibc's 32), struct winsize, termios flag bits and the tty ioctl request numbers.
#pragma once

#include <cstdint>

namespace kernel::abi {

inline constexpr int kNccs = 19;

struct Termios {
    uint32_t c_iflag;
    uint32_t c_oflag;
    uint32_t c_cflag;
    uint32_t c_lflag;
    uint8_t c_line;
    uint8_t c_cc[kNccs];
};
static_assert(sizeof(Termios) == 36);
static_assert(__builtin_offsetof(Termios, c_line) == 16);
static_assert(__builtin_offsetof(Termios, c_cc) == 17);

struct Winsize {
    uint16_t ws_row;
    uint16_t ws_col;
    uint16_t ws_xpixel;
    uint16_t ws_ypixel;
};
static_assert(sizeof(Winsize) == 8);

namespace termios {
// c_cc indices
inline constexpr int kVintr = 0;
inline constexpr int kVquit = 1;
inline constexpr int kVerase = 2;
inline constexpr int kVkill = 3;
inline constexpr int kVeof = 4;
inline constexpr int kVtime = 5;
inline constexpr int kVmin = 6;
inline constexpr int kVswtc = 7;
inline constexpr int kVstart = 8;
inline constexpr int kVstop = 9;
inline constexpr int kVsusp = 10;
inline constexpr int kVeol = 11;
inline constexpr int kVreprint = 12;
inline constexpr int kVdiscard = 13;
inline constexpr int kVwerase = 14;
inline constexpr int kVlnext = 15;
inline constexpr int kVeol2 = 16;
// c_iflag
inline constexpr uint32_t kIgnbrk = 0000001;
inline constexpr uint32_t kBrkint = 0000002;
inline constexpr uint32_t kIstrip = 0000040;
inline constexpr uint32_t kInlcr = 0000100;
inline constexpr uint32_t kIgncr = 0000200;
inline constexpr uint32_t kIcrnl = 0000400;
inline constexpr uint32_t kIxon = 0002000;
inline constexpr uint32_t kIxany = 0004000;
inline constexpr uint32_t kIutf8 = 0040000;
// c_oflag
inline constexpr uint32_t kOpost = 0000001;
inline constexpr uint32_t kOnlcr = 0000004;
inline constexpr uint32_t kOcrnl = 0000010;
inline constexpr uint32_t kOnocr = 0000020;
inline constexpr uint32_t kOnlret = 0000040;
// c_cflag
inline constexpr uint32_t kB38400 = 0000017;
inline constexpr uint32_t kCs8 = 0000060;
inline constexpr uint32_t kCread = 0000200;
inline constexpr uint32_t kHupcl = 0002000;
// c_lflag
inline constexpr uint32_t kIsig = 0000001;
inline constexpr uint32_t kIcanon = 0000002;
inline constexpr uint32_t kEcho = 0000010;
inline constexpr uint32_t kEchoe = 0000020;
inline constexpr uint32_t kEchok = 0000040;
inline constexpr uint32_t kEchonl = 0000100;
inline constexpr uint32_t kNoflsh = 0000200;
inline constexpr uint32_t kTostop = 0000400;
inline constexpr uint32_t kEchoctl = 0001000;
inline constexpr uint32_t kEchoprt = 0002000;
inline constexpr uint32_t kEchoke = 0004000;
inline constexpr uint32_t kIexten = 0100000;
// TCFLSH / TCXONC arguments
inline constexpr int kTciflush = 0;
inline constexpr int kTcoflush = 1;
inline constexpr int kTcioflush = 2;
inline constexpr int kTcooff = 0;
inline constexpr int kTcoon = 1;
inline constexpr int kTcioff = 2;
inline constexpr int kTcion = 3;
}  // namespace termios

namespace ioctl {
inline constexpr uint32_t kTcgets = 0x5401;
inline constexpr uint32_t kTcsets = 0x5402;
inline constexpr uint32_t kTcsetsw = 0x5403;
inline constexpr uint32_t kTcsetsf = 0x5404;
inline constexpr uint32_t kTcsbrk = 0x5409;
inline constexpr uint32_t kTcxonc = 0x540A;
inline constexpr uint32_t kTcflsh = 0x540B;
inline constexpr uint32_t kTiocsctty = 0x540E;
inline constexpr uint32_t kTiocgpgrp = 0x540F;
inline constexpr uint32_t kTiocspgrp = 0x5410;
inline constexpr uint32_t kTiocoutq = 0x5411;
inline constexpr uint32_t kTiocgwinsz = 0x5413;
inline constexpr uint32_t kTiocswinsz = 0x5414;
inline constexpr uint32_t kFionread = 0x541B;
inline constexpr uint32_t kFionbio = 0x5421;
inline constexpr uint32_t kTiocnotty = 0x5422;
inline constexpr uint32_t kTiocgsid = 0x5429;
inline constexpr uint32_t kTiocgptn = 0x80045430;
inline constexpr uint32_t kTiocsptlck = 0x40045431;
inline constexpr uint32_t kFionclex = 0x5450;
inline constexpr uint32_t kFioclex = 0x5451;
inline constexpr uint32_t kFioasync = 0x5452;
}  // namespace ioctl

}  // namespace kernel::abi
