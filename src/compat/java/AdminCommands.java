import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The Admin API (org.apache.kafka.clients.admin.Admin). Each command prints what the client
 * observed, step by step; the compat cell asserts.
 *
 * metadata        {bootstrap, topic}   cluster id, controller, brokers, the topic's partitions
 * topics_admin    {bootstrap, topic, zero, grow}   create `topic` (3 partitions) twice, describe,
 *                 list, offsets, delete, describe again; create `zero` with 0 partitions; grow the
 *                 existing `grow` from 3 to 5 partitions, produce to partition 4, shrink to 2
 * configs_admin   {bootstrap, topic, bad}   create `topic` with retention.ms=123456, describe two
 *                 keys and all keys; create `bad` with cleanup.policy=bogus
 * alter_configs   {bootstrap, topic, ops: [[op, name, value]], rtype?, name?}
 *                 incrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT) of one resource
 *                 ({"type":"alter","ok",...,"code"?,"message"?}), then the topic's configs
 *                 ({"type":"describe","configs":{name:{value,source}}})
 * delete_records  {bootstrap, topic, partition, offset}   deleteRecords before `offset` (-1: the high
 *                 watermark), then the partition's offsets ({"type":"deleted",...}, {"type":"offsets"})
 * list_offsets    {bootstrap, topic, partitions}   listOffsets earliest and latest of each partition
 * auto_create     {bootstrap, topic}   produce one record (key k, value auto) to a topic that does
 *                 not exist, then describe it
 */
final class AdminCommands {
  private AdminCommands() {}

  static Map<String, Object> partitionLine(TopicPartitionInfo p) {
    List<Integer> replicas = new ArrayList<>();
    for (Node n : p.replicas()) replicas.add(n.id());
    List<Integer> isr = new ArrayList<>();
    for (Node n : p.isr()) isr.add(n.id());
    return Io.obj("id", p.partition(), "leader", p.leader() == null ? -1 : p.leader().id(), "replicas", replicas, "isrs", isr);
  }

  static List<Object> partitionLines(TopicDescription d) {
    List<Object> l = new ArrayList<>();
    for (TopicPartitionInfo p : d.partitions()) l.add(partitionLine(p));
    return l;
  }

  static void metadata(Io.Args a) throws Exception {
    try (Admin admin = ClientDriver.admin(a)) {
      DescribeClusterResult c = admin.describeCluster();
      List<Object> brokers = new ArrayList<>();
      for (Node n : c.nodes().get()) brokers.add(Io.obj("id", n.id(), "host", n.host(), "port", n.port()));
      Node controller = c.controller().get();
      String topic = a.str("topic");
      Object topicError = null;
      List<Object> partitions = new ArrayList<>();
      try {
        partitions = partitionLines(admin.describeTopics(Collections.singleton(topic)).allTopicNames().get().get(topic));
      } catch (Exception e) {
        topicError = Io.code(e);
      }
      Io.out("type", "metadata", "cluster_id", c.clusterId().get(), "controller_id", controller == null ? null : controller.id(),
          "brokers", brokers, "topic_error", topicError, "partitions", partitions);
    }
  }

  /** Runs a step; prints {"type": step, "ok": true} or {"type": step, "ok": false, error fields}. */
  static boolean step(String name, Step s) {
    try {
      s.run();
      Io.out("type", name, "ok", true);
      return true;
    } catch (Exception e) {
      Io.out(Io.concat(new Object[] {"type", name, "ok", false}, Io.errorFields(e)));
      return false;
    }
  }

  interface Step {
    void run() throws Exception;
  }

  /** Describes `topic` until it has `n` partitions, each with a leader (bounded). */
  static TopicDescription describeUntil(Admin admin, String topic, int n) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    for (;;) {
      TopicDescription d = null;
      try {
        d = admin.describeTopics(Collections.singleton(topic)).allTopicNames().get().get(topic);
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) throw e;
      }
      if (d != null && d.partitions().size() == n && d.partitions().stream().allMatch(p -> p.leader() != null)) return d;
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException(topic + ": " + d);
      Thread.sleep(200);
    }
  }

  static Map<Integer, long[]> offsets(Admin admin, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> early = new HashMap<>();
    Map<TopicPartition, OffsetSpec> late = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      early.put(new TopicPartition(topic, p), OffsetSpec.earliest());
      late.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> lo = admin.listOffsets(early).all().get();
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> hi = admin.listOffsets(late).all().get();
    Map<Integer, long[]> m = new java.util.TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      TopicPartition tp = new TopicPartition(topic, p);
      m.put(p, new long[] {lo.get(tp).offset(), hi.get(tp).offset()});
    }
    return m;
  }

  static void printOffsets(Admin admin, String topic, int partitions) throws Exception {
    List<Object> l = new ArrayList<>();
    for (Map.Entry<Integer, long[]> e : offsets(admin, topic, partitions).entrySet()) {
      l.add(Io.obj("partition", e.getKey(), "low", e.getValue()[0], "high", e.getValue()[1]));
    }
    Io.out("type", "offsets", "topic", topic, "offsets", l);
  }

  static void printListed(Admin admin, String... topics) throws Exception {
    Set<String> names = admin.listTopics().names().get();
    Map<String, Object> present = new LinkedHashMap<>();
    for (String t : topics) present.put(t, names.contains(t));
    Io.out("type", "listed", "present", present);
  }

  static void topicsAdmin(Io.Args a) throws Exception {
    String topic = a.str("topic");
    String zero = a.str("zero");
    String grow = a.str("grow");
    try (Admin admin = ClientDriver.admin(a)) {
      NewTopic t = new NewTopic(topic, Optional.of(3), Optional.empty());
      step("create", () -> admin.createTopics(Collections.singleton(t)).all().get());
      step("create_again", () -> admin.createTopics(Collections.singleton(t)).all().get());
      Io.out("type", "described", "partitions", partitionLines(describeUntil(admin, topic, 3)));
      printListed(admin, topic);
      printOffsets(admin, topic, 3);
      step("delete", () -> admin.deleteTopics(Collections.singleton(topic)).all().get());
      long deadline = System.currentTimeMillis() + 15_000;
      while (admin.listTopics().names().get().contains(topic) && System.currentTimeMillis() < deadline) Thread.sleep(200);
      printListed(admin, topic);
      step("describe_deleted", () -> admin.describeTopics(Collections.singleton(topic)).allTopicNames().get());

      step("create_zero", () -> admin.createTopics(Collections.singleton(new NewTopic(zero, Optional.of(0), Optional.empty()))).all().get());
      printListed(admin, zero);

      step("grow", () -> admin.createPartitions(Collections.singletonMap(grow, NewPartitions.increaseTo(5))).all().get());
      Io.out("type", "described", "partitions", partitionLines(describeUntil(admin, grow, 5)));
      try (KafkaProducer<byte[], byte[]> p = ClientDriver.producer(ClientDriver.producerProps(a))) {
        RecordMetadata md = p.send(new ProducerRecord<>(grow, 4, null, Io.enc("into the new partition"))).get();
        Io.out("type", "produced", "partition", md.partition(), "offset", md.offset());
      }
      printOffsets(admin, grow, 5);
      step("shrink", () -> admin.createPartitions(Collections.singletonMap(grow, NewPartitions.increaseTo(2))).all().get());
    }
  }

  static Map<String, Object> configLines(Collection<ConfigEntry> entries) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (ConfigEntry e : entries) m.put(e.name(), Io.obj("value", e.value(), "source", e.source().name(), "default", e.isDefault()));
    return m;
  }

  static Config describe(Admin admin, ConfigResource r) throws Exception {
    return admin.describeConfigs(Collections.singleton(r)).all().get().get(r);
  }

  static void configsAdmin(Io.Args a) throws Exception {
    String topic = a.str("topic");
    String bad = a.str("bad");
    try (Admin admin = ClientDriver.admin(a)) {
      NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Collections.singletonMap("retention.ms", "123456"));
      step("create", () -> admin.createTopics(Collections.singleton(t)).all().get());
      Io.out("type", "describe", "configs", configLines(describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, topic)).entries()));
      NewTopic b = new NewTopic(bad, Optional.of(1), Optional.empty()).configs(Collections.singletonMap("cleanup.policy", "bogus"));
      step("create_bad", () -> admin.createTopics(Collections.singleton(b)).all().get());
      printListed(admin, bad);
    }
  }

  static void alterConfigs(Io.Args a) throws Exception {
    String topic = a.str("topic");
    ConfigResource r = new ConfigResource(ConfigResource.Type.valueOf(a.str("rtype", "topic").toUpperCase()), a.str("name", topic));
    List<AlterConfigOp> ops = new ArrayList<>();
    for (Object o : a.list("ops")) {
      List<?> op = (List<?>) o;
      ops.add(new AlterConfigOp(new ConfigEntry((String) op.get(1), (String) op.get(2)), AlterConfigOp.OpType.valueOf((String) op.get(0))));
    }
    try (Admin admin = ClientDriver.admin(a)) {
      try {
        admin.incrementalAlterConfigs(Collections.singletonMap(r, ops)).all().get();
        Io.out("type", "alter", "ok", true);
      } catch (Exception e) {
        Io.out(Io.concat(new Object[] {"type", "alter", "ok", false, "message", String.valueOf(Io.cause(e).getMessage())}, Io.errorFields(e)));
      }
      Io.out("type", "describe", "configs", configLines(describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, topic)).entries()));
    }
  }

  static void deleteRecords(Io.Args a) throws Exception {
    String topic = a.str("topic");
    TopicPartition tp = new TopicPartition(topic, (int) a.lng("partition", 0));
    try (Admin admin = ClientDriver.admin(a)) {
      try {
        long low = admin.deleteRecords(Collections.singletonMap(tp, RecordsToDelete.beforeOffset(a.lng("offset")))).lowWatermarks().get(tp).get().lowWatermark();
        Io.out("type", "deleted", "ok", true, "low_watermark", low);
      } catch (Exception e) {
        Io.out(Io.concat(new Object[] {"type", "deleted", "ok", false}, Io.errorFields(e)));
      }
      printOffsets(admin, topic, tp.partition() + 1);
    }
  }

  static void listOffsets(Io.Args a) throws Exception {
    try (Admin admin = ClientDriver.admin(a)) {
      printOffsets(admin, a.str("topic"), (int) a.lng("partitions", 1));
    }
  }

  static void autoCreate(Io.Args a) throws Exception {
    String topic = a.str("topic");
    try (KafkaProducer<byte[], byte[]> p = ClientDriver.producer(ClientDriver.producerProps(a))) {
      RecordMetadata md = p.send(new ProducerRecord<>(topic, Io.enc("k"), Io.enc("auto"))).get();
      Io.out("type", "delivered", "partition", md.partition(), "offset", md.offset());
    }
    try (Admin admin = ClientDriver.admin(a)) {
      TopicDescription d = admin.describeTopics(Collections.singleton(topic)).allTopicNames().get().get(topic);
      Io.out("type", "described", "partitions", partitionLines(d));
    }
  }
}
