#!/usr/bin/env python3
"""Independent client for the Kafka door end-to-end test (Python confluent-kafka).

  produce  --bootstrap B --topic T --count N --invalid K --seed S --ids FILE [--skip M]
  wait     --bootstrap B --group G --topic T --timeout SECONDS      (until fully committed)
  lag      --bootstrap B --group G --topic T                        (prints committed/end)
  verify   --bootstrap B --prefix P --ids FILE --invalid K [--exact]
  compare  --bootstrap B --prefix P --reference R --factors velocity,geographic
           (every score record of P has the same score and reason for each named factor as R's)
  drain    --bootstrap B --group G --topic T --ends FILE  (a bare consumer group reads it all and
           commits: the broker's own ceiling, timed like the daemon, group join included)
"""
import argparse, datetime, json, random, sys, time
from confluent_kafka import Consumer, Producer, TopicPartition

HOMES = [(40.71, -74.00, "US"), (51.51, -0.13, "GB"), (48.86, 2.35, "FR"), (52.52, 13.40, "DE")]
CATEGORIES = ["Electronics", "Books", "Clothing", "Grocery", "Gift Cards"]


def sales_event(rng, index, now):
    card = rng.randrange(500)
    lat, lon, country = HOMES[card % len(HOMES)]
    anomalous = rng.random() < 0.05
    if anomalous:
        lat, lon, country = HOMES[(card + 2) % len(HOMES)]
    ts = now + datetime.timedelta(seconds=index * 2)
    return {
        "transaction_id": f"py-{index}",
        "user_id": f"user_{card}",
        "product_id": f"prod_{rng.randrange(900, 950) if anomalous else card % 200}",
        "product_category": "Electronics" if anomalous else CATEGORIES[card % len(CATEGORIES)],
        "amount": round(rng.uniform(1500, 6000) if anomalous else rng.uniform(5, 120), 2),
        "currency": "USD",
        "payment_method": ["credit_card", "debit_card", "paypal"][card % 3],
        "status": "completed",
        "timestamp": ts.isoformat(),
        "location": {"country": country, "state": "", "city": "", "latitude": lat + rng.random() * 0.1,
                     "longitude": lon + rng.random() * 0.1},
        "device_type": "desktop" if anomalous else "mobile",
        "browser": "Chrome",
        "ip_address": f"10.0.{card // 250}.{card % 250}",
        "session_id": f"sess-x{index}" if anomalous else f"sess-{card}",
    }


def produce(args):
    rng = random.Random(args.seed)
    producer = Producer({"bootstrap.servers": args.bootstrap, "linger.ms": 5, "enable.idempotence": True})
    failures = []
    ends = {}

    def cb(err, msg):
        if err:
            failures.append(err)
        else:
            ends[msg.partition()] = max(ends.get(msg.partition(), 0), msg.offset() + 1)
    now = datetime.datetime(2026, 11, 24, 12, 0, 0)
    ids = []
    invalid_sent = 0
    step = max(args.count // args.invalid, 1) if args.invalid else 0
    for index in range(args.skip + args.count):
        event = sales_event(rng, index, now)
        if index < args.skip:  # the same stream, continued: the events before --skip were sent already
            continue
        ids.append(event["transaction_id"])
        while True:
            try:
                producer.produce(args.topic, key=event["user_id"], value=json.dumps(event), on_delivery=cb)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
        if step and index % step == 0 and invalid_sent < args.invalid:
            invalid_sent += 1
            bad = dict(event, transaction_id=f"bad-{index}", amount=-1)
            producer.produce(args.topic, key=event["user_id"], value=json.dumps(bad) if index % 2 else b"\x00not json", on_delivery=cb)
    if invalid_sent != args.invalid:
        sys.exit(f"could only place {invalid_sent} invalid values")
    remaining = producer.flush(60)
    if failures or remaining:
        sys.exit(f"produce failed: {failures[:3]} remaining={remaining}")
    with open(args.ids, "w") as f:
        f.write("\n".join(ids))
    # Ends from the delivery reports: tansu's ListOffsets answers are not reliable enough here.
    with open(args.ids + ".ends", "w") as f:
        json.dump(ends, f)
    print(f"produced {args.count} valid + {args.invalid} invalid to {args.topic}")


def progress(bootstrap, group, topic, ends_file=None):
    ends = {int(k): v for k, v in json.load(open(ends_file)).items()} if ends_file else None
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = [TopicPartition(topic, p) for p in metadata.topics[topic].partitions]
        committed = consumer.committed(partitions, timeout=10)
        result = []
        for tp in committed:
            if ends is not None:
                high = ends.get(tp.partition, 0)
            else:
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, tp.partition), timeout=10)
            result.append((tp.partition, max(tp.offset, 0) if high == 0 else tp.offset, high))
        return result
    finally:
        consumer.close()


def lag(args):
    rows = progress(args.bootstrap, args.group, args.topic, args.ends)
    committed = sum(max(c, 0) for _, c, _ in rows)
    end = sum(h for _, _, h in rows)
    print(f"committed {committed} of {end}")


def until(args):
    """Returns once the group has committed at least --fraction of the input (to kill mid-run)."""
    total = sum(json.load(open(args.ends)).values())
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        try:
            committed = sum(max(c, 0) for _, c, _ in progress(args.bootstrap, args.group, args.topic, args.ends))
            if committed >= total * args.fraction:
                print(f"committed {committed} of {total}")
                return
        except Exception:
            pass
        time.sleep(0.05)
    sys.exit("the sidecar made no progress")


def wait(args):
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        try:
            rows = progress(args.bootstrap, args.group, args.topic, args.ends)
            if rows and all(c == h for _, c, h in rows):
                print(f"fully committed: {rows}")
                return
        except Exception as error:  # broker still warming up
            print(f"waiting: {error}", file=sys.stderr)
        time.sleep(0.5)
    sys.exit(f"not fully committed after {args.timeout}s: {progress(args.bootstrap, args.group, args.topic, args.ends)}")


def read_all(bootstrap, topic, quiet=3.0):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"verify-{time.time()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    metadata = consumer.list_topics(topic, timeout=10)
    consumer.assign([TopicPartition(topic, p, 0) for p in metadata.topics[topic].partitions])
    records, last = [], time.time()
    while time.time() - last < quiet:
        msg = consumer.poll(0.2)
        if msg is None or msg.error():
            continue
        records.append((msg.partition(), msg.offset(), msg.value()))
        last = time.time()
    consumer.close()
    return records


def drain(args):
    """Joins a new group, reads every record up to the ends and commits; prints the rate."""
    ends = {int(k): v for k, v in json.load(open(args.ends)).items()}
    total = sum(ends.values())
    started = time.time()
    # The session timeout the daemon runs with in scripts/lib/tansu.sh.
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": args.group, "session.timeout.ms": 6000,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([args.topic])
    reached, count, deadline, first = {}, 0, started + args.timeout, None
    while sum(reached.values()) < total:
        if time.time() > deadline:
            sys.exit(f"drained only {count} of {total} in {args.timeout}s")
        for msg in consumer.consume(num_messages=10_000, timeout=0.5):
            if msg.error():
                continue
            first = first or time.time()
            count += 1
            reached[msg.partition()] = max(reached.get(msg.partition(), 0), msg.offset() + 1)
    consumer.commit(asynchronous=False)
    seconds = time.time() - started
    consumer.close()
    reading = time.time() - first
    print(f"drained {count} records in {seconds:.2f} s: {count / seconds:.0f} msg/s (group join included); "
          f"{first - started:.2f} s to the first record, then {count / reading:.0f} msg/s")


LEVELS = {"LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}


def verify(args):
    expected = set(open(args.ids).read().split())
    scores = [(p, o, json.loads(v)) for p, o, v in read_all(args.bootstrap, f"{args.prefix}_scores")]
    alerts = [json.loads(v) for _, _, v in read_all(args.bootstrap, f"{args.prefix}_alerts")]
    dlq = [json.loads(v) for _, _, v in read_all(args.bootstrap, f"{args.prefix}_sales.dlq")]
    scored = {s["transaction_id"] for _, _, s in scores}
    last = {}
    for p, o, s in sorted(scores, key=lambda r: (r[0], r[1])):
        last[s["transaction_id"]] = s
    should_alert = {i for i, s in last.items() if LEVELS[s["level"]] >= LEVELS["MEDIUM"]}
    alerted = {a["transaction_id"] for a in alerts}
    final_alerted = {a["transaction_id"] for a in alerts
                     if a["transaction_id"] in last and a["risk_score"] == last[a["transaction_id"]]["risk_score"]
                     and a["level"] == last[a["transaction_id"]]["level"]}
    dlq_unique = {(d["source_partition"], d["source_offset"]) for d in dlq}
    report = {
        "inputs_valid": len(expected), "inputs_invalid": args.invalid,
        "score_records": len(scores), "scored_unique": len(scored), "duplicate_scores": len(scores) - len(scored),
        "alert_records": len(alerts), "alerted_unique": len(alerted), "should_alert": len(should_alert),
        "dead_letters": len(dlq), "dead_letters_unique": len(dlq_unique),
    }
    print(json.dumps(report))
    problems = []
    if scored != expected:
        problems.append(f"unscored={len(expected - scored)} unexpected={len(scored - expected)}")
    if len(dlq_unique) != args.invalid:
        problems.append(f"dead letters {len(dlq_unique)} != {args.invalid}")
    if should_alert - final_alerted:
        problems.append(f"missing alerts for final scorings: {len(should_alert - final_alerted)}")
    if args.exact:
        if len(scores) != len(expected) or len(dlq) != args.invalid or len(alerts) != len(should_alert) or alerted != should_alert:
            problems.append("exact counts differ (a clean run must have no duplicates)")
    if problems:
        sys.exit("VERIFY FAILED: " + "; ".join(problems))
    print("verify ok")


def compare(args):
    names = args.factors.split(",")

    def factors(prefix):
        for _, _, value in read_all(args.bootstrap, f"{prefix}_scores"):
            record = json.loads(value)
            yield record["transaction_id"], [(f["factor"], f["score"], f["reason"]) for f in record["factors"] if f["factor"] in names]

    expected = {}
    for transaction, picked in factors(args.reference):
        expected.setdefault(transaction, picked)
    records = list(factors(args.prefix))
    differing = [t for t, picked in records if expected.get(t) != picked]
    print(json.dumps({"score_records": len(records), "reference_records": len(expected), "differing": len(differing)}))
    if not records or differing:
        for transaction in differing[:3]:
            got = next(picked for t, picked in records if t == transaction)
            print(f"{transaction}: {got}\n  reference: {expected.get(transaction)}")
        sys.exit(f"COMPARE FAILED: {len(differing)} of {len(records)} records differ in {names}, first {differing[:3]}")
    print("compare ok")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("compare"); p.add_argument("--bootstrap"); p.add_argument("--prefix"); p.add_argument("--reference")
    p.add_argument("--factors", default="velocity,geographic"); p.set_defaults(func=compare)
    p = sub.add_parser("produce"); p.add_argument("--bootstrap"); p.add_argument("--topic"); p.add_argument("--count", type=int)
    p.add_argument("--invalid", type=int, default=0); p.add_argument("--seed", type=int, default=1); p.add_argument("--ids")
    p.add_argument("--skip", type=int, default=0); p.set_defaults(func=produce)
    w = sub.add_parser("wait"); w.add_argument("--bootstrap"); w.add_argument("--group"); w.add_argument("--topic")
    w.add_argument("--timeout", type=float, default=120); w.add_argument("--ends"); w.set_defaults(func=wait)
    l = sub.add_parser("lag"); l.add_argument("--bootstrap"); l.add_argument("--group"); l.add_argument("--topic"); l.add_argument("--ends"); l.set_defaults(func=lag)
    u = sub.add_parser("until"); u.add_argument("--bootstrap"); u.add_argument("--group"); u.add_argument("--topic")
    u.add_argument("--ends"); u.add_argument("--fraction", type=float, default=0.1); u.add_argument("--timeout", type=float, default=120)
    u.set_defaults(func=until)
    d = sub.add_parser("drain"); d.add_argument("--bootstrap"); d.add_argument("--group"); d.add_argument("--topic")
    d.add_argument("--ends"); d.add_argument("--timeout", type=float, default=600); d.set_defaults(func=drain)
    v = sub.add_parser("verify"); v.add_argument("--bootstrap"); v.add_argument("--prefix"); v.add_argument("--ids")
    v.add_argument("--invalid", type=int, default=0); v.add_argument("--exact", action="store_true"); v.set_defaults(func=verify)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
