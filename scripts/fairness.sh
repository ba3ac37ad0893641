#!/usr/bin/env bash
# Fairness beside large batches (docs/performance.md §6 and §8): one event loop on core 0; on
# core 1 a closed loop of 10,000-transaction batches (1 connection, 2 in flight) and, once those
# flow, single transactions at 1,000/s on another connection.
#
#   scripts/fairness.sh [DAEMON-ARGS...]       e.g. scripts/fairness.sh --max-queue-delay off
#
# BIN selects the directory of the binaries (release builds: swift build -c release --product
# scoring-server; ... --product loadgen).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.build/release}"
WORK="$(mktemp -d /tmp/fairness.XXXXXX)"
SOCKET="$WORK/s.sock"
taskset -c 0 "$BIN/scoring-server" --unix "$SOCKET" --tcp off --event-loops 1 --max-frame-bytes 4194304 \
    --log-level warning "$@" 2>"$WORK/daemon.log" &
DAEMON=$!
for _ in $(seq 100); do [ -S "$SOCKET" ] && break; sleep 0.1; done
taskset -c 1 "$BIN/loadgen" run --target "unix:$SOCKET" --batch 10000 --max --connections 1 --pipeline 2 \
    --duration 14s --pregenerate 4000000 >"$WORK/batch.txt" 2>&1 &
BATCHES=$!
# The batches' loadgen generates its whole run first: start the singles once its first second is out.
for _ in $(seq 600); do grep -q " 1s  sent" "$WORK/batch.txt" && break; sleep 0.1; done
grep -q " 1s  sent" "$WORK/batch.txt" || { echo "the batches never started: $WORK/batch.txt" >&2; exit 1; }
taskset -c 1 "$BIN/loadgen" run --target "unix:$SOCKET" --rate 1000 --connections 1 --duration 10s --seed 7 \
    >"$WORK/single.txt" 2>&1
wait "$BATCHES" || true
kill -TERM "$DAEMON"
wait "$DAEMON" || true
grep -E "scored transactions/s|overloaded|^  latency" "$WORK/batch.txt" | sed "s/^/batches /"
grep -E "^  latency|^  refused|overloaded|measured transactions" "$WORK/single.txt" | sed "s/^/singles /"
echo "output: $WORK"
