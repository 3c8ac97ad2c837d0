import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * The Kafka Streams application of the compat row, with processing.guarantee=exactly_once_v2.
 * Usage: EosStreamsApp <bootstrap> <application.id> <state.dir> <instance> <windowMs>
 *                      <lines> <events> <users> <clicks> <wordCounts> <windowCounts> <enriched>
 * Prints JSON lines: {"state":S} on every state change, {"lines":n} every 250 input lines taken in,
 * {"error":msg} when a stream thread dies; {"closed":true} after a clean close on SIGTERM (leaving the group).
 */
public final class EosStreamsApp {
  public static void main(String[] a) throws InterruptedException {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, a[1]);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, a[0]);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // One broker: the internal topics (repartition, changelogs) cannot have three replicas.
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.STATE_DIR_CONFIG, a[2]);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    // Static membership: the restarted instance takes the killed one's place in the group at once
    // instead of the group waiting out the dead member's session.
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), a[3]);
    EosTopology.Topics topics = new EosTopology.Topics(a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
    long windowMs = Long.parseLong(a[4]);

    KafkaStreams streams = new KafkaStreams(EosTopology.build(topics, windowMs, n -> {
      if (n % 250 == 0) print("lines", n);
    }), p);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      print("state", now.name());
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) stopped.countDown();
    });
    streams.setUncaughtExceptionHandler(e -> {
      print("error", String.valueOf(e));
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // A clean stop leaves the group (a static member otherwise stays until its session expires).
      boolean closed = streams.close(CloseOptions.timeout(Duration.ofSeconds(60))
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      print("closed", closed);
    }));
    streams.start();
    stopped.await();
    if (streams.state() == KafkaStreams.State.ERROR) System.exit(1);
  }

  private static void print(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    Json.line(m);
  }
}
