#!/usr/bin/python3
"""confluent-kafka-python (librdkafka) driver for Tributary's compat tests.

Usage: /usr/bin/python3 confluent_client.py <command> '<json args>'

  produce            {bootstrap, topic, count, base_ts?, partitions?, compression?, acks?, start?, value_bytes?,
                      idempotence?}   idempotence: enable.idempotence=True (acks=all, 5 in flight)
  consume            {bootstrap, topic, expect?, timeout_s?}
  offsets_for_times  {bootstrap, topic, timestamp, timeout_s?}
  metadata           {bootstrap, topic}   cluster id, controller, brokers, the topic's partitions
  wait_one           {bootstrap, topic, fetch_wait_ms, timeout_s?}   assign partition 0 from the
                     beginning, print {"type":"ready"} after the first (empty) poll, then the first
                     record as it arrives
  group_consume      {bootstrap, topic, group, expect, timeout_s?, idle_s?, session_timeout_ms?}
                     subscribe in `group`, read until `expect` records (or idle_s without one),
                     commit synchronously, close (leaving the group); prints each assignment
                     ({"type":"assign"}), record, the commit ({"type":"committed"}) and {"type":"closed"}
  static_member      {bootstrap, topic, group, instance, run_s, session_timeout_ms?}   a static member
                     (group.instance.id, KIP-345): stays run_s seconds, prints every assign/revoke
                     and error; close() does not leave the group
  raw_partition      {bootstrap, topic, partition, timeout_s?}   every record of one partition from
                     the beginning to its high watermark, key and value as hex (no group)

Every result is one JSON object per line on stdout ({"type": ...}); diagnostics go to stderr.
Message i carries key "key-<i>", value "value-<i>", headers idx=<i> and src=confluent, and, when
base_ts is given, the CreateTime timestamp base_ts + i. With `partitions`, message i goes to
partition i % partitions; otherwise the client's partitioner picks.
Consumers never join a group: they assign() every partition from OFFSET_BEGINNING and read until
each partition's high watermark (taken at start) is reached, and at least `expect` records.
"""
import json
import os
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")


def err(msg):
    sys.stderr.write("[confluent_client] %s\n" % msg)
    sys.stderr.flush()


def dec(b):
    return None if b is None else b.decode("utf-8", "backslashreplace")


def consumer_conf(a):
    # confluent-kafka-python 1.7 refuses a Consumer without group.id ("group.id must be set"). The
    # group is never joined: no subscribe(), no commits (auto commit and offset store are off).
    return {
        "bootstrap.servers": a["bootstrap"],
        "group.id": "tributary-compat-nogroup-%d" % os.getpid(),
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "enable.partition.eof": False,
        "topic.metadata.refresh.interval.ms": 5000,
    }


def partitions_of(client, topic, deadline):
    while True:
        md = client.list_topics(topic, timeout=5)
        t = md.topics.get(topic)
        if t is not None and t.error is None and len(t.partitions) > 0:
            return sorted(t.partitions.keys())
        if time.time() > deadline:
            raise RuntimeError("no metadata for topic %s: %s" % (topic, None if t is None else t.error))
        time.sleep(0.2)


def produce(a):
    conf = {
        "bootstrap.servers": a["bootstrap"],
        "acks": str(a.get("acks", "all")),
        "compression.codec": a.get("compression", "none"),
        "message.timeout.ms": int(float(a.get("timeout_s", 60)) * 1000) - 2000,
        "linger.ms": 5,
        "enable.idempotence": False,
        "max.in.flight.requests.per.connection": 1,
    }
    if a.get("idempotence"):
        conf["enable.idempotence"] = True
        conf["acks"] = "all"
        conf["max.in.flight.requests.per.connection"] = 5
    p = Producer(conf)
    failures = []

    def on_delivery(e, msg):
        if e is not None:
            failures.append(str(e))
            out({"type": "delivery_error", "error": str(e), "key": dec(msg.key())})
            return
        ts_type, ts = msg.timestamp()
        out({"type": "delivered", "partition": msg.partition(), "offset": msg.offset(),
             "key": dec(msg.key()), "timestamp": ts, "timestamp_type": ts_type})

    start = int(a.get("start", 0))
    for i in range(start, start + int(a["count"])):
        value = ("value-%d" % i).encode()
        if a.get("value_bytes"):
            value = value + b"x" * max(0, int(a["value_bytes"]) - len(value))
        kwargs = {
            "key": ("key-%d" % i).encode(),
            "value": value,
            "headers": [("idx", str(i).encode()), ("src", b"confluent")],
            "on_delivery": on_delivery,
        }
        if a.get("base_ts") is not None:
            kwargs["timestamp"] = int(a["base_ts"]) + i
        if a.get("partitions"):
            kwargs["partition"] = i % int(a["partitions"])
        while True:
            try:
                p.produce(a["topic"], **kwargs)
                break
            except BufferError:
                p.poll(0.1)
        p.poll(0)
    remaining = p.flush(float(a.get("timeout_s", 60)))
    if remaining:
        err("%d messages not delivered before the flush timeout" % remaining)
        sys.exit(2)
    if failures:
        err("%d delivery errors, first: %s" % (len(failures), failures[0]))
        sys.exit(1)
    out({"type": "summary", "produced": int(a["count"])})


def consume(a):
    deadline = time.time() + float(a.get("timeout_s", 60))
    expect = int(a.get("expect", 0))
    c = Consumer(consumer_conf(a))
    try:
        parts = partitions_of(c, a["topic"], deadline)
        highs = {}
        for p in parts:
            lo, hi = c.get_watermark_offsets(TopicPartition(a["topic"], p), timeout=10)
            highs[p] = hi
        c.assign([TopicPartition(a["topic"], p, OFFSET_BEGINNING) for p in parts])
        next_offset = {p: 0 for p in parts}
        count = 0

        def done():
            return count >= expect and all(next_offset[p] >= highs[p] for p in parts)

        while not done():
            if time.time() > deadline:
                err("timeout: read %d, positions %s, high watermarks %s" % (count, next_offset, highs))
                out({"type": "summary", "count": count, "high_watermarks": highs, "timed_out": True})
                sys.exit(3)
            msg = c.poll(0.5)
            if msg is None:
                continue
            if msg.error() is not None:
                err("consumer error: %s" % msg.error())
                continue
            ts_type, ts = msg.timestamp()
            out({"type": "record", "partition": msg.partition(), "offset": msg.offset(),
                 "key": dec(msg.key()), "value": dec(msg.value()),
                 "headers": [[k, dec(v)] for (k, v) in (msg.headers() or [])],
                 "timestamp": ts, "timestamp_type": ts_type})
            next_offset[msg.partition()] = msg.offset() + 1
            count += 1
        out({"type": "summary", "count": count, "high_watermarks": {str(k): v for k, v in highs.items()}})
    finally:
        c.close()


def offsets_for_times(a):
    deadline = time.time() + float(a.get("timeout_s", 30))
    c = Consumer(consumer_conf(a))
    try:
        parts = partitions_of(c, a["topic"], deadline)
        res = c.offsets_for_times([TopicPartition(a["topic"], p, int(a["timestamp"])) for p in parts], timeout=20)
        for tp in res:
            out({"type": "offset", "partition": tp.partition, "offset": tp.offset,
                 "error": None if tp.error is None else str(tp.error)})
    finally:
        c.close()


def metadata(a):
    c = Consumer(consumer_conf(a))
    try:
        md = c.list_topics(a["topic"], timeout=20)
        t = md.topics.get(a["topic"])
        out({"type": "metadata", "cluster_id": md.cluster_id, "controller_id": md.controller_id,
             "brokers": [{"id": b.id, "host": b.host, "port": b.port} for b in md.brokers.values()],
             "topic_error": None if t is None or t.error is None else str(t.error),
             "partitions": [] if t is None else [
                 {"id": p.id, "leader": p.leader, "replicas": list(p.replicas), "isrs": list(p.isrs)}
                 for p in t.partitions.values()]})
    finally:
        c.close()


def wait_one(a):
    deadline = time.time() + float(a.get("timeout_s", 30))
    conf = consumer_conf(a)
    conf["fetch.wait.max.ms"] = int(a["fetch_wait_ms"])
    c = Consumer(conf)
    try:
        partitions_of(c, a["topic"], deadline)
        c.assign([TopicPartition(a["topic"], 0, OFFSET_BEGINNING)])
        ready = False
        while time.time() < deadline:
            msg = c.poll(0.2)
            if not ready:
                out({"type": "ready"})
                sys.stdout.flush()
                ready = True
            if msg is None:
                continue
            if msg.error() is not None:
                err("consumer error: %s" % msg.error())
                continue
            out({"type": "record", "partition": msg.partition(), "offset": msg.offset(),
                 "key": dec(msg.key()), "value": dec(msg.value())})
            sys.stdout.flush()
            return
        err("no record within the timeout")
        sys.exit(3)
    finally:
        c.close()


def group_consume(a):
    from confluent_kafka import KafkaError
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
        sys.stdout.flush()

    c.subscribe([a["topic"]], on_assign=on_assign)
    n = 0
    last = time.time()
    deadline = time.time() + float(a.get("timeout_s", 60))
    while n < a["expect"] and time.time() < deadline and time.time() - last < a.get("idle_s", 30):
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                continue
            err("consume error: %s" % m.error())
            continue
        last = time.time()
        n += 1
        out({"type": "record", "partition": m.partition(), "offset": m.offset(), "key": dec(m.key()), "value": dec(m.value())})
    if n > 0:
        committed = c.commit(asynchronous=False)
        out({"type": "committed", "offsets": [[p.partition, p.offset, None if p.error is None else str(p.error)] for p in committed]})
    c.close()
    out({"type": "closed", "count": n})


def static_member(a):
    def on_error(e):
        out({"type": "error", "error": str(e), "fatal": e.fatal(), "code": e.name()})
        sys.stdout.flush()

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
        sys.stdout.flush()

    def on_revoke(consumer, parts):
        out({"type": "revoke", "t": time.time(), "partitions": sorted(p.partition for p in parts)})
        sys.stdout.flush()

    c.subscribe([a["topic"]], on_assign=on_assign, on_revoke=on_revoke)
    end = time.time() + float(a["run_s"])
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
    except Exception as e:  # noqa: BLE001 - a fenced member's close reports the fatal error again
        out({"type": "close_error", "error": str(e)})
    out({"type": "closed"})


def raw_partition(a):
    deadline = time.time() + float(a.get("timeout_s", 30))
    c = Consumer(consumer_conf(a))
    try:
        partitions_of(c, a["topic"], deadline)
        tp = TopicPartition(a["topic"], int(a["partition"]), OFFSET_BEGINNING)
        lo, hi = c.get_watermark_offsets(TopicPartition(a["topic"], int(a["partition"])), timeout=10)
        c.assign([tp])
        nxt = lo
        while nxt < hi:
            if time.time() > deadline:
                err("timeout: at offset %d of %d" % (nxt, hi))
                sys.exit(3)
            msg = c.poll(0.5)
            if msg is None:
                continue
            if msg.error() is not None:
                err("consumer error: %s" % msg.error())
                continue
            out({"type": "raw", "offset": msg.offset(),
                 "key": None if msg.key() is None else msg.key().hex(),
                 "value": None if msg.value() is None else msg.value().hex()})
            nxt = msg.offset() + 1
        out({"type": "summary", "low": lo, "high": hi})
    finally:
        c.close()


def main():
    cmd = sys.argv[1]
    a = json.loads(sys.argv[2])
    {"produce": produce, "consume": consume, "offsets_for_times": offsets_for_times,
     "metadata": metadata, "wait_one": wait_one, "group_consume": group_consume,
     "static_member": static_member, "raw_partition": raw_partition}[cmd](a)
    sys.stdout.flush()


if __name__ == "__main__":
    try:
        main()
    except KafkaException as e:
        err("KafkaException: %s" % e)
        sys.exit(1)
