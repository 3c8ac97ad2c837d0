import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Transactions (transactional.id, KIP-98), the commands of confluent_client.py plus two of the
 * Java client's own:
 *
 * txn_commit_abort  {bootstrap, topic, transactional_id}   10 records 'c-*' committed, 10 'a-*'
 *                   aborted, 10 'd-*' committed (record i to partition i % 3)
 * txn_read          {bootstrap, topic, isolation, expected, group, timeout?, quiet?}   subscribe in
 *                   `group` from the beginning with isolation.level, read until `expected` records and
 *                   `quiet` s without more: {"type":"read","count","values":[[p, offset, value]]}
 * txn_offsets       {bootstrap, topic, group, transactional_id}   sendOffsetsToTransaction of
 *                   {0: 5, 1: 6} then abort, of {0: 8, 1: 9} then commit; after each, the group's
 *                   committed offsets ({"type":"offsets","committed_txn","offsets":[o0, o1]})
 * txn_fence         {bootstrap, topic, transactional_id}   a producer writes 'zombie-1' in an open
 *                   transaction; a second one with the same id initialises (fencing it) ; the zombie
 *                   writes 'zombie-2' and commits ({"type":"zombie", ok, error fields}); the second
 *                   commits 'fresh-1' ({"type":"fresh","ok"})
 * txn_timeout       {bootstrap, topic, transactional_id, other_id, timeout_ms}   a transaction with
 *                   transaction.timeout.ms=timeout_ms left open with 'stuck'; another producer commits
 *                   'later'; a read_committed reader waits (20 s at most) for 'later'
 *                   ({"type":"read","values"}); then the stuck producer commits ({"type":"stuck_commit"})
 */
final class TxnCommands {
  private TxnCommands() {}

  static KafkaProducer<byte[], byte[]> txProducer(Io.Args a, String id, long timeoutMs) {
    Properties p = ClientDriver.producerProps(a);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(timeoutMs));
    KafkaProducer<byte[], byte[]> producer = ClientDriver.producer(p);
    producer.initTransactions();
    return producer;
  }

  static ProducerRecord<byte[], byte[]> rec(String topic, int partition, String value) {
    return new ProducerRecord<>(topic, partition, null, Io.enc(value));
  }

  static void commitAbort(Io.Args a) {
    String topic = a.str("topic");
    try (KafkaProducer<byte[], byte[]> p = txProducer(a, a.str("transactional_id"), 10_000)) {
      for (String prefix : new String[] {"c", "a", "d"}) {
        boolean commit = !prefix.equals("a");
        p.beginTransaction();
        for (int i = 0; i < 10; i++) p.send(rec(topic, i % 3, prefix + "-" + i));
        if (commit) {
          p.commitTransaction();
        } else {
          p.flush();
          p.abortTransaction();
        }
        Io.out("type", "txn", "prefix", prefix, "committed", commit, "t", GroupCommands.now());
      }
    }
  }

  static void read(Io.Args a) {
    Properties props = ClientDriver.consumerProps(a, a.str("group"));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, a.str("isolation"));
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    List<Object> values = new ArrayList<>();
    long expected = a.lng("expected");
    long deadline = System.currentTimeMillis() + (long) (a.dbl("timeout", 30) * 1000);
    long quietMs = (long) (a.dbl("quiet", 1.5) * 1000);
    try (KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(props)) {
      c.subscribe(Collections.singletonList(a.str("topic")));
      long quietUntil = -1;
      while (System.currentTimeMillis() < deadline) {
        int got = 0;
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          values.add(Arrays.asList(r.partition(), r.offset(), Io.dec(r.value())));
          got++;
        }
        if (got > 0) {
          quietUntil = -1;
        } else if (values.size() >= expected) {
          if (quietUntil < 0) quietUntil = System.currentTimeMillis() + quietMs;
          if (System.currentTimeMillis() >= quietUntil) break;
        }
      }
    }
    Io.out("type", "read", "count", values.size(), "values", values, "t", GroupCommands.now());
  }

  static void offsets(Io.Args a) {
    String topic = a.str("topic");
    TopicPartition p0 = new TopicPartition(topic, 0);
    TopicPartition p1 = new TopicPartition(topic, 1);
    try (KafkaProducer<byte[], byte[]> p = txProducer(a, a.str("transactional_id"), 10_000);
         KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(ClientDriver.consumerProps(a, a.str("group")))) {
      for (long offset : new long[] {5, 8}) {
        boolean commit = offset == 8;
        p.beginTransaction();
        p.send(rec(topic, 0, "x"));
        Map<TopicPartition, OffsetAndMetadata> o = new HashMap<>();
        o.put(p0, new OffsetAndMetadata(offset));
        o.put(p1, new OffsetAndMetadata(offset + 1));
        p.sendOffsetsToTransaction(o, c.groupMetadata());
        if (commit) p.commitTransaction();
        else p.abortTransaction();
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(new java.util.HashSet<>(Arrays.asList(p0, p1)), Duration.ofSeconds(30));
        List<Long> l = new ArrayList<>();
        for (TopicPartition tp : Arrays.asList(p0, p1)) l.add(committed.get(tp) == null ? -1L : committed.get(tp).offset());
        Io.out("type", "offsets", "committed_txn", commit, "offsets", l, "t", GroupCommands.now());
      }
    }
  }

  static void fence(Io.Args a) throws Exception {
    String topic = a.str("topic");
    String id = a.str("transactional_id");
    KafkaProducer<byte[], byte[]> zombie = txProducer(a, id, 60_000);
    zombie.beginTransaction();
    zombie.send(rec(topic, 0, "zombie-1")).get();
    Io.out("type", "zombie_open");
    try (KafkaProducer<byte[], byte[]> fresh = txProducer(a, id, 60_000)) {
      Io.out("type", "fresh_init");
      try {
        zombie.send(rec(topic, 1, "zombie-2")).get();
        zombie.commitTransaction();
        Io.out("type", "zombie", "ok", true);
      } catch (Exception e) {
        Io.out(Io.concat(new Object[] {"type", "zombie", "ok", false}, Io.errorFields(e)));
      }
      zombie.close(Duration.ZERO);
      fresh.beginTransaction();
      fresh.send(rec(topic, 0, "fresh-1"));
      fresh.commitTransaction();
      Io.out("type", "fresh", "ok", true);
    }
  }

  static void timeout(Io.Args a) throws Exception {
    String topic = a.str("topic");
    KafkaProducer<byte[], byte[]> stuck = txProducer(a, a.str("transactional_id"), a.lng("timeout_ms"));
    stuck.beginTransaction();
    stuck.send(rec(topic, 0, "stuck")).get();
    try (KafkaProducer<byte[], byte[]> other = txProducer(a, a.str("other_id"), 60_000)) {
      other.beginTransaction();
      other.send(rec(topic, 0, "later"));
      other.commitTransaction();
    }
    Io.out("type", "other_committed", "t", GroupCommands.now());
    Properties props = ClientDriver.consumerProps(a, null);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    List<Object> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(props)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(Collections.singletonList(tp));
      c.seekToBeginning(Collections.singletonList(tp));
      long deadline = System.currentTimeMillis() + 20_000;
      while (values.isEmpty() && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) values.add(Io.dec(r.value()));
      }
    }
    Io.out("type", "read", "values", values, "t", GroupCommands.now());
    try {
      stuck.commitTransaction();
      Io.out("type", "stuck_commit", "ok", true);
    } catch (Exception e) {
      Io.out(Io.concat(new Object[] {"type", "stuck_commit", "ok", false}, Io.errorFields(e)));
    }
    stuck.close(Duration.ZERO);
  }
}
