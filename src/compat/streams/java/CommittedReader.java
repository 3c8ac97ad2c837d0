import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics the way a downstream application of an exactly-once pipeline does: isolation.level
 * read_committed, no group (assign + seekToBeginning), printing every record as a JSON line
 * {"topic","partition","offset","key","value"}.
 * Usage: CommittedReader <bootstrap> <follow|end> <topic>...
 *  - end: stops at the last stable offset each partition had when reading began, prints {"done":n};
 *  - follow: keeps reading until killed (the row watches the output grow).
 */
public final class CommittedReader {
  public static void main(String[] args) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    boolean follow = args[1].equals("follow");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 2; i < args.length; i++) {
        List<PartitionInfo> infos = c.partitionsFor(args[i], Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) throw new IllegalStateException("no partitions for " + args[i]);
        for (PartitionInfo pi : infos) tps.add(new TopicPartition(pi.topic(), pi.partition()));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      // Under read_committed, endOffsets are the last stable offsets.
      Map<TopicPartition, Long> ends = c.endOffsets(tps, Duration.ofSeconds(30));
      long n = 0;
      while (follow || !reached(c, tps, ends)) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          n++;
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("topic", r.topic());
          out.put("partition", r.partition());
          out.put("offset", r.offset());
          out.put("key", r.key());
          out.put("value", r.value());
          Json.line(out);
        }
      }
      Map<String, Object> done = new LinkedHashMap<>();
      done.put("done", n);
      Json.line(done);
    }
  }

  private static boolean reached(KafkaConsumer<String, String> c, List<TopicPartition> tps, Map<TopicPartition, Long> ends) {
    for (TopicPartition tp : tps) if (c.position(tp, Duration.ofSeconds(30)) < ends.get(tp)) return false;
    return true;
  }
}
