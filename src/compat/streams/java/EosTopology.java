import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * The three sub-topologies of the Streams row, all with String keys and values:
 *  (a) word count: lines -> words (repartitioned by word) -> KTable count -> wordCounts "word" = "n";
 *  (b) windowed count: events counted per key per tumbling window of windowMs on the records' own
 *      timestamps -> windowCounts "key@windowStart" = "n";
 *  (c) stream-table join: clicks (key user) joined with the users table (key user, value region)
 *      -> enriched "user" = "click@region".
 * Every count is a state store with a changelog, so a restart after a crash restores it from Kafka.
 */
final class EosTopology {
  private EosTopology() {}

  /** Topic names, in the order the app's command line gives them. */
  record Topics(String lines, String events, String users, String clicks,
                String wordCounts, String windowCounts, String enriched) {}

  /** onLine is called with the running number of lines this process has taken in (its progress). */
  static Topology build(Topics t, long windowMs, Consumer<Long> onLine) {
    StreamsBuilder b = new StreamsBuilder();
    Consumed<String, String> strings = Consumed.with(Serdes.String(), Serdes.String());
    Produced<String, String> out = Produced.with(Serdes.String(), Serdes.String());
    AtomicLong lines = new AtomicLong();

    b.stream(t.lines(), strings)
        .peek((k, v) -> onLine.accept(lines.incrementAndGet()))
        .flatMapValues(v -> Arrays.asList(v.split(" ")))
        .groupBy((k, word) -> word, Grouped.with("words", Serdes.String(), Serdes.String()))
        .count(Materialized.as("word-counts"))
        .toStream()
        .mapValues(String::valueOf)
        .to(t.wordCounts(), out);

    b.stream(t.events(), strings)
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        // No record is late: the grace period covers the whole input's time range.
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(windowMs), Duration.ofHours(1)))
        .count(Materialized.as("window-counts"))
        .toStream((w, n) -> w.key() + "@" + w.window().start())
        .mapValues(String::valueOf)
        .to(t.windowCounts(), out);

    KTable<String, String> users = b.table(t.users(), strings, Materialized.as("users"));
    b.stream(t.clicks(), strings)
        .join(users, (click, region) -> click + "@" + region)
        .to(t.enriched(), out);
    return b.build();
  }
}
