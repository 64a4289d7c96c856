#!/usr/bin/env bash
# OSS-Fuzz style build: uses $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE and writes to $OUT
# every <target>_fuzzer, <target>_fuzzer_seed_corpus.zip and <target>_fuzzer.dict.
# Sanitizer and coverage flags come from $CFLAGS/$CXXFLAGS, as OSS-Fuzz sets them. Locally:
#   CC=clang-14 CXX=clang++-14 CFLAGS="-fsanitize=address,fuzzer-no-link" \
#   CXXFLAGS="$CFLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/build.sh
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
: "${CC:=clang-14}" "${CXX:=clang++-14}" "${CFLAGS:=}" "${CXXFLAGS:=}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:=$SRC/build/oss-fuzz-out}"
WORK=${WORK:-$SRC/build/oss-fuzz}
mkdir -p "$OUT" "$WORK"
cmake -S "$SRC" -B "$WORK" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DORRERY_SANITIZER=none -DORRERY_FUZZ_ENGINE=external \
    -DORRERY_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
    -DORRERY_BUILD_TESTS=OFF -DORRERY_BUILD_BENCH=OFF >/dev/null
cmake --build "$WORK" -j "${JOBS:-2}" --target syscalls_fuzzer cpio_fuzzer elf_fuzzer pathwalk_fuzzer
for t in syscalls cpio elf pathwalk; do
    cp "$WORK/fuzz/${t}_fuzzer" "$OUT/"
    rm -f "$OUT/${t}_fuzzer_seed_corpus.zip"
    (cd "$SRC/corpora/$t" && zip -q -j "$OUT/${t}_fuzzer_seed_corpus.zip" ./*)
done
cp "$SRC/fuzz/syscalls.dict" "$OUT/syscalls_fuzzer.dict"
echo "build.sh: targets, seed corpora and dictionary in $OUT"
