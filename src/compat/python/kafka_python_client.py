#!/usr/bin/python3
"""kafka-python driver for Tributary's compat tests.

Usage: /usr/bin/python3 kafka_python_client.py <command> '<json args>'

  produce            {bootstrap, topic, count, base_ts?, partitions?, compression?, acks?, start?, value_bytes?,
                      batch_bytes?}   batch_bytes: batch_size (batches below a small segment.bytes)
  consume            {bootstrap, topic, expect?, timeout_s?}
  codecs             {}   prints which compression codecs this kafka-python can use
  offsets_for_times  {bootstrap, topic, timestamp}   -1 where no record is at or after it
  metadata           {bootstrap, topic}   cluster id, controller, brokers, the topic's partitions
  wait_one           {bootstrap, topic, fetch_wait_ms, timeout_s?}   assign partition 0 from the
                     beginning, print {"type":"ready"} after the first (empty) poll, then the first
                     record as it arrives
  group_consume      {bootstrap, topic, group, expect, timeout_s?, session_timeout_ms?}   a KafkaConsumer
                     in `group`: read until `expect` records, print the assignment, commit, print
                     the committed offsets ({"type":"committed"}), close (leaving the group)
  raw_partition      {bootstrap, topic, partition, timeout_s?}   every record of one partition from
                     the beginning to its end offset, key and value as hex (no group)

Every result is one JSON object per line on stdout ({"type": ...}); diagnostics go to stderr.
Message i carries key "key-<i>", value "value-<i>", headers idx=<i> and src=kafka-python and, when
base_ts is given, the timestamp base_ts + i. With `partitions`, message i goes to partition
i % partitions. The consumer has group_id=None: assign() + seek_to_beginning(), read until every
partition's end offset (taken at start) is reached and at least `expect` records.
"""
import json
import logging
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


from driver_io import dec, out, stderr_logger

err = stderr_logger("kafka_python_client")


def produce(a):
    kwargs = {
        "bootstrap_servers": a["bootstrap"],
        "acks": a.get("acks", 1),
        "linger_ms": 5,
        "retries": 0,
        "max_in_flight_requests_per_connection": 1,
        "request_timeout_ms": 30000,
    }
    if a.get("compression") and a["compression"] != "none":
        kwargs["compression_type"] = a["compression"]
    if a.get("batch_bytes"):
        kwargs["batch_size"] = int(a["batch_bytes"])
    p = KafkaProducer(**kwargs)
    futures = []
    start = int(a.get("start", 0))
    for i in range(start, start + int(a["count"])):
        value = ("value-%d" % i).encode()
        if a.get("value_bytes"):
            value = value + b"x" * max(0, int(a["value_bytes"]) - len(value))
        send_kwargs = {
            "key": ("key-%d" % i).encode(),
            "value": value,
            "headers": [("idx", str(i).encode()), ("src", b"kafka-python")],
        }
        if a.get("base_ts") is not None:
            send_kwargs["timestamp_ms"] = int(a["base_ts"]) + i
        if a.get("partitions"):
            send_kwargs["partition"] = i % int(a["partitions"])
        futures.append((i, p.send(a["topic"], **send_kwargs)))
    p.flush(timeout=float(a.get("timeout_s", 60)))
    failures = 0
    for i, f in futures:
        try:
            md = f.get(timeout=30)
            out({"type": "delivered", "partition": md.partition, "offset": md.offset,
                 "key": "key-%d" % i, "timestamp": md.timestamp})
        except Exception as e:  # noqa: BLE001 - report any failure
            failures += 1
            out({"type": "delivery_error", "key": "key-%d" % i, "error": repr(e)})
    p.close(timeout=10)
    if failures:
        err("%d delivery errors" % failures)
        sys.exit(1)
    out({"type": "summary", "produced": int(a["count"])})


def consume(a):
    deadline = time.time() + float(a.get("timeout_s", 60))
    expect = int(a.get("expect", 0))
    c = KafkaConsumer(bootstrap_servers=a["bootstrap"], group_id=None, enable_auto_commit=False,
                      auto_offset_reset="earliest", request_timeout_ms=30000)
    try:
        parts = None
        while parts is None:
            parts = c.partitions_for_topic(a["topic"])
            if not parts:
                parts = None
                if time.time() > deadline:
                    raise RuntimeError("no partitions for topic %s" % a["topic"])
                time.sleep(0.2)
        tps = [TopicPartition(a["topic"], p) for p in sorted(parts)]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        highs = c.end_offsets(tps)
        next_offset = {tp: 0 for tp in tps}
        count = 0

        def done():
            return count >= expect and all(next_offset[tp] >= highs[tp] for tp in tps)

        while not done():
            if time.time() > deadline:
                err("timeout: read %d, positions %s, end offsets %s" % (count, next_offset, highs))
                out({"type": "summary", "count": count, "timed_out": True})
                sys.exit(3)
            batch = c.poll(timeout_ms=500)
            for tp, records in batch.items():
                for r in records:
                    out({"type": "record", "partition": r.partition, "offset": r.offset,
                         "key": dec(r.key), "value": dec(r.value),
                         "headers": [[k, dec(v)] for (k, v) in (r.headers or [])],
                         "timestamp": r.timestamp, "timestamp_type": r.timestamp_type})
                    next_offset[tp] = r.offset + 1
                    count += 1
        out({"type": "summary", "count": count,
             "high_watermarks": {str(tp.partition): v for tp, v in highs.items()}})
    finally:
        c.close()


def codecs(_a):
    from kafka import codec
    out({"type": "codecs", "gzip": codec.has_gzip(), "snappy": codec.has_snappy(),
         "lz4": codec.has_lz4(), "zstd": codec.has_zstd()})


def partitions_of(c, topic, deadline):
    while True:
        parts = c.partitions_for_topic(topic)
        if parts:
            return sorted(parts)
        if time.time() > deadline:
            raise RuntimeError("no partitions for topic %s" % topic)
        time.sleep(0.2)


def offsets_for_times(a):
    deadline = time.time() + float(a.get("timeout_s", 30))
    c = KafkaConsumer(bootstrap_servers=a["bootstrap"], group_id=None, enable_auto_commit=False,
                      request_timeout_ms=30000)
    try:
        tps = [TopicPartition(a["topic"], p) for p in partitions_of(c, a["topic"], deadline)]
        res = c.offsets_for_times({tp: int(a["timestamp"]) for tp in tps})
        for tp in tps:
            ot = res.get(tp)
            out({"type": "offset", "partition": tp.partition, "offset": -1 if ot is None else ot.offset,
                 "error": None})
    finally:
        c.close()


def metadata(a):
    from kafka import KafkaAdminClient
    admin = KafkaAdminClient(bootstrap_servers=a["bootstrap"], request_timeout_ms=20000)
    try:
        cl = admin.describe_cluster()
        topics = admin.describe_topics([a["topic"]])
        t = topics[0] if topics else None
        out({"type": "metadata", "cluster_id": cl.get("cluster_id"), "controller_id": cl.get("controller_id"),
             "brokers": [{"id": b["node_id"], "host": b["host"], "port": b["port"]} for b in cl["brokers"]],
             "topic_error": None if t is None or t["error_code"] == 0 else t["error_code"],
             "partitions": [] if t is None else [
                 {"id": p["partition"], "leader": p["leader"], "replicas": list(p["replicas"]),
                  "isrs": list(p["isr"])} for p in t["partitions"]]})
    finally:
        admin.close()


def wait_one(a):
    deadline = time.time() + float(a.get("timeout_s", 30))
    c = KafkaConsumer(bootstrap_servers=a["bootstrap"], group_id=None, enable_auto_commit=False,
                      fetch_max_wait_ms=int(a["fetch_wait_ms"]), request_timeout_ms=int(a["fetch_wait_ms"]) + 20000)
    try:
        partitions_of(c, a["topic"], deadline)
        tp = TopicPartition(a["topic"], 0)
        c.assign([tp])
        c.seek_to_beginning(tp)
        ready = False
        while time.time() < deadline:
            batch = c.poll(timeout_ms=200)
            if not ready:
                out({"type": "ready"})
                sys.stdout.flush()
                ready = True
            for _tp, records in batch.items():
                for r in records:
                    out({"type": "record", "partition": r.partition, "offset": r.offset,
                         "key": dec(r.key), "value": dec(r.value)})
                    sys.stdout.flush()
                    return
        err("no record within the timeout")
        sys.exit(3)
    finally:
        c.close()


def group_consume(a):
    c = KafkaConsumer(a["topic"], bootstrap_servers=a["bootstrap"], group_id=a["group"],
                      auto_offset_reset="earliest", enable_auto_commit=False,
                      session_timeout_ms=a.get("session_timeout_ms", 10000), heartbeat_interval_ms=1000,
                      consumer_timeout_ms=1000)
    n = 0
    deadline = time.time() + float(a.get("timeout_s", 60))
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


def raw_partition(a):
    deadline = time.time() + float(a.get("timeout_s", 30))
    c = KafkaConsumer(bootstrap_servers=a["bootstrap"], group_id=None, enable_auto_commit=False,
                      request_timeout_ms=30000)
    try:
        partitions_of(c, a["topic"], deadline)
        tp = TopicPartition(a["topic"], int(a["partition"]))
        c.assign([tp])
        c.seek_to_beginning(tp)
        hi = c.end_offsets([tp])[tp]
        while c.position(tp) < hi:
            if time.time() > deadline:
                err("timeout: at offset %d of %d" % (c.position(tp), hi))
                sys.exit(3)
            for _tp, records in c.poll(timeout_ms=500).items():
                for r in records:
                    out({"type": "raw", "offset": r.offset,
                         "key": None if r.key is None else r.key.hex(),
                         "value": None if r.value is None else r.value.hex()})
        out({"type": "summary", "high": hi})
    finally:
        c.close()


def main():
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    cmd = sys.argv[1]
    a = json.loads(sys.argv[2])
    {"produce": produce, "consume": consume, "codecs": codecs, "offsets_for_times": offsets_for_times,
     "metadata": metadata, "wait_one": wait_one, "group_consume": group_consume,
     "raw_partition": raw_partition}[cmd](a)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
