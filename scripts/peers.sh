#!/usr/bin/env bash
# The daemon beside the alternatives a user would consider, measured in one run on this machine:
#   1. the daemon (scoring-server), closed loop from loadgen over its Unix socket;
#   2. a straightforward Python asyncio server of the same protocol (scripts/peers/python_server.py),
#      driven by the same loadgen command;
#   3. Redis with a Lua script doing the per-card state work (scripts/peers/card_state.lua: HMGET and
#      HSET of velocity, log-amount profile, last location and device), over a Unix socket,
#      pipelined, driven by redis-benchmark.
# Prints each figure and the daemon's ratio to each. docs/performance.md §14 has the method.
#
# usage: scripts/peers.sh [--bin DIR] [--count N] [--python-count N] [--redis-count N]
#                         [--connections N] [--pipeline N]
# --bin: where scoring-server and loadgen are (default .build/release, built if missing).
# Needs python3 with protobuf and grpcio-tools, and redis-server with redis-benchmark
# (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bin=.build/release
count=2000000
python_count=300000
redis_count=1000000
connections=4
pipeline=64
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --python-count) python_count=$2; shift 2 ;;
    --redis-count) redis_count=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --pipeline) pipeline=$2; shift 2 ;;
    *) echo "peers: unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done

for tool in python3 redis-server redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "peers: $tool is missing: run scripts/install-deps.sh" >&2; exit 2; }
done
if [ ! -x "$bin/scoring-server" ] || [ ! -x "$bin/loadgen" ]; then
  [ "$bin" = .build/release ] || { echo "peers: no scoring-server and loadgen in $bin" >&2; exit 2; }
  echo "peers: building scoring-server and loadgen (release)"
  swift build -c release --product scoring-server >/dev/null
  swift build -c release --product loadgen >/dev/null
fi

work=$(mktemp -d /tmp/streamify-peers.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits up to 20 s for the socket $1 to exist (the process $2 must still be running).
wait_for_socket() {
  for _ in $(seq 200); do
    [ -S "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || { echo "peers: the server exited before listening on $1" >&2; return 1; }
    sleep 0.1
  done
  echo "peers: no socket at $1 after 20 s" >&2
  return 1
}

# cpu_seconds PID
source scripts/lib/cpu.sh

# Microseconds of CPU per request: $1 seconds over $2 requests.
per_request() {
  awk -v s="$1" -v n="$2" 'BEGIN { printf "%.1f", s * 1e6 / n }'
}

# Runs the closed loop against unix:$1 for $2 transactions; prints the scored transactions/s.
closed_loop() {
  local out=$work/loadgen-$(basename "$1").txt
  "$bin/loadgen" run --target "unix:$1" --max --connections "$connections" --pipeline "$pipeline" \
    --count "$2" --quiet >"$out" 2>&1 || { echo "peers: loadgen failed against $1:" >&2; cat "$out" >&2; return 1; }
  awk '/scored transactions\/s/ { print $NF }' "$out"
}

# Measures the server $2 (its PID), named $1, listening on $3, with $4 transactions; stops it,
# prints its line, and leaves its figures in rate and cpu.
measure() {
  local name=$1 pid=$2 socket=$3 n=$4
  wait_for_socket "$socket" "$pid"
  rate=$(closed_loop "$socket" "$n")
  cpu=$(cpu_seconds "$pid")
  kill -TERM "$pid"; wait "$pid" || true
  printf '%-13s %s transactions/s (%s, loadgen; server CPU %s s, %s µs each)\n' "$name" "$rate" "$n" "$cpu" "$(per_request "$cpu" "$n")"
}

echo "peers: $connections connections, $pipeline requests in flight on each, client and server on this machine ($(nproc) CPUs)"

# 1. The daemon.
"$bin/scoring-server" --unix "$work/daemon.sock" --tcp off --metrics off --max-queue-delay off >"$work/daemon.log" 2>&1 &
daemon=$!; pids+=("$daemon")
measure daemon "$daemon" "$work/daemon.sock" "$count"
daemon_rate=$rate daemon_cpu=$cpu

# 2. Python asyncio, the same protocol, the same client.
mkdir -p "$work/python"
python3 -m grpc_tools.protoc -I proto --python_out="$work/python" streamify/v1/scoring.proto
PYTHONPATH="$work/python" python3 scripts/peers/python_server.py --unix "$work/python.sock" >"$work/python.log" 2>&1 &
python=$!; pids+=("$python")
measure python "$python" "$work/python.sock" "$python_count"
python_rate=$rate python_cpu=$cpu

# 3. Redis + Lua, the per-card state work alone, pipelined the same way.
redis-server --port 0 --unixsocket "$work/redis.sock" --unixsocketperm 700 --save "" --appendonly no \
  --logfile "$work/redis.log" &
redis=$!; pids+=("$redis")
wait_for_socket "$work/redis.sock" "$redis"
sha=$(redis-cli -s "$work/redis.sock" SCRIPT LOAD "$(cat scripts/peers/card_state.lua)")
# Each __rand_int__ is drawn anew: card, event time and device vary per request.
redis_out=$(redis-benchmark -s "$work/redis.sock" -c "$connections" -P "$pipeline" -n "$redis_count" -r 1000000 -q \
  EVALSHA "$sha" 1 "card:__rand_int__" 4250 __rand_int__ 40.7128 -74.0060 "device-__rand_int__" 2>&1 | tr '\r' '\n')
redis_rate=$(printf '%s\n' "$redis_out" | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") { print $(i - 1); exit } }')
[ -n "$redis_rate" ] || { echo "peers: redis-benchmark printed no rate:" >&2; printf '%s\n' "$redis_out" >&2; exit 1; }
redis_cpu=$(cpu_seconds "$redis")
redis-cli -s "$work/redis.sock" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
wait "$redis" || true
echo "redis+lua     $redis_rate requests/s ($redis_count, redis-benchmark; server CPU $redis_cpu s, $(per_request "$redis_cpu" "$redis_count") µs each)"

awk -v d="$daemon_rate" -v p="$python_rate" -v r="$redis_rate" \
  -v dc="$(per_request "$daemon_cpu" "$count")" -v pc="$(per_request "$python_cpu" "$python_count")" \
  -v rc="$(per_request "$redis_cpu" "$redis_count")" 'BEGIN {
  if (p <= 0 || r <= 0 || dc <= 0) { print "peers: a peer scored nothing" > "/dev/stderr"; exit 1 }
  printf "ratios        daemon/python %.1fx, daemon/redis+lua %.1fx (throughput); ", d / p, d / r
  printf "server CPU per request python/daemon %.1fx, redis+lua/daemon %.1fx\n", pc / dc, rc / dc
}'
