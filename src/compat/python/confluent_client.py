#!/usr/bin/python3
"""confluent-kafka-python (librdkafka) driver for Tributary's compat tests.

Usage: /usr/bin/python3 confluent_client.py <command> '<json args>'

  produce            {bootstrap, topic, count, base_ts?, partitions?, compression?, acks?, start?, value_bytes?,
                      idempotence?, batch_bytes?, chunk?, pause_ms?}   idempotence: enable.idempotence=True
                      (acks=all, 5 in flight); batch_bytes: batch.size (batches below a small
                      segment.bytes); chunk/pause_ms: a steady stream, pause_ms after every chunk records
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
                     (group.instance.id, KIP-345): stays run_s seconds (or until SIGTERM), prints every assign/revoke
                     and error; close() does not leave the group
  raw_partition      {bootstrap, topic, partition, timeout_s?}   every record of one partition from
                     the beginning to its high watermark, key and value as hex (no group)
  alter_configs      {bootstrap, topic, set, rtype?, name?}   AdminClient.alter_configs of one resource
                     ({"type":"alter","ok",...,"code"?,"message"?}), then describe_configs of the
                     topic ({"type":"describe","configs":{name:{value,source}}})

Transactions (transactional.id, KIP-98):
  txn_produce        {bootstrap, topic, partitions, count}   idempotent producer: value "<p>:<i>" (i-th
                     record of partition p), key "<n>"; prints {"type":"produced","failures":[...]}
  txn_commit_abort   {bootstrap, topic, transactional_id}   10 records 'c-*' committed, 10 'a-*'
                     aborted, 10 'd-*' committed (record i to partition i % 3)
  txn_read           {bootstrap, topic, isolation, expected, group, timeout?, quiet?}   subscribe in
                     `group` from the beginning with isolation.level, read until `expected` records
                     and `quiet` s without more: {"type":"read","count","values":[[p, offset, value]]}
  txn_failover       {bootstrap, topic, transactional_id, transactions, per_txn, pause_ms?, timeout_s?}
                     `transactions` transactions of per_txn records "t<n>-<j>" to partition 0, one after
                     another, as an application that rides out a broker failure: a retriable error
                     retries the call, an abortable one aborts and sends the transaction again, a fatal
                     one (or a failed abort) makes a new producer (init_transactions); prints
                     {"type":"committed","txn":n} per commit, {"type":"txn-error",...} per error,
                     {"type":"txn-failover-done","reinits","aborts"}
  txn_offsets        {bootstrap, topic, group, transactional_id}   send_offsets_to_transaction of
                     {0: 5, 1: 6} then abort, of {0: 8, 1: 9} then commit; after each, the group's
                     committed offsets ({"type":"offsets","committed_txn","offsets":[o0, o1]})
  eos                {bootstrap, input, output, group, transactional_id, expected, transaction_timeout_ms?,
                      session_timeout_ms?}
                     consume-transform-produce (read_committed consumer, transactional producer,
                     offsets sent in the transaction) until `expected` input records are committed;
                     survives broker restarts (aborts and rewinds to the committed offsets);
                     prints {"type":"eos-done","done","commits","aborts"}

Every result is one JSON object per line on stdout ({"type": ...}); diagnostics go to stderr.
Message i carries key "key-<i>", value "value-<i>", headers idx=<i> and src=confluent, and, when
base_ts is given, the CreateTime timestamp base_ts + i. With `partitions`, message i goes to
partition i % partitions; otherwise the client's partitioner picks.
Consumers never join a group: they assign() every partition from OFFSET_BEGINNING and read until
each partition's high watermark (taken at start) is reached, and at least `expect` records.
"""
import json
import os
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING


from driver_io import dec, out, stderr_logger

err = stderr_logger("confluent_client")


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
    if a.get("batch_bytes"):
        conf["batch.size"] = int(a["batch_bytes"])
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
        if a.get("chunk") and (i - start + 1) % int(a["chunk"]) == 0:
            p.poll(float(a.get("pause_ms", 0)) / 1000)
            sys.stdout.flush()
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

    # SIGTERM ends the run like run_s does: the member closes (a static member sends no LeaveGroup).
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    c.subscribe([a["topic"]], on_assign=on_assign, on_revoke=on_revoke)
    end = time.time() + float(a["run_s"])
    while time.time() < end and not stop:
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


def alter_configs(a):
    from confluent_kafka.admin import AdminClient, ConfigResource
    admin = AdminClient({"bootstrap.servers": a["bootstrap"]})
    res = ConfigResource(a.get("rtype", "topic"), a.get("name", a["topic"]), set_config=a["set"])
    ok = True
    for r, f in admin.alter_configs([res], request_timeout=20).items():
        try:
            f.result()
            out({"type": "alter", "ok": True})
        except Exception as e:  # noqa: BLE001 - the KafkaException's error is reported
            ok = False
            e0 = e.args[0] if e.args else None
            code = e0.name() if isinstance(e0, KafkaError) else str(e)
            out({"type": "alter", "ok": False, "code": code, "message": str(e)})

    def describe():
        for r, f in admin.describe_configs([ConfigResource("topic", a["topic"])], request_timeout=20).items():
            return {k: {"value": v.value, "source": v.source} for k, v in f.result().items()}

    # Kafka acknowledges an alter once its controller has it and the broker applies it a moment
    # later: after a successful alter, describe until the new values show (bounded).
    configs = describe()
    deadline = time.time() + 15
    while ok and a.get("rtype", "topic") == "topic" and time.time() < deadline and \
            any(configs.get(k, {}).get("value") != v for k, v in a["set"].items()):
        time.sleep(0.2)
        configs = describe()
    out({"type": "describe", "configs": configs})


# --- transactions -------------------------------------------------------------------------------

def tout(**kw):
    kw["t"] = round(time.time(), 3)
    out(kw)
    sys.stdout.flush()


def err_info(e):
    e0 = e.args[0] if e.args and isinstance(e.args[0], KafkaError) else None
    if e0 is None:
        return {"error": str(e), "code": None, "retriable": False, "abortable": False, "fatal": False}
    return {"error": e0.str(), "code": e0.name(), "retriable": e0.retriable(), "abortable": e0.txn_requires_abort(), "fatal": e0.fatal()}


def txn_produce(a):
    p = Producer({"bootstrap.servers": a["bootstrap"], "enable.idempotence": True, "linger.ms": 5})
    failures = []

    def cb(e, msg):
        if e is not None:
            failures.append(str(e))
    per = [0] * a["partitions"]
    for i in range(a["count"]):
        part = i % a["partitions"]
        while True:
            try:
                p.produce(a["topic"], value=("%d:%d" % (part, per[part])).encode(), key=str(i).encode(), partition=part, on_delivery=cb)
                break
            except BufferError:
                p.poll(0.1)
        per[part] += 1
        p.poll(0)
    remaining = p.flush(60)
    if remaining:
        failures.append("%d messages not delivered before the flush timeout" % remaining)
    tout(type="produced", count=a["count"], failures=failures[:5])


def tx_producer(a, timeout_ms=10000):
    p = Producer({"bootstrap.servers": a["bootstrap"], "transactional.id": a["transactional_id"],
                  "transaction.timeout.ms": timeout_ms, "linger.ms": 5})
    p.init_transactions(60)
    return p


def txn_commit_abort(a):
    p = tx_producer(a)
    for prefix, commit in (("c", True), ("a", False), ("d", True)):
        p.begin_transaction()
        for i in range(10):
            p.produce(a["topic"], value=("%s-%d" % (prefix, i)).encode(), partition=i % 3)
        if commit:
            p.commit_transaction(60)
        else:
            p.flush(60)
            p.abort_transaction(60)
        tout(type="txn", prefix=prefix, committed=commit)


def txn_read(a):
    c = Consumer({"bootstrap.servers": a["bootstrap"], "group.id": a["group"], "isolation.level": a["isolation"],
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([a["topic"]])
    values = []
    deadline = time.time() + a.get("timeout", 30)
    quiet_until = None
    while time.time() < deadline:
        msgs = c.consume(500, 0.5)
        got = [m for m in msgs if m.error() is None]
        for m in got:
            values.append([m.partition(), m.offset(), m.value().decode()])
        if got:
            quiet_until = None
        elif len(values) >= a["expected"]:
            quiet_until = quiet_until or time.time() + a.get("quiet", 1.5)
            if time.time() >= quiet_until:
                break
    c.close()
    tout(type="read", count=len(values), values=values)


def txn_failover(a):
    deadline = time.time() + float(a.get("timeout_s", 60))
    conf = {"bootstrap.servers": a["bootstrap"], "transactional.id": a["transactional_id"],
            "transaction.timeout.ms": 10000, "linger.ms": 5}
    p = None
    t, reinits, aborts = 0, 0, 0

    def left():
        return max(1.0, deadline - time.time())

    def until_not_retriable(fn):
        # A retriable error (a coordinator moving, a timeout) means: call it again.
        while True:
            try:
                return fn()
            except KafkaException as e:
                info = err_info(e)
                if not info["retriable"] or info["abortable"] or info["fatal"] or time.time() > deadline:
                    raise
                tout(type="txn-error", txn=t, call="retry", **info)
                time.sleep(0.2)

    while t < a["transactions"]:
        if time.time() > deadline:
            err("deadline passed at transaction %d" % t)
            sys.exit(2)
        try:
            if p is None:
                p = Producer(conf)
                until_not_retriable(lambda: p.init_transactions(min(30, left())))
            p.begin_transaction()
            for j in range(a["per_txn"]):
                p.produce(a["topic"], value=("t%d-%d" % (t, j)).encode(), partition=0)
            until_not_retriable(lambda: p.commit_transaction(min(30, left())))
            tout(type="committed", txn=t)
            t += 1
            time.sleep(float(a.get("pause_ms", 0)) / 1000)
        except KafkaException as e:
            info = err_info(e)
            tout(type="txn-error", txn=t, **info)
            if p is not None and info["abortable"] and not info["fatal"]:
                try:
                    until_not_retriable(lambda: p.abort_transaction(min(30, left())))
                    aborts += 1
                    continue
                except KafkaException as e2:
                    tout(type="txn-error", txn=t, call="abort", **err_info(e2))
            # Fatal, or the abort failed: a new producer; its init_transactions fences the old one
            # and aborts its open transaction.
            p = None
            reinits += 1
    tout(type="txn-failover-done", reinits=reinits, aborts=aborts)


def txn_offsets(a):
    p = tx_producer(a)
    c = Consumer({"bootstrap.servers": a["bootstrap"], "group.id": a["group"], "auto.offset.reset": "earliest", "enable.auto.commit": False})

    def committed():
        r = c.committed([TopicPartition(a["topic"], 0), TopicPartition(a["topic"], 1)], 30)
        return [tp.offset for tp in r]
    for offset, commit in ((5, False), (8, True)):
        p.begin_transaction()
        p.produce(a["topic"], value=b"x", partition=0)
        p.send_offsets_to_transaction([TopicPartition(a["topic"], 0, offset), TopicPartition(a["topic"], 1, offset + 1)], c.consumer_group_metadata(), 30)
        if commit:
            p.commit_transaction(60)
        else:
            p.abort_transaction(60)
        tout(type="offsets", committed_txn=commit, offsets=committed())
    c.close()


def eos(a):
    group, inp, outp = a["group"], a["input"], a["output"]
    timeout_ms = a.get("transaction_timeout_ms", 10000)
    consumer = Consumer({"bootstrap.servers": a["bootstrap"], "group.id": group, "isolation.level": "read_committed",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False, "session.timeout.ms": a.get("session_timeout_ms", 30000),
                         "max.poll.interval.ms": 300000})
    consumer.subscribe([inp])
    producer = tx_producer(a, timeout_ms)
    done = 0
    commits = aborts = 0
    last_report = 0

    def rewind():
        while True:
            try:
                assignment = consumer.assignment()
                if not assignment:
                    return
                for tp in consumer.committed(assignment, 30):
                    consumer.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING))
                return
            except KafkaException as e:
                tout(type="rewind-error", **err_info(e))
                time.sleep(0.5)

    def position():
        assignment = consumer.assignment()
        return [tp for tp in consumer.position(assignment) if tp.offset >= 0]

    while True:
        msgs = consumer.consume(500, 0.5)
        batch = []
        for m in msgs:
            if m.error() is None:
                batch.append(m)
            elif m.error().code() != KafkaError._PARTITION_EOF:
                tout(type="consume-error", error=str(m.error()))
        if not batch:
            if sum(tp.offset for tp in position()) >= a["expected"] and done >= a["expected"]:
                break
            # Nothing new: maybe our commits are done but `done` was lost to an abort; recompute.
            try:
                committed = consumer.committed(consumer.assignment(), 10)
                total = sum(tp.offset for tp in committed if tp.offset >= 0)
                if total >= a["expected"] and len(committed) > 0:
                    done = total
                    break
            except KafkaException:
                pass
            continue
        try:
            producer.begin_transaction()
            for m in batch:
                while True:
                    try:
                        producer.produce(outp, value=b"out-" + m.value(), key=m.key(), partition=m.partition())
                        break
                    except BufferError:
                        producer.poll(0.1)
            producer.send_offsets_to_transaction(position(), consumer.consumer_group_metadata(), 60)
            while True:
                try:
                    producer.commit_transaction(60)
                    break
                except KafkaException as e:
                    info = err_info(e)
                    if info["retriable"] and not info["abortable"] and not info["fatal"]:
                        tout(type="commit-retry", **info)
                        continue
                    raise
            commits += 1
            done = sum(tp.offset for tp in position())
            if done - last_report >= 5000:
                last_report = done
                tout(type="progress", done=done, commits=commits, aborts=aborts)
        except KafkaException as e:
            info = err_info(e)
            tout(type="txn-error", **info)
            aborts += 1
            if info["fatal"]:
                producer = None
                while producer is None:
                    try:
                        producer = tx_producer(a, timeout_ms)
                    except KafkaException as e2:
                        tout(type="init-error", **err_info(e2))
                        time.sleep(1)
            else:
                while True:
                    try:
                        producer.abort_transaction(60)
                        break
                    except KafkaException as e2:
                        info2 = err_info(e2)
                        tout(type="abort-error", **info2)
                        if info2["fatal"]:
                            producer = tx_producer(a, timeout_ms)
                            break
                        time.sleep(0.5)
            rewind()
    consumer.close()
    tout(type="eos-done", done=done, commits=commits, aborts=aborts)


def main():
    cmd = sys.argv[1]
    a = json.loads(sys.argv[2])
    {"produce": produce, "consume": consume, "offsets_for_times": offsets_for_times,
     "metadata": metadata, "wait_one": wait_one, "group_consume": group_consume,
     "static_member": static_member, "raw_partition": raw_partition, "alter_configs": alter_configs,
     "txn_produce": txn_produce, "txn_commit_abort": txn_commit_abort, "txn_read": txn_read,
     "txn_offsets": txn_offsets, "txn_failover": txn_failover, "eos": eos}[cmd](a)
    sys.stdout.flush()


if __name__ == "__main__":
    try:
        main()
    except KafkaException as e:
        err("KafkaException: %s" % e)
        sys.exit(1)
