#!/usr/bin/env bash
# What the archive costs scoring (docs/archive.md, "What it costs"): the closed loop of 1,000,000
# single transactions (4 connections × 64 in flight) against a fresh daemon, in interleaved
# rounds of three variants: archive off, --archive without the deferral (--archive-max-deferral
# 0s), and --archive as by default. Each run reads the daemon's threads' CPU from /proc before
# the daemon is killed, so the archive thread's share during the load is seen apart.
#
#   scripts/archive-cost.sh [ROUNDS]        (default 5; each round takes about half a minute)
#
# BIN selects the directory of the release binaries (swift build -c release --product
# scoring-server; ... --product loadgen).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.build/release}"
ROUNDS="${1:-5}"
WORK="$(mktemp -d /tmp/archive-cost.XXXXXX)"
trap 'kill -9 "${DAEMON:-}" 2>/dev/null || true' EXIT

# CPU seconds of the daemon's threads whose name matches $2 (a grep pattern), from /proc/$1.
thread_cpu() {
    local total=0 task
    for task in /proc/"$1"/task/*; do
        if grep -q -- "$2" "$task/comm"; then
            total=$(awk -v t="$total" '{ printf "%.2f", t + ($14 + $15) / 100 }' "$task/stat")
        fi
    done
    echo "$total"
}

for round in $(seq "$ROUNDS"); do
    for variant in off nodeferral default; do
        case $variant in
            off) ARGS=() ;;
            nodeferral) ARGS=(--archive "$WORK/w.db" --archive-max-deferral 0s) ;;
            default) ARGS=(--archive "$WORK/w.db") ;;
        esac
        rm -rf "$WORK/s.sock" "$WORK"/w.db*
        "$BIN/scoring-server" --unix "$WORK/s.sock" --tcp off --max-queue-delay off --log-level warning \
            "${ARGS[@]}" 2>"$WORK/daemon.log" &
        DAEMON=$!
        for _ in $(seq 100); do [ -S "$WORK/s.sock" ] && break; sleep 0.1; done
        "$BIN/loadgen" run --target "unix:$WORK/s.sock" --max --connections 4 --pipeline 64 --count 1000000 \
            >"$WORK/loadgen.txt" 2>&1
        rate=$(awk '/scored transactions\/s/ { print $NF }' "$WORK/loadgen.txt")
        loops=$(thread_cpu "$DAEMON" NIO-ELT)
        total=$(awk '{ printf "%.2f", ($14 + $15) / 100 }' /proc/"$DAEMON"/stat)
        kill -9 "$DAEMON"
        wait "$DAEMON" 2>/dev/null || true
        # What is neither an event loop nor idle bookkeeping is the archive thread, near enough.
        echo "round $round $variant: $rate tx/s, event loops $loops s, other threads $(awk -v t="$total" -v l="$loops" 'BEGIN { printf "%.2f", t - l }') s" \
            | tee -a "$WORK/runs.txt"
    done
done
echo "means over $ROUNDS rounds:"
awk '{ sub(":", "", $3); n[$3]++; r[$3] += $4; l[$3] += $8 }
     END { for (v in n) printf "  %-11s %9.0f tx/s  event loops %.2f s per million  (%+.1f %% vs off)\n", v, r[v] / n[v], l[v] / n[v], 100 * (r[v] / n[v] / (r["off"] / n["off"]) - 1) }' \
    "$WORK/runs.txt" | sort
