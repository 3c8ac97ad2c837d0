import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * group_admin  {bootstrap, topic, group, partitions, expect}   the Admin API's group calls around a
 *              live member: a member consumes `expect` records and commits; listGroups,
 *              describeConsumerGroups (member running), deleteConsumerGroups (refused while it
 *              runs); the member closes; describe again, alterConsumerGroupOffsets {p: 42, 7, 99 ...},
 *              listConsumerGroupOffsets; a new member's first offset per partition; delete; list,
 *              offsets and delete again. One line per step ({"type": <step>, ...}).
 */
final class GroupAdmin {
  private GroupAdmin() {}

  static final long[] SET = {42, 7, 99};

  static void run(Io.Args a) throws Exception {
    String topic = a.str("topic");
    String group = a.str("group");
    int partitions = (int) a.lng("partitions");
    try (Admin admin = ClientDriver.admin(a)) {
      KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(GroupCommands.groupProps(a));
      c.subscribe(Collections.singletonList(topic));
      long n = 0;
      long deadline = System.currentTimeMillis() + 30_000;
      while (n < a.lng("expect") && System.currentTimeMillis() < deadline) n += c.poll(Duration.ofMillis(200)).count();
      c.commitSync(Duration.ofSeconds(20));
      Io.out("type", "consumed", "count", n);
      listed(admin, group);
      described(admin, group);
      // The member is still in the group (its heartbeat thread keeps it there): refused.
      AdminCommands.step("delete_running", () -> admin.deleteConsumerGroups(Collections.singleton(group)).all().get());
      c.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(20)));
      described(admin, group);

      Map<TopicPartition, OffsetAndMetadata> set = new TreeMap<>((x, y) -> Integer.compare(x.partition(), y.partition()));
      for (int p = 0; p < partitions; p++) set.put(new TopicPartition(topic, p), new OffsetAndMetadata(SET[p % SET.length]));
      AdminCommands.step("alter_offsets", () -> admin.alterConsumerGroupOffsets(group, set).all().get());
      offsets(admin, group);
      firstOffsets(a, topic, partitions);

      AdminCommands.step("delete", () -> admin.deleteConsumerGroups(Collections.singleton(group)).all().get());
      listed(admin, group);
      offsets(admin, group);
      AdminCommands.step("delete_again", () -> admin.deleteConsumerGroups(Collections.singleton(group)).all().get());
    }
  }

  static void listed(Admin admin, String group) throws Exception {
    List<Object> found = new ArrayList<>();
    for (GroupListing g : admin.listGroups().all().get()) {
      if (!g.groupId().equals(group)) continue;
      found.add(Io.obj("group", g.groupId(), "protocol", g.protocol(), "type", g.type().map(Object::toString).orElse(null),
          "state", g.groupState().map(Object::toString).orElse(null)));
    }
    Io.out("type", "listed", "groups", found);
  }

  static void described(Admin admin, String group) throws Exception {
    ConsumerGroupDescription d = admin.describeConsumerGroups(Collections.singleton(group)).all().get().get(group);
    List<Object> members = new ArrayList<>();
    d.members().forEach(m -> members.add(Io.obj("client_id", m.clientId(), "partitions", GroupCommands.partitions(m.assignment().topicPartitions()))));
    Io.out("type", "described", "state", d.groupState().toString(), "members", members, "assignor", d.partitionAssignor());
  }

  static void offsets(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    List<Object> l = new ArrayList<>();
    new TreeMap<>(toPartitions(o)).forEach((p, off) -> l.add(java.util.Arrays.asList(p, off)));
    Io.out("type", "offsets", "offsets", l);
  }

  private static Map<Integer, Long> toPartitions(Map<TopicPartition, OffsetAndMetadata> o) {
    Map<Integer, Long> m = new TreeMap<>();
    o.forEach((tp, om) -> m.put(tp.partition(), om == null ? -1L : om.offset()));
    return m;
  }

  /** A new member of the group: the first offset it reads from each partition (it starts at the commits). */
  static void firstOffsets(Io.Args a, String topic, int partitions) {
    Map<Integer, Long> first = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> c = ClientDriver.consumer(GroupCommands.groupProps(a))) {
      c.subscribe(Collections.singletonList(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (first.size() < partitions && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) first.putIfAbsent(r.partition(), r.offset());
      }
    }
    List<Object> l = new ArrayList<>();
    first.forEach((p, off) -> l.add(java.util.Arrays.asList(p, off)));
    Io.out("type", "first_offsets", "offsets", l);
  }
}
