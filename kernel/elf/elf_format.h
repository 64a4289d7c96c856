// ELF64 on-disk layout: field offsets and constants (System V gABI, x86-64 and RISC-V psABIs).
// Offsets instead of structs: the image is read byte by byte, never reinterpreted.
#pragma once

#include <cstdint>

namespace kernel::elf::format {

// ELF header (Elf64_Ehdr), 64 bytes.
inline constexpr uint64_t kEhdrSize = 64;
inline constexpr uint64_t kEiClass = 4, kEiData = 5, kEiVersion = 6;
inline constexpr uint64_t kEType = 16, kEMachine = 18, kEVersion = 20, kEEntry = 24;
inline constexpr uint64_t kEPhoff = 32, kEShoff = 40, kEFlags = 48, kEEhsize = 52;
inline constexpr uint64_t kEPhentsize = 54, kEPhnum = 56;

inline constexpr uint8_t kElfClass64 = 2;
inline constexpr uint8_t kElfData2Lsb = 1;
inline constexpr uint8_t kEvCurrent = 1;
inline constexpr uint16_t kEtExec = 2, kEtDyn = 3;
inline constexpr uint16_t kEmX86_64 = 62, kEmRiscV = 243;

// Program header (Elf64_Phdr), 56 bytes.
inline constexpr uint64_t kPhdrSize = 56;
inline constexpr uint64_t kPType = 0, kPFlags = 4, kPOffset = 8, kPVaddr = 16, kPPaddr = 24;
inline constexpr uint64_t kPFilesz = 32, kPMemsz = 40, kPAlign = 48;

inline constexpr uint32_t kPtNull = 0, kPtLoad = 1, kPtDynamic = 2, kPtInterp = 3, kPtNote = 4;
inline constexpr uint32_t kPtPhdr = 6, kPtTls = 7;
inline constexpr uint32_t kPtGnuStack = 0x6474e551;

inline constexpr uint32_t kPfX = 1, kPfW = 2, kPfR = 4;

}  // namespace kernel::elf::format
