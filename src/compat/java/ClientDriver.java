import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Kafka's Java client (kafka-clients) driver for Tributary's compat matrix, the Java twin of
 * src/compat/python/confluent_client.py: same commands, same arguments, same output.
 *
 * Usage: java -cp <kafka-clients classpath>:<compiled driver> ClientDriver <command> '<json args>'
 *
 * Every result is one JSON object per stdout line ({"type": ...}); diagnostics go to stderr.
 * Message i carries key "key-<i>", value "value-<i>", headers idx=<i> and src=java and, when base_ts
 * is given, the CreateTime timestamp base_ts + i. With `partitions`, message i goes to partition
 * i % partitions; otherwise the client's partitioner picks (murmur2 of the key).
 *
 * Commands: see ProducerCommands (produce, produce_keyed, txn_produce), ConsumerCommands (consume,
 * offsets_for_times, wait_one, consume_from, raw_partition), GroupCommands (group_consume, static_member,
 * group_admin), AdminCommands (metadata, topics_admin, configs_admin, alter_configs,
 * delete_records, list_offsets, auto_create), TxnCommands (txn_commit_abort, txn_read, txn_offsets, txn_fence,
 * txn_timeout, eos). `version` prints the client's AppInfoParser version.
 */
public final class ClientDriver {
  private ClientDriver() {}

  interface Command {
    void run(Io.Args a) throws Exception;
  }

  public static void main(String[] argv) throws Exception {
    String cmd = argv.length > 0 ? argv[0] : "";
    Io.Args a = new Io.Args(argv.length > 1 ? argv[1] : "{}");
    Command c = command(cmd);
    if (c == null) {
      Io.err("unknown command " + cmd);
      System.exit(64);
    }
    try {
      c.run(a);
    } catch (Exception e) {
      Io.err("failed: " + e);
      e.printStackTrace(System.err);
      System.out.flush();
      System.exit(1);
    }
    System.out.flush();
    // Kafka's clients are closed by now; a lingering non-daemon thread must not keep us alive.
    System.exit(0);
  }

  private static Command command(String cmd) {
    switch (cmd) {
      case "version": return a -> Io.out("type", "version", "version", AppInfoParser.getVersion(), "commit", AppInfoParser.getCommitId());
      case "produce": return ProducerCommands::produce;
      case "produce_keyed": return ProducerCommands::produceKeyed;
      case "txn_produce": return ProducerCommands::txnProduce;
      case "consume": return ConsumerCommands::consume;
      case "offsets_for_times": return ConsumerCommands::offsetsForTimes;
      case "wait_one": return ConsumerCommands::waitOne;
      case "consume_from": return ConsumerCommands::consumeFrom;
      case "raw_partition": return ConsumerCommands::rawPartition;
      case "group_consume": return GroupCommands::groupConsume;
      case "static_member": return GroupCommands::staticMember;
      case "group_admin": return GroupCommands::groupAdmin;
      case "metadata": return AdminCommands::metadata;
      case "topics_admin": return AdminCommands::topicsAdmin;
      case "configs_admin": return AdminCommands::configsAdmin;
      case "alter_configs": return AdminCommands::alterConfigs;
      case "delete_records": return AdminCommands::deleteRecords;
      case "list_offsets": return AdminCommands::listOffsets;
      case "auto_create": return AdminCommands::autoCreate;
      case "txn_commit_abort": return TxnCommands::commitAbort;
      case "txn_read": return TxnCommands::read;
      case "txn_offsets": return TxnCommands::offsets;
      case "txn_fence": return TxnCommands::fence;
      case "txn_timeout": return TxnCommands::timeout;
      case "eos": return ExactlyOnce::run;
      default: return null;
    }
  }

  // --- clients, configured as the compat rows need them ------------------------------------------

  static Properties producerProps(Io.Args a) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, a.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return p;
  }

  static KafkaProducer<byte[], byte[]> producer(Properties p) {
    return new KafkaProducer<>(p);
  }

  static Properties consumerProps(Io.Args a, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, a.bootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
      // The classic group protocol (JoinGroup/SyncGroup/Heartbeat), as every other column uses.
      p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    }
    return p;
  }

  static KafkaConsumer<byte[], byte[]> consumer(Properties p) {
    return new KafkaConsumer<>(p);
  }

  static Admin admin(Io.Args a) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, a.bootstrap());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    return Admin.create(p);
  }

  /** The topic's partitions as the consumer's metadata reports them, waiting (bounded) for it to appear. */
  static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> c, String topic, long deadline) throws InterruptedException {
    for (;;) {
      List<PartitionInfo> infos = null;
      try {
        infos = c.partitionsFor(topic, Duration.ofSeconds(5));
      } catch (org.apache.kafka.common.KafkaException e) {
        Io.err("partitionsFor " + topic + ": " + e);
      }
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> tps = new ArrayList<>();
        for (PartitionInfo i : infos) tps.add(new TopicPartition(topic, i.partition()));
        tps.sort((x, y) -> Integer.compare(x.partition(), y.partition()));
        return tps;
      }
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("no metadata for topic " + topic);
      Thread.sleep(200);
    }
  }
}
