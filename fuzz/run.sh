#!/usr/bin/env bash
# Fuzzing front end used by the Makefile (one fuzzing process at a time except the smoke run,
# which runs $JOBS targets side by side).
#   fuzz/run.sh fuzz    [TARGET] [SECONDS]   libFuzzer on the seed corpus (default syscalls, 120 s),
#                                            ASan build (fuzz preset)
#   fuzz/run.sh fuzz-ubsan [TARGET] [SECONDS]  the same on the UBSan build (fuzz-ubsan preset)
#   fuzz/run.sh smoke   [SECONDS]            every target for SECONDS (60) on both builds, $JOBS (2)
#                                            at a time; fails on any crash
#   fuzz/run.sh bench   [SECONDS] [COVER_SECONDS]  execs/s (60 s), edges after COVER_SECONDS (600)
#   fuzz/run.sh planted [SECONDS]            planted-bug build: time until the fuzzer finds it
#   fuzz/run.sh afl     [TARGET] [SECONDS]   AFL++ (afl preset, persistent mode, libAFLDriver)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGETS=(syscalls cpio elf pathwalk)
MODE=${1:-fuzz}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
JOBS=${JOBS:-2}

build() {  # build PRESET [BUILD_DIR] [EXTRA_CMAKE_ARGS...]
    local preset=$1 dir=${2:-build/$1}
    shift 2 || shift $#
    # Configured every time (quick when nothing changed), so a tree configured before a preset
    # changed gets its new cache variables.
    cmake --preset "$preset" -B "$dir" "$@" >/dev/null
    cmake --build "$dir" -j "$JOBS" --target $(printf '%s_fuzzer ' "${TARGETS[@]}") fuzz_seedgen
}

corpus() {  # corpus TARGET DIR: a working corpus seeded from corpora/TARGET and its regressions
    local t=$1 dir=$2 f
    mkdir -p "$dir"
    cp -n "$ROOT/corpora/$t"/* "$dir"/ 2>/dev/null || true
    [ -d "$ROOT/corpora/regressions/$t" ] || return 0
    # Regression inputs too slow to seed with are listed in corpora/regressions/not-seeds.txt.
    for f in "$ROOT/corpora/regressions/$t"/*; do
        [ -f "$f" ] || continue
        grep -q "^$t/$(basename "$f")[[:space:]]" "$ROOT/corpora/regressions/not-seeds.txt" \
            2>/dev/null && continue
        cp -n "$f" "$dir"/
    done
}

dict_args() {
    echo "-dict=$ROOT/fuzz/$1.dict"
}

libfuzzer() {  # libfuzzer BUILD_DIR TARGET SECONDS [extra libFuzzer flags]
    local dir=$1 t=$2 secs=$3
    shift 3
    local work=${FUZZ_WORK:-$dir/work}/$t
    corpus "$t" "$work/corpus"
    mkdir -p "$work/artifacts"
    "$dir/fuzz/${t}_fuzzer" "$work/corpus" $(dict_args "$t") -max_total_time="$secs" \
        -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 -close_fd_mask=1 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "$@"
}

case $MODE in
fuzz|fuzz-ubsan)
    t=${2:-syscalls}
    build "$MODE"
    libfuzzer "build/$MODE" "$t" "${3:-120}"
    ;;
smoke)
    # Every target for SECONDS on the ASan build and on the UBSan build (OSS-Fuzz builds one
    # per sanitizer), $JOBS runs at a time (one per core), each on its own corpus.
    secs=${2:-60}
    build fuzz
    build fuzz-ubsan
    pids=() names=() failed=0
    wait_one() {  # waits for the oldest running job, prints its tail, records a failure
        local pid=${pids[0]} job=${names[0]}
        pids=("${pids[@]:1}") names=("${names[@]:1}")
        if wait "$pid"; then
            echo "== smoke: $job ran ${secs}s"; tail -n 4 "build/$job.smoke.log"
        else
            echo "== smoke: $job FAILED"; tail -n 40 "build/$job.smoke.log"; failed=1
        fi
    }
    for preset in fuzz fuzz-ubsan; do
        for t in "${TARGETS[@]}"; do
            [ "${#pids[@]}" -lt "$JOBS" ] || wait_one
            libfuzzer "build/$preset" "$t" "$secs" >"build/$preset/$t.smoke.log" 2>&1 &
            pids+=($!) names+=("$preset/$t")
        done
    done
    while [ "${#pids[@]}" -gt 0 ]; do wait_one; done
    [ "$failed" = 0 ] || { echo "smoke: a target crashed (artifacts in build/fuzz*/work/*/artifacts)"; exit 1; }
    echo "smoke: all targets ran ${secs}s on the ASan and the UBSan build without a crash"
    ;;
bench)
    secs=${2:-60}
    cover=${3:-600}
    build fuzz
    # Per core = per second of CPU the fuzzer got (the machine may be shared); wall for scale.
    # The working corpus (thrown away afterwards) lives on tmpfs when there is one: libFuzzer
    # writes a file per new input, thousands in the first minute, and on a disk file system
    # that was 7 % of the CPU measured (ext4 inode allocation), which is not the fuzzer's speed.
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        export FUZZ_WORK=$(mktemp -d /dev/shm/orrery-fuzz-bench.XXXXXX)
        # Crashes and timeouts are kept (build/fuzz/bench-artifacts), the corpus is not.
        trap 'mkdir -p build/fuzz/bench-artifacts; cp -r "$FUZZ_WORK"/*/artifacts/. build/fuzz/bench-artifacts/ 2>/dev/null; rm -rf "$FUZZ_WORK"' EXIT
    else
        export FUZZ_WORK=build/fuzz/work
    fi
    echo "bench: working corpus in $FUZZ_WORK"
    TIMEFORMAT='%U %S'
    # The rate depends on where a run's corpus drifts (runs from the same seeds differ by
    # +-15 %): ${BENCH_RUNS:-3} runs of $secs s, each from the seeds, and their median.
    rates=()
    for run in $(seq "${BENCH_RUNS:-3}"); do
        rm -rf "$FUZZ_WORK/syscalls"
        log=build/fuzz/bench-exec-$run.log
        { time libfuzzer build/fuzz syscalls "$secs" >"$log" 2>&1; } 2>"$log.cpu" || true
        execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
        cpu=$(awk '{printf "%.2f", $1 + $2}' "$log.cpu")
        rate=$(awk -v e="$execs" -v c="$cpu" 'BEGIN { printf "%d", e / c }')
        rates+=("$rate")
        echo "run $run: $rate execs/s per core ($execs execs in ${cpu}s of CPU;" \
            "$((execs / secs))/s wall over ${secs}s)"
    done
    median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{v[NR] = $1} END { print v[int((NR + 1) / 2)] }')
    echo "execs/s per core (syscalls, ASan+coverage, reset per input): $median" \
        "(median of ${#rates[@]} runs of ${secs}s: ${rates[*]})"
    rm -rf "$FUZZ_WORK/syscalls"
    log=build/fuzz/bench-cover.log
    { time libfuzzer build/fuzz syscalls "$cover" >"$log" 2>&1; } 2>"$log.cpu" || true
    edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
    echo "edges covered after ${cover}s (syscalls, boot edges not counted): $edges" \
        "($(awk '{printf "%.0f", $1 + $2}' "$log.cpu")s of CPU)"
    if grep -q '^SUMMARY: \|ERROR: libFuzzer' build/fuzz/bench-exec-*.log "$log"; then
        echo "bench: a run stopped on a crash or timeout (build/fuzz/bench-*.log;" \
            "inputs in build/fuzz/bench-artifacts):"
        grep -h '^SUMMARY: ' build/fuzz/bench-exec-*.log "$log" || true
        exit 1
    fi
    ;;
planted)
    secs=${2:-300}
    build fuzz build/fuzz-planted -DORRERY_PLANTED_BUG=uts-off-by-one
    rm -rf build/fuzz-planted/work/syscalls
    start=$(date +%s)
    if libfuzzer build/fuzz-planted syscalls "$secs" >build/fuzz-planted/planted.log 2>&1; then
        echo "planted: NOT found within ${secs}s"
        exit 1
    fi
    grep -m1 -E 'ERROR: AddressSanitizer|SUMMARY' build/fuzz-planted/planted.log || true
    echo "planted: found after $(($(date +%s) - start))s; reproducer:"
    ls build/fuzz-planted/work/syscalls/artifacts/
    ;;
afl)
    t=${2:-syscalls}
    secs=${3:-120}
    command -v afl-fuzz >/dev/null || ORRERY_EXTRA_DEPS=afl++ bash scripts/install-deps
    build afl
    work=build/afl/work/$t
    export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:symbolize=0  # what afl-fuzz requires
    corpus "$t" "$work/in"
    AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
        timeout --preserve-status "$((secs + 15))" \
        afl-fuzz -i "$work/in" -o "$work/out" -V "$secs" -t 10000 \
        -x "$ROOT/fuzz/$t.dict" -- "build/afl/fuzz/${t}_fuzzer"
    ;;
*)
    sed -n '2,8p' "$0"
    exit 2
    ;;
esac
