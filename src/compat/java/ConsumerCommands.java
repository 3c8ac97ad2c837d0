import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Group-less consumers (assign(), never a group: no group.id at all, which the Java client allows).
 *
 * consume            {bootstrap, topic, expect?, timeout_s?, isolation?}   every partition from
 *                    the beginning until each partition's high watermark (taken at start) is reached,
 *                    and at least `expect` records; a "record" line per record
 * offsets_for_times  {bootstrap, topic, timestamp}   offsetsForTimes for every partition: an
 *                    "offset" line each (-1: no record at or after the time)
 * wait_one           {bootstrap, topic, fetch_wait_ms, timeout_s?}   assign partition 0 from the
 *                    beginning, print {"type":"ready"} once the first (empty) poll returned, then
 *                    the first record as it arrives
 * consume_from       {bootstrap, topic, partition, offset, reset, timeout_s?}   assign one partition,
 *                    seek to `offset`, read to the high watermark with auto.offset.reset=`reset`
 *                    (earliest, latest or none: an out-of-range offset is then an "out_of_range" line)
 * raw_partition      {bootstrap, topic, partition, timeout_s?}   every record of one partition from
 *                    the beginning to its high watermark, key and value as hex
 */
final class ConsumerCommands {
  private ConsumerCommands() {}

  static Map<String, Object> recordLine(ConsumerRecord<byte[], byte[]> r) {
    List<Object> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      List<Object> pair = new ArrayList<>();
      pair.add(h.key());
      pair.add(Io.dec(h.value()));
      headers.add(pair);
    }
    return Io.obj("type", "record", "partition", r.partition(), "offset", r.offset(), "key", Io.dec(r.key()),
        "value", Io.dec(r.value()), "headers", headers, "timestamp", r.timestamp(), "timestamp_type", r.timestampType().name);
  }

  static void consume(Io.Args a) throws Exception {
    long deadline = System.currentTimeMillis() + a.budgetMs(60);
    long expect = a.lng("expect", 0);
    java.util.Properties props = ClientDriver.consumerProps(a, null);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    if (a.has("isolation")) props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, a.str("isolation"));
    try (KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(props)) {
      List<TopicPartition> parts = ClientDriver.partitionsOf(c, a.str("topic"), deadline);
      Map<TopicPartition, Long> highs = c.endOffsets(parts, Duration.ofSeconds(20));
      c.assign(parts);
      c.seekToBeginning(parts);
      long count = 0;
      while (!(count >= expect && reached(c, parts, highs))) {
        if (System.currentTimeMillis() > deadline) {
          Io.err("timeout: read " + count + ", high watermarks " + highs);
          Io.out("type", "summary", "count", count, "timed_out", true);
          System.out.flush();
          System.exit(3);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          System.out.println(Json.write(recordLine(r)));
          count++;
        }
        System.out.flush();
      }
      Map<String, Object> hw = new HashMap<>();
      for (Map.Entry<TopicPartition, Long> e : highs.entrySet()) hw.put(String.valueOf(e.getKey().partition()), e.getValue());
      Io.out("type", "summary", "count", count, "high_watermarks", hw);
    }
  }

  /** Every partition's position is at or past its high watermark taken at start. */
  private static boolean reached(KafkaConsumer<?, ?> c, List<TopicPartition> parts, Map<TopicPartition, Long> highs) {
    for (TopicPartition tp : parts) {
      if (c.position(tp, Duration.ofSeconds(10)) < highs.getOrDefault(tp, 0L)) return false;
    }
    return true;
  }

  static void offsetsForTimes(Io.Args a) throws Exception {
    long deadline = System.currentTimeMillis() + a.budgetMs(30);
    try (KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(ClientDriver.consumerProps(a, null))) {
      List<TopicPartition> parts = ClientDriver.partitionsOf(c, a.str("topic"), deadline);
      Map<TopicPartition, Long> query = new HashMap<>();
      for (TopicPartition tp : parts) query.put(tp, a.lng("timestamp"));
      Map<TopicPartition, OffsetAndTimestamp> res = c.offsetsForTimes(query, Duration.ofSeconds(20));
      for (TopicPartition tp : parts) {
        OffsetAndTimestamp o = res.get(tp);
        Io.out("type", "offset", "partition", tp.partition(), "offset", o == null ? -1L : o.offset(), "error", null);
      }
    }
  }

  static void waitOne(Io.Args a) throws Exception {
    long deadline = System.currentTimeMillis() + a.budgetMs(60);
    java.util.Properties props = ClientDriver.consumerProps(a, null);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, a.str("fetch_wait_ms"));
    try (KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(props)) {
      TopicPartition tp = new TopicPartition(a.str("topic"), 0);
      ClientDriver.partitionsOf(c, tp.topic(), deadline);
      c.assign(Collections.singletonList(tp));
      c.seekToBeginning(Collections.singletonList(tp));
      // The position resolved (ListOffsets answered): the next poll's fetch is the one that waits.
      c.position(tp, Duration.ofSeconds(20));
      c.poll(Duration.ofMillis(100)).forEach(r -> Io.line(recordLine(r)));
      Io.out("type", "ready");
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          Io.line(recordLine(r));
          return;
        }
      }
      Io.err("no record within the timeout");
      System.exit(3);
    }
  }

  static void consumeFrom(Io.Args a) throws Exception {
    long deadline = System.currentTimeMillis() + a.budgetMs(30);
    java.util.Properties props = ClientDriver.consumerProps(a, null);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, a.str("reset"));
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    try (KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(props)) {
      TopicPartition tp = new TopicPartition(a.str("topic"), (int) a.lng("partition"));
      ClientDriver.partitionsOf(c, tp.topic(), deadline);
      List<TopicPartition> one = Collections.singletonList(tp);
      long hi = c.endOffsets(one, Duration.ofSeconds(20)).get(tp);
      c.assign(one);
      c.seek(tp, a.lng("offset"));
      try {
        while (c.position(tp, Duration.ofSeconds(10)) < hi) {
          if (System.currentTimeMillis() > deadline) {
            Io.err("timeout: at offset " + c.position(tp) + " of " + hi);
            System.exit(3);
          }
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) Io.line(recordLine(r));
        }
      } catch (org.apache.kafka.clients.consumer.OffsetOutOfRangeException e) {
        Io.out("type", "out_of_range", "offset", e.offsetOutOfRangePartitions().get(tp));
        return;
      }
      Io.out("type", "summary", "position", c.position(tp), "high", hi);
    }
  }

  static void rawPartition(Io.Args a) throws Exception {
    long deadline = System.currentTimeMillis() + a.budgetMs(30);
    try (KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(ClientDriver.consumerProps(a, null))) {
      TopicPartition tp = new TopicPartition(a.str("topic"), (int) a.lng("partition"));
      ClientDriver.partitionsOf(c, tp.topic(), deadline);
      List<TopicPartition> one = Collections.singletonList(tp);
      long lo = c.beginningOffsets(one, Duration.ofSeconds(20)).get(tp);
      long hi = c.endOffsets(one, Duration.ofSeconds(20)).get(tp);
      c.assign(one);
      c.seekToBeginning(one);
      while (c.position(tp, Duration.ofSeconds(10)) < hi) {
        if (System.currentTimeMillis() > deadline) {
          Io.err("timeout: at offset " + c.position(tp) + " of " + hi);
          System.exit(3);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          Io.out("type", "raw", "offset", r.offset(), "key", hex(r.key()), "value", hex(r.value()));
        }
      }
      Io.out("type", "summary", "low", lo, "high", hi);
    }
  }

  static String hex(byte[] b) {
    if (b == null) return null;
    StringBuilder s = new StringBuilder();
    for (byte x : b) s.append(String.format("%02x", x & 0xff));
    return s.toString();
  }
}
