import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * eos  {bootstrap, input, output, group, transactional_id, expected, transaction_timeout_ms?,
 *       session_timeout_ms?}
 * The consume-transform-produce loop as the Java client's documentation lays it out: a
 * read_committed consumer, a transactional producer, the consumer's positions sent in each
 * transaction. Input "<p>:<i>" on partition p becomes "out-<p>:<i>" on partition p of the output.
 * Runs until `expected` input records are committed; survives broker restarts (a retriable commit
 * is retried; otherwise the transaction is aborted, or the producer re-created when it is fenced,
 * and the consumer rewound to the committed offsets). Prints "progress" lines every 5,000 records
 * and {"type":"eos-done","done","commits","aborts"}.
 */
final class ExactlyOnce {
  private final Io.Args a;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final long timeoutMs;
  private KafkaProducer<byte[], byte[]> producer;
  private long done;
  private long commits;
  private long aborts;

  private ExactlyOnce(Io.Args a) {
    this.a = a;
    this.timeoutMs = a.lng("transaction_timeout_ms", 10_000);
    Properties p = ClientDriver.consumerProps(a, a.str("group"));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, a.str("session_timeout_ms", "30000"));
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    this.consumer = ClientDriver.consumer(p);
  }

  static void run(Io.Args a) {
    new ExactlyOnce(a).loop();
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    for (;;) {
      try {
        return TxnCommands.txProducer(a, a.str("transactional_id"), timeoutMs);
      } catch (KafkaException e) {
        Io.out(Io.concat(new Object[] {"type", "init-error"}, Io.errorFields(e)));
        sleep(1000);
      }
    }
  }

  private void loop() {
    long expected = a.lng("expected");
    consumer.subscribe(Collections.singletonList(a.str("input")));
    producer = newProducer();
    long lastReport = 0;
    for (;;) {
      ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
      if (batch.isEmpty()) {
        if (finished(expected)) break;
        continue;
      }
      try {
        transaction(batch);
        commits++;
        done = sum(positions());
        if (done - lastReport >= 5000) {
          lastReport = done;
          Io.out("type", "progress", "done", done, "commits", commits, "aborts", aborts);
        }
      } catch (ProducerFencedException | OutOfOrderSequenceException | InvalidProducerEpochException | AuthorizationException e) {
        // Fatal for this producer instance: a new one (its InitProducerId aborts what was open).
        Io.out(Io.concat(new Object[] {"type", "txn-error", "fatal", true}, Io.errorFields(e)));
        aborts++;
        producer.close(Duration.ZERO);
        producer = newProducer();
        rewind();
      } catch (KafkaException e) {
        Io.out(Io.concat(new Object[] {"type", "txn-error", "fatal", false}, Io.errorFields(e)));
        aborts++;
        abort();
        rewind();
      }
    }
    consumer.close();
    producer.close();
    Io.out("type", "eos-done", "done", done, "commits", commits, "aborts", aborts);
  }

  private void transaction(ConsumerRecords<byte[], byte[]> batch) {
    producer.beginTransaction();
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      byte[] value = Io.enc("out-" + Io.dec(r.value()));
      producer.send(new ProducerRecord<>(a.str("output"), r.partition(), r.key(), value));
    }
    producer.sendOffsetsToTransaction(positions(), consumer.groupMetadata());
    for (;;) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        // The commit's outcome is unknown: the Java client allows (and needs) calling it again.
        Io.out(Io.concat(new Object[] {"type", "commit-retry"}, Io.errorFields(e)));
      }
    }
  }

  private void abort() {
    for (;;) {
      try {
        producer.abortTransaction();
        return;
      } catch (TimeoutException e) {
        Io.out(Io.concat(new Object[] {"type", "abort-retry"}, Io.errorFields(e)));
      } catch (KafkaException e) {
        Io.out(Io.concat(new Object[] {"type", "abort-error"}, Io.errorFields(e)));
        producer.close(Duration.ZERO);
        producer = newProducer();
        return;
      }
    }
  }

  /** Back to the group's committed offsets: what the aborted transaction read is read again. */
  private void rewind() {
    for (;;) {
      try {
        Set<TopicPartition> assignment = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assignment, Duration.ofSeconds(30));
        for (TopicPartition tp : assignment) {
          OffsetAndMetadata o = committed.get(tp);
          if (o == null) consumer.seekToBeginning(Collections.singleton(tp));
          else consumer.seek(tp, o.offset());
        }
        return;
      } catch (KafkaException e) {
        Io.out(Io.concat(new Object[] {"type", "rewind-error"}, Io.errorFields(e)));
        sleep(500);
      }
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> positions() {
    Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) m.put(tp, new OffsetAndMetadata(consumer.position(tp)));
    return m;
  }

  private static long sum(Map<TopicPartition, OffsetAndMetadata> m) {
    long s = 0;
    for (OffsetAndMetadata o : m.values()) if (o != null) s += o.offset();
    return s;
  }

  /** Nothing new: done when the group's commits cover every input record. */
  private boolean finished(long expected) {
    if (done >= expected && sum(positions()) >= expected) return true;
    try {
      Set<TopicPartition> assignment = consumer.assignment();
      if (assignment.isEmpty()) return false;
      long total = sum(consumer.committed(assignment, Duration.ofSeconds(10)));
      if (total >= expected) {
        done = total;
        return true;
      }
    } catch (KafkaException e) {
      Io.err("committed: " + e);
    }
    return false;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
