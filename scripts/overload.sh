#!/usr/bin/env bash
# 3x overload on a 2-core machine (docs/performance.md §6): the daemon on core 0 with a third of
# it (CFS quota 1 ms per 3 ms, cgroup v1, run as root), one event loop; loadgen on core 1.
#
#   scripts/overload.sh QUEUE_DELAY LOADGEN-ARGS...
#   scripts/overload.sh 5ms --rate 130000 --duration 10s --warmup 2s --connections 8 --pipeline 1024 --deadline 5
#
# The daemon's share is QUOTA_US of every PERIOD_US (defaults 1000 of 3000): a smaller share
# makes 3x its capacity a load loadgen can offer without saturating its own core. QUOTA_US=-1
# gives the daemon all of core 0 (no throttling): 3x of that needs loadgen to generate the whole
# run first (--pregenerate). BIN selects the directory of the binaries; LOG_LEVEL the daemon's.
#
# Release builds first: swift build -c release --product scoring-server; ... --product loadgen.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.build/release}"
QUEUE_DELAY="$1"
shift
WORK="$(mktemp -d /tmp/overload.XXXXXX)"
GROUP=/sys/fs/cgroup/cpu/streamify-overload
mkdir -p "$GROUP"
echo "${PERIOD_US:-3000}" >"$GROUP/cpu.cfs_period_us"
echo "${QUOTA_US:-1000}" >"$GROUP/cpu.cfs_quota_us"
SOCKET="$WORK/s.sock"
(echo $BASHPID >"$GROUP/cgroup.procs"; exec taskset -c 0 "$BIN/scoring-server" --unix "$SOCKET" --tcp off \
    --event-loops 1 --max-queue-delay "$QUEUE_DELAY" --log-level "${LOG_LEVEL:-warning}" 2>"$WORK/daemon.log") &
DAEMON=$!
for _ in $(seq 100); do [ -S "$SOCKET" ] && break; sleep 0.1; done
taskset -c 1 "$BIN/loadgen" run --target "unix:$SOCKET" --quiet --speedup 60 "$@" --report "$WORK/report.json" >"$WORK/loadgen.txt" 2>&1
kill -TERM "$DAEMON"
wait "$DAEMON" || true
python3 - "$WORK/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ms = lambda d, keys: [round(d.get(k, 0) / 1000, 2) for k in keys]
print("scored/s", round(r["throughput"]["transactionsPerSecond"]), "refused", json.dumps(r["errors"]))
print("scored p50/p99/p99.9/max ms", ms(r["latencyMicroseconds"], ("p50", "p99", "p999", "max")))
print("refusals p50/p99 ms", ms(r["refusalLatencyMicroseconds"], ("p50", "p99")))
print("loadgen send lag p50/p99 ms", ms(r["sendLagMicroseconds"], ("p50", "p99")))
PY
echo "report: $WORK/report.json"
