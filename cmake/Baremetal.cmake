# Flags for the bare-metal x86-64 image: freestanding C++20 for the kernel code model.
# The triple stays the host's x86_64-linux-gnu so the (header-only parts of the) system libstdc++
# are found; -ffreestanding -nostdlib and our own linker script make the output a plain ELF kernel
# that depends on nothing from Linux. Debug assertions (ORRERY_DEBUG) stay on, but the code is
# optimised (-O2, frame pointers kept for backtraces): TCG is slow enough already.
# Kernel code never touches SSE/x87 registers (-mno-sse and friends; x87 stays enabled only
# because libstdc++ headers declare long double functions), so interrupts and context switches
# save integer registers only; the user-mode entry path saves and restores user FPU/SSE state.
add_compile_options(
  -ffreestanding -fno-builtin-malloc -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone
  -mno-mmx -mno-sse -mno-sse2 -mno-avx -mno-3dnow -fno-stack-protector -fno-threadsafe-statics -fno-omit-frame-pointer
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-exceptions -fno-rtti
  -fno-use-cxa-atexit -O2)
add_compile_definitions(ORRERY_BAREMETAL=1)
add_link_options(-nostdlib -static -fuse-ld=lld -Wl,--no-dynamic-linker
                 -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none)
