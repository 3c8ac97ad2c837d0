"""Transactions with confluent-kafka-python (Debian's python3-confluent-kafka, librdkafka), run
unmodified against a broker. One JSON object per output line.

  produce      {bootstrap, topic, partitions, count}          idempotent producer: value "<p>:<i>"
  commit-abort {bootstrap, topic, transactional_id}            commit 'c-*', abort 'a-*', commit 'd-*'
  read         {bootstrap, topic, isolation, expected, group}  every record value, from the beginning
  offsets      {bootstrap, topic, group, transactional_id}     send_offsets_to_transaction: abort, then commit
  eos          {bootstrap, input, output, group, transactional_id, expected}
               consume-transform-produce until `expected` input records are committed
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING


def out(**kw):
    kw['t'] = round(time.time(), 3)
    print(json.dumps(kw), flush=True)


def err_info(e):
    err = e.args[0] if e.args and isinstance(e.args[0], KafkaError) else None
    if err is None:
        return {'error': str(e), 'code': None, 'retriable': False, 'abortable': False, 'fatal': False}
    return {'error': err.str(), 'code': err.name(), 'retriable': err.retriable(), 'abortable': err.txn_requires_abort(), 'fatal': err.fatal()}


def produce(a):
    p = Producer({'bootstrap.servers': a['bootstrap'], 'enable.idempotence': True, 'linger.ms': 5})
    failures = []
    def cb(err, msg):
        if err is not None:
            failures.append(str(err))
    per = [0] * a['partitions']
    for i in range(a['count']):
        part = i % a['partitions']
        while True:
            try:
                p.produce(a['topic'], value=f'{part}:{per[part]}'.encode(), key=str(i).encode(), partition=part, on_delivery=cb)
                break
            except BufferError:
                p.poll(0.1)
        per[part] += 1
        p.poll(0)
    p.flush(60)
    out(type='produced', count=a['count'], failures=failures[:5])


def tx_producer(a, timeout_ms=10000):
    p = Producer({'bootstrap.servers': a['bootstrap'], 'transactional.id': a['transactional_id'], 'transaction.timeout.ms': timeout_ms, 'linger.ms': 5})
    p.init_transactions(60)
    return p


def commit_abort(a):
    p = tx_producer(a)
    for prefix, commit in (('c', True), ('a', False), ('d', True)):
        p.begin_transaction()
        for i in range(10):
            p.produce(a['topic'], value=f'{prefix}-{i}'.encode(), partition=i % 3)
        if commit:
            p.commit_transaction(60)
        else:
            p.flush(60)
            p.abort_transaction(60)
        out(type='txn', prefix=prefix, committed=commit)


def read(a):
    c = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': a['group'], 'isolation.level': a['isolation'],
                  'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
    c.subscribe([a['topic']])
    values = []
    deadline = time.time() + a.get('timeout', 30)
    quiet_until = None
    while time.time() < deadline:
        msgs = c.consume(500, 0.5)
        got = [m for m in msgs if m.error() is None]
        for m in got:
            values.append([m.partition(), m.offset(), m.value().decode()])
        if got:
            quiet_until = None
        elif len(values) >= a['expected']:
            quiet_until = quiet_until or time.time() + a.get('quiet', 1.5)
            if time.time() >= quiet_until:
                break
    c.close()
    out(type='read', count=len(values), values=values if a.get('emit', True) else [])


def offsets(a):
    p = tx_producer(a)
    c = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': a['group'], 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
    def committed():
        r = c.committed([TopicPartition(a['topic'], 0), TopicPartition(a['topic'], 1)], 30)
        return [tp.offset for tp in r]
    for offset, commit in ((5, False), (8, True)):
        p.begin_transaction()
        p.produce(a['topic'], value=b'x', partition=0)
        p.send_offsets_to_transaction([TopicPartition(a['topic'], 0, offset), TopicPartition(a['topic'], 1, offset + 1)], c.consumer_group_metadata(), 30)
        if commit:
            p.commit_transaction(60)
        else:
            p.abort_transaction(60)
        out(type='offsets', committed_txn=commit, offsets=committed())
    c.close()


def eos(a):
    group, inp, outp = a['group'], a['input'], a['output']
    consumer = Consumer({'bootstrap.servers': a['bootstrap'], 'group.id': group, 'isolation.level': 'read_committed',
                         'auto.offset.reset': 'earliest', 'enable.auto.commit': False, 'session.timeout.ms': 30000,
                         'max.poll.interval.ms': 300000})
    consumer.subscribe([inp])
    producer = tx_producer(a, a.get('transaction_timeout_ms', 10000))
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
                out(type='rewind-error', **err_info(e))
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
                out(type='consume-error', error=str(m.error()))
        if not batch:
            if sum(tp.offset for tp in position()) >= a['expected'] and done >= a['expected']:
                break
            # Nothing new: maybe our commits are done but `done` was lost to an abort; recompute.
            try:
                committed = consumer.committed(consumer.assignment(), 10)
                total = sum(tp.offset for tp in committed if tp.offset >= 0)
                if total >= a['expected'] and len(committed) > 0:
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
                        producer.produce(outp, value=b'out-' + m.value(), key=m.key(), partition=m.partition())
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
                    if info['retriable'] and not info['abortable'] and not info['fatal']:
                        out(type='commit-retry', **info)
                        continue
                    raise
            commits += 1
            done = sum(tp.offset for tp in position())
            if done - last_report >= 5000:
                last_report = done
                out(type='progress', done=done, commits=commits, aborts=aborts)
        except KafkaException as e:
            info = err_info(e)
            out(type='txn-error', **info)
            aborts += 1
            if info['fatal']:
                producer = None
                while producer is None:
                    try:
                        producer = tx_producer(a, a.get('transaction_timeout_ms', 10000))
                    except KafkaException as e2:
                        out(type='init-error', **err_info(e2))
                        time.sleep(1)
            else:
                while True:
                    try:
                        producer.abort_transaction(60)
                        break
                    except KafkaException as e2:
                        info2 = err_info(e2)
                        out(type='abort-error', **info2)
                        if info2['fatal']:
                            producer = tx_producer(a, a.get('transaction_timeout_ms', 10000))
                            break
                        time.sleep(0.5)
            rewind()
    consumer.close()
    out(type='eos-done', done=done, commits=commits, aborts=aborts)


if __name__ == '__main__':
    cmd, args = sys.argv[1], json.loads(sys.argv[2])
    {'produce': produce, 'commit-abort': commit_abort, 'read': read, 'offsets': offsets, 'eos': eos}[cmd](args)
