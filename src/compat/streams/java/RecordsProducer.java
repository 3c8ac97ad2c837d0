import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The input of the Streams row: reads "topic TAB key TAB value TAB timestamp" lines (UTF-8) from stdin
 * and sends them in order with an idempotent producer, acks=all (partition by key, Kafka's default
 * partitioner, so the stream and table topics are co-partitioned). Prints each partition's end
 * offset once everything is acknowledged: {"topic":t,"partition":p,"end":o}.
 * Usage: RecordsProducer <bootstrap>
 */
public final class RecordsProducer {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
         BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) continue;
        String[] f = line.split("\t", -1);
        if (f.length != 4) throw new IllegalArgumentException("not topic\\tkey\\tvalue\\ttimestamp: " + line);
        sent.add(producer.send(new ProducerRecord<>(f[0], null, Long.parseLong(f[3]), f[1], f[2])));
      }
      producer.flush();
      Map<String, Long> ends = new TreeMap<>();
      for (Future<RecordMetadata> f : sent) {
        RecordMetadata m = f.get();
        ends.merge(m.topic() + "\t" + m.partition(), m.offset() + 1, Math::max);
      }
      for (Map.Entry<String, Long> e : ends.entrySet()) {
        String[] tp = e.getKey().split("\t");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", tp[0]);
        out.put("partition", Integer.parseInt(tp[1]));
        out.put("end", e.getValue());
        Json.line(out);
      }
    }
  }
}
