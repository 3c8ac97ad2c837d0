#!/usr/bin/python3
"""Group-consumer drivers for the groups-* compat suites (Debian's python3-confluent-kafka and
python3-kafka, run with /usr/bin/python3). Usage: group_clients.py <command> '<json args>'.
Every line on stdout is one JSON object; errors go to stderr and a non-zero exit.

Commands:
  confluent_consume  subscribe in a group, read until `expect` records (or `idle_s` without one),
                     commit synchronously, close; prints each record, each assignment, the commit.
  confluent_static   a static member (group.instance.id): stays `run_s` seconds, prints every
                     assign/revoke and error; close() without leaving (KIP-345).
  kafka_python_consume  the same as confluent_consume with kafka-python's KafkaConsumer.
"""
import json
import sys
import time


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def dec(b):
    return None if b is None else b.decode("utf-8", "replace")


def confluent_consume(a):
    from confluent_kafka import Consumer, KafkaError
    c = Consumer({
        "bootstrap.servers": a["bootstrap"],
        "group.id": a["group"],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": a.get("session_timeout_ms", 10000),
        "heartbeat.interval.ms": 1000,
        "topic.metadata.refresh.interval.ms": 1000,
    })

    def on_assign(consumer, parts):
        out({"type": "assign", "partitions": sorted(p.partition for p in parts)})

    c.subscribe([a["topic"]], on_assign=on_assign)
    n = 0
    last = time.time()
    deadline = time.time() + a.get("timeout_s", 60)
    while n < a["expect"] and time.time() < deadline and time.time() - last < a.get("idle_s", 30):
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                continue
            sys.stderr.write("consume error: %s\n" % m.error())
            continue
        last = time.time()
        n += 1
        out({"type": "record", "partition": m.partition(), "offset": m.offset(), "key": dec(m.key()), "value": dec(m.value())})
    if n > 0:
        committed = c.commit(asynchronous=False)
        out({"type": "committed", "offsets": [[p.partition, p.offset, None if p.error is None else str(p.error)] for p in committed]})
    c.close()
    out({"type": "closed", "count": n})


def confluent_static(a):
    from confluent_kafka import Consumer, KafkaException
    errors = []

    def on_error(e):
        errors.append(str(e))
        out({"type": "error", "error": str(e), "fatal": e.fatal(), "code": e.name()})

    c = Consumer({
        "bootstrap.servers": a["bootstrap"],
        "group.id": a["group"],
        "group.instance.id": a["instance"],
        "client.id": a["instance"],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": a.get("session_timeout_ms", 10000),
        "heartbeat.interval.ms": 500,
        "error_cb": on_error,
    })

    def on_assign(consumer, parts):
        out({"type": "assign", "t": time.time(), "partitions": sorted(p.partition for p in parts)})

    def on_revoke(consumer, parts):
        out({"type": "revoke", "t": time.time(), "partitions": sorted(p.partition for p in parts)})

    c.subscribe([a["topic"]], on_assign=on_assign, on_revoke=on_revoke)
    end = time.time() + a["run_s"]
    while time.time() < end:
        try:
            m = c.poll(0.2)
        except KafkaException as e:
            out({"type": "error", "error": str(e), "fatal": True, "code": "exception"})
            break
        if m is not None and m.error():
            # librdkafka surfaces a fatal error (e.g. FENCED_INSTANCE_ID) as a _FATAL event here.
            fatal = m.error().fatal() or m.error().name() == "_FATAL"
            out({"type": "error", "error": str(m.error()), "fatal": fatal, "code": m.error().name()})
            if fatal:
                break
    try:
        c.close()
    except Exception as e:  # a fenced member's close reports the fatal error again
        out({"type": "close_error", "error": str(e)})
    out({"type": "closed"})


def kafka_python_consume(a):
    from kafka import KafkaConsumer
    c = KafkaConsumer(a["topic"], bootstrap_servers=a["bootstrap"], group_id=a["group"],
                      auto_offset_reset="earliest", enable_auto_commit=False,
                      session_timeout_ms=a.get("session_timeout_ms", 10000), heartbeat_interval_ms=1000,
                      consumer_timeout_ms=1000)
    n = 0
    deadline = time.time() + a.get("timeout_s", 60)
    while n < a["expect"] and time.time() < deadline:
        for m in c:
            n += 1
            out({"type": "record", "partition": m.partition, "offset": m.offset, "key": dec(m.key), "value": dec(m.value)})
            if n >= a["expect"]:
                break
    out({"type": "assign", "partitions": sorted(tp.partition for tp in c.assignment())})
    c.commit()
    committed = {tp.partition: c.committed(tp) for tp in c.assignment()}
    out({"type": "committed", "offsets": [[p, o, None] for p, o in sorted(committed.items())]})
    c.close()
    out({"type": "closed", "count": n})


def main():
    cmd = sys.argv[1]
    a = json.loads(sys.argv[2])
    {"confluent_consume": confluent_consume, "confluent_static": confluent_static,
     "kafka_python_consume": kafka_python_consume}[cmd](a)


if __name__ == "__main__":
    main()
