#!/usr/bin/env bash
# Builds the FrameFuzzer libFuzzer target (ASan + libFuzzer) and fuzzes the request path.
#
#   scripts/fuzz.sh [SECONDS]          # default 60
#
# Environment: FUZZ_JOBS (parallel workers, default 1), FUZZ_SCRATCH (build folder, default
# .build-fuzz), FUZZ_CORPUS (working corpus, default fuzz-corpus/FrameFuzzer, gitignored).
# Seeds (valid encoded requests of every kind, framed streams, an oversized frame) are written
# into the corpus at start by the fuzzer itself (FRAME_FUZZER_WRITE_SEEDS).
# Exits non-zero when the fuzzer finds a crash, a sanitizer error or a failed check; the
# reproducer is left in fuzz-artifacts/ (re-run it with `FrameFuzzer FILE`).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scratch="${FUZZ_SCRATCH:-.build-fuzz}"
corpus="${FUZZ_CORPUS:-fuzz-corpus/FrameFuzzer}"
artifacts="fuzz-artifacts"
jobs="${FUZZ_JOBS:-1}"
export SWIFT_BACKTRACE=enable=no

echo "== building FrameFuzzer (fuzzer + address sanitizers) in $scratch"
swift build --product FrameFuzzer --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING \
    --scratch-path "$scratch"
fuzzer="$(swift build --product FrameFuzzer --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING \
    --scratch-path "$scratch" --show-bin-path)/FrameFuzzer"

mkdir -p "$corpus" "$artifacts"
parallel=()
if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi

echo "== fuzzing for ${seconds}s (corpus $corpus, seeds written by LLVMFuzzerInitialize)"
status=0
FRAME_FUZZER_WRITE_SEEDS="$corpus" "$fuzzer" "$corpus" \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${parallel[@]}" || status=$?
if [ "$status" -ne 0 ]; then
    echo "FrameFuzzer FAILED (exit $status); reproducers in $artifacts/:" >&2
    ls -l "$artifacts" >&2 || true
    exit "$status"
fi
echo "FrameFuzzer: no crash in ${seconds}s"
