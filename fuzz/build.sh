#!/usr/bin/env bash
# OSS-Fuzz style build: uses $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE and writes to $OUT
# every <target>_fuzzer, <target>_fuzzer_seed_corpus.zip and <target>_fuzzer.dict.
# Sanitizer and coverage flags come from $CFLAGS/$CXXFLAGS, as OSS-Fuzz sets them (an ASan
# flag there turns on ORRERY_ASAN, see cmake/Orrery.cmake). Locally (fuzz/build_sh_test.sh full):
#   CC=clang-14 CXX=clang++-14 CFLAGS="-fsanitize=address,fuzzer-no-link" \
#   CXXFLAGS="$CFLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/build.sh
# `fuzz/build.sh --package BUILD_DIR` only packages the <target>_fuzzer binaries of an existing
# build into $OUT (what ctest's cheap check uses).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
TARGETS=(syscalls cpio elf pathwalk)
: "${OUT:=$SRC/build/oss-fuzz-out}"
mkdir -p "$OUT"

package() {  # package BUILD_DIR
    for t in "${TARGETS[@]}"; do
        cp "$1/fuzz/${t}_fuzzer" "$OUT/"
        # Seeds and every input that once found a bug.
        rm -f "$OUT/${t}_fuzzer_seed_corpus.zip"
        local dirs=("$SRC/corpora/$t")
        [ -d "$SRC/corpora/regressions/$t" ] && dirs+=("$SRC/corpora/regressions/$t")
        find "${dirs[@]}" -type f ! -name '.*' -print0 |
            xargs -0 zip -q -j "$OUT/${t}_fuzzer_seed_corpus.zip"
        cp "$SRC/fuzz/$t.dict" "$OUT/${t}_fuzzer.dict"
    done
    echo "build.sh: targets, seed corpora and dictionaries in $OUT"
}

if [ "${1:-}" = --package ]; then
    package "$2"
    exit 0
fi

: "${CC:=clang-14}" "${CXX:=clang++-14}" "${CFLAGS:=}" "${CXXFLAGS:=}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
WORK=${WORK:-$SRC/build/oss-fuzz}
mkdir -p "$WORK"
cmake -S "$SRC" -B "$WORK" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DORRERY_SANITIZER=none -DORRERY_FUZZ_ENGINE=external \
    -DORRERY_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
    -DORRERY_BUILD_TESTS=OFF -DORRERY_BUILD_BENCH=OFF >/dev/null
cmake --build "$WORK" -j "${JOBS:-2}" --target $(printf '%s_fuzzer ' "${TARGETS[@]}")
package "$WORK"
