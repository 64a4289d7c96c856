#!/usr/bin/env bash
# Checks fuzz/build.sh the way OSS-Fuzz uses it: every <target>_fuzzer, its seed corpus zip and
# its dictionary land in $OUT, and every binary runs the inputs of its seed corpus.
#   build_sh_test.sh full     WORK_DIR         real build: clang-14, OSS-Fuzz's ASan flags (slow)
#   build_sh_test.sh package  BUILD_DIR ENGINE packaging of an existing build (cheap; ENGINE is
#                                              libfuzzer or none: how its binaries take inputs)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
MODE=$1
DIR=$2
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export OUT
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
engine=libfuzzer
if [ "$MODE" = full ]; then
    # What OSS-Fuzz's base-builder exports for an ASan libFuzzer build (minus -stdlib=libc++,
    # whose headers this host lacks).
    flags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
    flags+=" -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
    CC=clang-14 CXX=clang++-14 CFLAGS="$flags" CXXFLAGS="$flags" \
        LIB_FUZZING_ENGINE=-fsanitize=fuzzer WORK="$DIR" bash "$SRC/fuzz/build.sh"
else
    engine=$3
    bash "$SRC/fuzz/build.sh" --package "$DIR"
fi
for t in syscalls cpio elf pathwalk; do
    for f in "${t}_fuzzer" "${t}_fuzzer_seed_corpus.zip" "${t}_fuzzer.dict"; do
        [ -s "$OUT/$f" ] || { echo "FAIL: $OUT/$f missing or empty"; exit 1; }
    done
    [ -x "$OUT/${t}_fuzzer" ] || { echo "FAIL: ${t}_fuzzer not executable"; exit 1; }
    seeds=$OUT/seeds-$t
    mkdir "$seeds"
    (cd "$seeds" && unzip -q "$OUT/${t}_fuzzer_seed_corpus.zip")
    n=$(ls "$seeds" | wc -l)
    [ "$n" -gt 0 ] || { echo "FAIL: empty seed corpus for $t"; exit 1; }
    if [ "$engine" = libfuzzer ]; then
        # The seeds once, then a few mutations, with the dictionary as OSS-Fuzz passes it.
        "$OUT/${t}_fuzzer" -runs=$((n + 50)) -dict="$OUT/${t}_fuzzer.dict" -close_fd_mask=3 \
            "$seeds" >"$OUT/$t.log" 2>&1 || { tail -n 30 "$OUT/$t.log"; exit 1; }
        grep -q "Done $((n + 50)) runs" "$OUT/$t.log" || { tail "$OUT/$t.log"; exit 1; }
    else
        "$OUT/${t}_fuzzer" "$seeds" >"$OUT/$t.log" 2>&1 || { tail -n 30 "$OUT/$t.log"; exit 1; }
    fi
    echo "ok: ${t}_fuzzer ran its $n seed inputs"
done
