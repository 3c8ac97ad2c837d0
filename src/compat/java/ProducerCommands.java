import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * produce      {bootstrap, topic, count, base_ts?, partitions?, compression?, acks?, start?,
 *               value_bytes?, idempotence?, batch_bytes?, chunk?, pause_ms?, timeout_s?}
 *               (chunk: flush after every `chunk` messages, then sleep pause_ms: a steady stream a
 *               broker restart can fall into)   one "delivered" line per
 *               acknowledged message (partition, offset, key, timestamp), one "delivery_error" line
 *               (error, code, key) per failed one; exit 1 when any failed
 * produce_keyed {bootstrap, topic, partition, groups: [[[key, value|null, timestamp|null], ...], ...],
 *               pause_ms?}   each group sent (acks=all), flushed, then pause_ms of sleep (segments
 *               roll by segment.ms in between); a "delivered" line per message (key, offset)
 * txn_produce  {bootstrap, topic, partitions, count}   idempotent producer: value "<p>:<i>" (i-th
 *               record of partition p), key "<n>"; prints {"type":"produced","failures":[...]}
 */
final class ProducerCommands {
  private ProducerCommands() {}

  static void produce(Io.Args a) throws Exception {
    long budget = a.budgetMs(60);
    // delivery.timeout.ms bounds each message; it must cover linger.ms + request.timeout.ms.
    long delivery = Math.max(3000, budget - 2000);
    Properties p = ClientDriver.producerProps(a);
    p.put(ProducerConfig.ACKS_CONFIG, a.str("acks", "all"));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, a.str("compression", "none"));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(delivery));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(30_000, delivery - 10)));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(Math.min(30_000, delivery)));
    if (a.has("batch_bytes")) p.put(ProducerConfig.BATCH_SIZE_CONFIG, a.str("batch_bytes"));
    if (a.bool("idempotence")) {
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    } else {
      // Kafka 3.0+ turns idempotence on by default; off unless asked, as the other drivers do.
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
      p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    }
    long start = a.lng("start", 0);
    long count = a.lng("count");
    long chunk = a.lng("chunk", 0);
    AtomicInteger failures = new AtomicInteger();
    try (KafkaProducer<byte[], byte[]> producer = ClientDriver.producer(p)) {
      for (long i = start; i < start + count; i++) {
        String key = "key-" + i;
        producer.send(message(a, i), (md, e) -> {
          if (e != null) {
            failures.incrementAndGet();
            Io.out(Io.concat(Io.concat(new Object[] {"type", "delivery_error"}, Io.errorFields(e)), "key", key));
            return;
          }
          Io.out("type", "delivered", "partition", md.partition(), "offset", md.hasOffset() ? md.offset() : -1L,
              "key", key, "timestamp", md.hasTimestamp() ? md.timestamp() : -1L);
        });
        if (chunk > 0 && (i - start + 1) % chunk == 0) {
          producer.flush();
          Thread.sleep(a.lng("pause_ms", 0));
        }
      }
      producer.flush();
    }
    if (failures.get() > 0) {
      Io.err(failures.get() + " delivery errors");
      System.out.flush();
      System.exit(1);
    }
    Io.out("type", "summary", "produced", count);
  }

  /** Message i of the compat drivers (see ClientDriver). */
  static ProducerRecord<byte[], byte[]> message(Io.Args a, long i) {
    byte[] value = Io.enc("value-" + i);
    if (a.has("value_bytes")) {
      int size = (int) Math.max(value.length, a.lng("value_bytes"));
      byte[] padded = Arrays.copyOf(value, size);
      Arrays.fill(padded, value.length, size, (byte) 'x');
      value = padded;
    }
    Integer partition = a.has("partitions") ? (int) (i % a.lng("partitions")) : null;
    Long ts = a.has("base_ts") ? a.lng("base_ts") + i : null;
    List<org.apache.kafka.common.header.Header> headers = new ArrayList<>();
    headers.add(new RecordHeader("idx", Io.enc(String.valueOf(i))));
    headers.add(new RecordHeader("src", Io.enc("java")));
    return new ProducerRecord<>(a.str("topic"), partition, ts, Io.enc("key-" + i), value, headers);
  }

  static void produceKeyed(Io.Args a) throws Exception {
    Properties p = ClientDriver.producerProps(a);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    int partition = (int) a.lng("partition", 0);
    try (KafkaProducer<byte[], byte[]> producer = ClientDriver.producer(p)) {
      for (Object g : a.list("groups")) {
        for (Object m : (List<?>) g) {
          List<?> msg = (List<?>) m;
          String key = (String) msg.get(0);
          Long ts = msg.get(2) == null ? null : ((Number) msg.get(2)).longValue();
          producer.send(new ProducerRecord<>(a.str("topic"), partition, ts, Io.enc(key), Io.enc((String) msg.get(1))), (md, e) -> {
            if (e != null) Io.out(Io.concat(new Object[] {"type", "delivery_error", "key", key}, Io.errorFields(e)));
            else Io.out("type", "delivered", "partition", md.partition(), "offset", md.offset(), "key", key);
          });
        }
        producer.flush();
        Thread.sleep(a.lng("pause_ms", 0));
      }
    }
  }

  static void txnProduce(Io.Args a) {
    Properties p = ClientDriver.producerProps(a);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    int partitions = (int) a.lng("partitions");
    long count = a.lng("count");
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    int[] per = new int[partitions];
    try (KafkaProducer<byte[], byte[]> producer = ClientDriver.producer(p)) {
      for (long i = 0; i < count; i++) {
        int part = (int) (i % partitions);
        String value = part + ":" + per[part]++;
        producer.send(new ProducerRecord<>(a.str("topic"), part, Io.enc(String.valueOf(i)), Io.enc(value)), (md, e) -> {
          if (e != null) failures.add(e.toString());
        });
      }
      producer.flush();
      producer.close(java.time.Duration.ofSeconds(30));
    }
    Io.out("type", "produced", "count", count, "failures", failures.subList(0, Math.min(5, failures.size())));
  }
}
