#!/usr/bin/env bash
# What limits the Kafka door against a real broker: the broker's own ceiling beside the daemon's,
# measured the same way on the same input. A separate tansu process (in-memory storage, 3
# partitions) holds N JSON sales events produced beforehand; then, each timed from its start
# until every input is committed (group join included):
#   1. a bare consumer group (Python confluent-kafka, batched reads): the broker's read ceiling;
#   2. the daemon as a Kafka consumer with every output on (alerts, one score record per input,
#      the card-state changelog, analytics), as scripts/kafka-e2e.sh runs it;
#   3. the same daemon with the changelog off (--kafka-topic-changelog off).
#
#   scripts/kafka-ceiling.sh [COUNT]        # default 1,000,000; release build
# docs/kafka.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-1000000}"

swift build -c release --product scoring-server >/dev/null
DAEMON="$(swift build -c release --show-bin-path)/scoring-server"
# The broker: TANSU, WORK, BOOT, PIDS, run_sidecar, create_topics and the cleanup trap.
source scripts/lib/tansu.sh
source scripts/lib/cpu.sh

create_topics c
python3 scripts/kafka_e2e.py produce --bootstrap "$BOOT" --topic c_sales --count "$COUNT" --seed 5 --ids "$WORK/c.ids"
echo "kafka-ceiling: $COUNT JSON sales events on tansu at $BOOT, 3 partitions"

echo "1. bare consumer group: $(python3 scripts/kafka_e2e.py drain --bootstrap "$BOOT" --group bare --topic c_sales --ends "$WORK/c.ids.ends")"

# Runs the daemon as group $1 (with more arguments after it) until it has committed everything;
# prints the rate and the daemon's CPU.
time_daemon() {
    local group=$1 started finished
    shift
    started=$(date +%s.%N)
    run_sidecar c "$WORK/$group.log" --kafka-group-id "${group}" "$@"
    python3 scripts/kafka_e2e.py wait --bootstrap "$BOOT" --group "$group" --topic c_sales --ends "$WORK/c.ids.ends" --timeout 900 >/dev/null
    finished=$(date +%s.%N)
    local cpu
    cpu=$(cpu_seconds "$SIDECAR")
    kill -TERM "$SIDECAR"; wait "$SIDECAR" || true
    awk -v n="$COUNT" -v s="$started" -v f="$finished" -v c="$cpu" \
        'BEGIN { printf "%d records in %.2f s: %.0f msg/s (group join included; daemon CPU %s s)\n", n, f - s, n / (f - s), c }'
}
echo "2. daemon, every output on: $(time_daemon full)"
echo "3. daemon, changelog off:   $(time_daemon nochangelog --kafka-topic-changelog off)"
