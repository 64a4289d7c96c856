# Thin front over CMake presets. Every target installs missing Debian packages first.
#   make run     build (host-asan), make a busybox initramfs, boot the kernel on the host
#                backend and run a demo script under /bin/sh (native busybox)
#   make run-scripted   boot with the built-in scripted init instead
#   make test    build and run the suite under host-asan and host-tsan
#   make bench   build host-release and print the benchmark table
#   make gcc     build everything with GCC (host-gcc) and run its tests
JOBS ?= $(shell nproc)
RUN_ARGS ?=
CMAKE_BUILD = cmake --build --preset

.PHONY: deps run-scripted build-% run test test-asan test-tsan bench gcc format clean

deps:
	@bash scripts/install-deps

.PRECIOUS: build/%/build.ninja
build/%/build.ninja: | deps
	cmake --preset $* >/dev/null

build-%: deps build/%/build.ninja
	$(CMAKE_BUILD) $* -j $(JOBS)

build/initramfs.cpio: scripts/make-initramfs harness/demo-root/etc/demo.sh | deps
	bash scripts/make-initramfs $@ harness/demo-root

run: build-host-asan build/initramfs.cpio
	./build/host-asan/harness/orrery run --initramfs build/initramfs.cpio $(RUN_ARGS) -- /bin/sh /etc/demo.sh

run-scripted: build-host-asan
	./build/host-asan/harness/orrery run $(RUN_ARGS)

test-%: build-%
	ctest --preset $* -j $(JOBS) --label-exclude long

test: test-host-asan test-host-tsan

gcc: test-host-gcc

bench: build-host-release
	./build/host-release/bench/orrery_bench --benchmark_counters_tabular=true

format:
	git ls-files '*.h' '*.cpp' | xargs clang-format-14 -i

clean:
	rm -rf build
