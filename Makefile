# Thin front over CMake presets. Every target installs missing Debian packages first.
#   make run     build (host-asan), make a busybox initramfs, boot the kernel on the host
#                backend and run a demo script under /bin/sh (native busybox)
#   make shell   the same, then an interactive busybox shell on this terminal (job control,
#                ^C/^Z, line editing); `exit` or ^D leaves
#   make run-scripted   boot with the built-in scripted init instead
#   make mount   boot the kernel with the `make run` initramfs and mount its VFS (/, /proc, /dev)
#                on a temporary directory through FUSE (MOUNT_DIR to choose it)
#   make test    build and run the suite under host-asan and host-tsan, then the QEMU ktests
#   make test-baremetal   build the bare-metal image and run `ctest -L qemu` (ktests in QEMU)
#   make qemu    boot the bare-metal image in QEMU (TCG) with the busybox initramfs
#   make qemu-gdb   the same, stopped at the first instruction with QEMU's gdb stub on :1234
#   make bench   build host-release and print the benchmark tables (then native programs
#                on Orrery vs the host: bench/native_programs.sh)
#   make gcc     build everything with GCC (host-gcc) and run its tests
#   make fuzz    libFuzzer on FUZZ_TARGET (syscalls) for FUZZ_TIME seconds (fuzz preset: ASan)
#   make fuzz-ubsan   the same on the UBSan build (fuzz-ubsan preset)
#   make afl     AFL++ on FUZZ_TARGET for FUZZ_TIME seconds (afl preset)
#   make fuzz-smoke   every fuzz target for 60 s on both builds, failing on any crash (CI)
#   make fuzz-bench   execs/s over 60 s and edges after 10 min; make fuzz-planted: the proof run
JOBS ?= $(shell nproc)
RUN_ARGS ?=
CMAKE_BUILD = cmake --build --preset

.PHONY: deps test-baremetal qemu qemu-gdb run-scripted mount build-% run shell test test-asan test-tsan bench gcc format clean fuzz afl \
	fuzz-ubsan fuzz-smoke fuzz-bench fuzz-planted fuzz-seeds

deps:
	@bash scripts/install-deps

.PRECIOUS: build/%/build.ninja
build/%/build.ninja: | deps
	cmake --preset $* >/dev/null

build-%: deps build/%/build.ninja
	$(CMAKE_BUILD) $* -j $(JOBS)

build/initramfs.cpio: scripts/make-initramfs $(wildcard harness/demo-root/etc/*) | deps
	bash scripts/make-initramfs $@ harness/demo-root

run: build-host-asan build/initramfs.cpio
	./build/host-asan/harness/orrery run --initramfs build/initramfs.cpio $(RUN_ARGS) -- /bin/sh /etc/demo.sh

shell: build-host-asan build/initramfs.cpio
	./build/host-asan/harness/orrery run --initramfs build/initramfs.cpio $(RUN_ARGS) -- /bin/sh /etc/shell.sh

run-scripted: build-host-asan
	./build/host-asan/harness/orrery run $(RUN_ARGS)

MOUNT_DIR ?= $(shell mktemp -d /tmp/orrery-mount.XXXXXX)
mount: build-host-asan build/initramfs.cpio
	@dir=$(MOUNT_DIR); \
	./build/host-asan/harness/orrery mount "$$dir" --initramfs build/initramfs.cpio $(RUN_ARGS) && \
	echo "make mount: the kernel's VFS is at $$dir (try: ls $$dir; cat $$dir/proc/meminfo)" && \
	echo "make mount: unmount with: fusermount3 -u $$dir   (the kernel syncs and shuts down)"

test-%: build-%
	ctest --preset $* -j $(JOBS) --label-exclude long

test: test-host-asan test-host-tsan test-baremetal

KERNEL_IMAGE = build/baremetal-x86_64/ostd-baremetal/x86_64/orrery-kernel
QEMU_ARGS ?= init=/bin/sh -- /etc/demo.sh

test-baremetal: build-baremetal-x86_64
	ctest --preset baremetal-x86_64 -L qemu

qemu: build-baremetal-x86_64 build/initramfs.cpio
	scripts/qemu-boot --smp 2 --timeout 300 --initrd build/initramfs.cpio $(KERNEL_IMAGE) $(QEMU_ARGS)

qemu-gdb: build-baremetal-x86_64 build/initramfs.cpio
	scripts/qemu-boot --smp 2 --gdb --initrd build/initramfs.cpio $(KERNEL_IMAGE) $(QEMU_ARGS)

gcc: test-host-gcc

bench: build-host-release
	./build/host-release/bench/orrery_bench --benchmark_counters_tabular=true
	bash bench/fuse_bench.sh ./build/host-release/harness/orrery
	bash bench/native_programs.sh ./build/host-release/harness/orrery ./build/host-release/bench/orrery_bench

FUZZ_TARGET ?= syscalls
FUZZ_TIME ?= 120

fuzz: deps
	bash fuzz/run.sh fuzz $(FUZZ_TARGET) $(FUZZ_TIME)

fuzz-ubsan: deps
	bash fuzz/run.sh fuzz-ubsan $(FUZZ_TARGET) $(FUZZ_TIME)

afl: deps
	bash fuzz/run.sh afl $(FUZZ_TARGET) $(FUZZ_TIME)

fuzz-smoke: deps
	bash fuzz/run.sh smoke 60

fuzz-bench: deps
	bash fuzz/run.sh bench 60 600

fuzz-planted: deps
	bash fuzz/run.sh planted 300

# Rewrites corpora/syscalls and fuzz/syscalls.dict from fuzz/seedgen.cpp.
fuzz-seeds: build-host-asan
	./build/host-asan/fuzz/fuzz_seedgen corpora/syscalls fuzz/syscalls.dict

format:
	git ls-files '*.h' '*.cpp' | xargs clang-format-14 -i

clean:
	rm -rf build
