import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;

/**
 * Consumer groups (the classic protocol).
 *
 * group_consume  {bootstrap, topic, group, expect, timeout_s?, idle_s?, session_timeout_ms?}
 *                subscribe in `group`, read until `expect` records (or idle_s without one), commit
 *                synchronously, close (leaving the group); prints each assignment
 *                ({"type":"assign"}), record, the commit ({"type":"committed"}) and {"type":"closed"}
 * static_member  {bootstrap, topic, group, instance, run_s, session_timeout_ms?}   a static member
 *                (group.instance.id, KIP-345): stays run_s seconds, prints every assign/revoke and
 *                error; close() does not leave the group
 * group_admin    see GroupAdmin
 */
final class GroupCommands {
  private GroupCommands() {}

  static Properties groupProps(Io.Args a) {
    Properties p = ClientDriver.consumerProps(a, a.str("group"));
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, a.str("session_timeout_ms", "10000"));
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
    return p;
  }

  static List<Integer> partitions(Collection<TopicPartition> tps) {
    List<Integer> l = new ArrayList<>();
    for (TopicPartition tp : tps) l.add(tp.partition());
    Collections.sort(l);
    return l;
  }

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** Prints every assignment (and with `revokes`, every revocation) as it happens. */
  static ConsumerRebalanceListener printing(boolean revokes) {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> parts) {
        if (revokes) Io.out("type", "revoke", "t", now(), "partitions", partitions(parts));
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> parts) {
        Io.out("type", "assign", "t", now(), "partitions", partitions(parts));
      }
    };
  }

  static void groupConsume(Io.Args a) {
    long deadline = System.currentTimeMillis() + a.budgetMs(60);
    long idleMs = (long) (a.dbl("idle_s", 30) * 1000);
    long expect = a.lng("expect");
    KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(groupProps(a));
    c.subscribe(Collections.singletonList(a.str("topic")), printing(false));
    long n = 0;
    long last = System.currentTimeMillis();
    while (n < expect && System.currentTimeMillis() < deadline && System.currentTimeMillis() - last < idleMs) {
      for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
        last = System.currentTimeMillis();
        n++;
        Io.out("type", "record", "partition", r.partition(), "offset", r.offset(), "key", Io.dec(r.key()), "value", Io.dec(r.value()));
      }
    }
    if (n > 0) {
      // What the consumer consumed: its position on every assigned partition.
      Map<TopicPartition, OffsetAndMetadata> offsets = new TreeMap<>((x, y) -> Integer.compare(x.partition(), y.partition()));
      for (TopicPartition tp : c.assignment()) offsets.put(tp, new OffsetAndMetadata(c.position(tp)));
      c.commitSync(offsets, Duration.ofSeconds(30));
      List<Object> list = new ArrayList<>();
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
        list.add(java.util.Arrays.asList(e.getKey().partition(), e.getValue().offset(), null));
      }
      Io.out("type", "committed", "offsets", list);
    }
    c.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(30)));
    Io.out("type", "closed", "count", n);
  }

  static void staticMember(Io.Args a) {
    Properties p = groupProps(a);
    p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, a.str("instance"));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, a.str("instance"));
    KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(p);
    c.subscribe(Collections.singletonList(a.str("topic")), printing(true));
    long end = System.currentTimeMillis() + (long) (a.dbl("run_s", 10) * 1000);
    while (System.currentTimeMillis() < end) {
      try {
        c.poll(Duration.ofMillis(200));
      } catch (FencedInstanceIdException e) {
        // Another member joined with our group.instance.id: fatal for this consumer.
        Io.out(Io.concat(new Object[] {"type", "error", "fatal", true}, Io.errorFields(e)));
        break;
      } catch (org.apache.kafka.common.KafkaException e) {
        Io.out(Io.concat(new Object[] {"type", "error", "fatal", false}, Io.errorFields(e)));
      }
    }
    try {
      c.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
    } catch (org.apache.kafka.common.KafkaException e) {
      Io.out(Io.concat(new Object[] {"type", "close_error"}, Io.errorFields(e)));
    }
    Io.out("type", "closed");
  }

  static void groupAdmin(Io.Args a) throws Exception {
    GroupAdmin.run(a);
  }
}
