/*
 * Produce N messages of S bytes as fast as librdkafka allows (or at a fixed rate), in the spirit of
 * Kafka's producer-perf-test, and print one JSON line: throughput, and per-message delivery latency
 * (produce call -> delivery report) percentiles.
 *
 *   producer-perf <bootstrap> <topic> <messages> <bytes> <rate msgs/s, 0 = unlimited> [key=value ...]
 *
 * key=value pairs are librdkafka producer configs (acks, linger.ms, batch.size ...), except
 * bench.partitions=N: send message i to partition i % N (even spread) instead of librdkafka's
 * partitioner, and bench.payload.prefix=HEX: the payload starts with these bytes (a Confluent
 * wire-format header and Avro length prefix, so the 'a'..'z' filler decodes as an Avro string).
 */
#include "common.h"

static int64_t *sent_ns;
static int64_t *lat_ns;
static size_t delivered, failed, lat_n;
static int64_t last_delivery_ns;
static rd_kafka_resp_err_t first_err;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk; (void)opaque;
  int64_t now = now_ns();
  size_t i = (size_t)(uintptr_t)m->_private;
  if (m->err) {
    if (!first_err) first_err = m->err;
    failed++;
  } else {
    lat_ns[lat_n++] = now - sent_ns[i];
    delivered++;
  }
  last_delivery_ns = now;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: producer-perf bootstrap topic messages bytes rate [k=v...]\n"); return 2; }
  const char *topic = argv[2];
  size_t count = strtoull(argv[3], NULL, 10);
  size_t size = strtoull(argv[4], NULL, 10);
  double rate = atof(argv[5]);
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  conf_set(conf, "bootstrap.servers", argv[1]);
  conf_set(conf, "linger.ms", "5");
  conf_set(conf, "batch.size", "1000000");
  conf_set(conf, "queue.buffering.max.messages", "2000000");
  conf_set(conf, "queue.buffering.max.kbytes", "1048576");
  conf_set(conf, "log_level", "3");
  int spread = 0;
  const char *prefix_hex = NULL;
  for (int i = 6; i < argc; i++) {
    if (strncmp(argv[i], "bench.partitions=", 17) == 0) {
      spread = atoi(argv[i] + 17);
      argv[i] = "";
    } else if (strncmp(argv[i], "bench.payload.prefix=", 21) == 0) {
      prefix_hex = argv[i] + 21;
      argv[i] = "";
    }
  }
  conf_set_pairs(conf, argc, argv, 6);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", errstr); return 1; }
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  sent_ns = calloc(count, sizeof *sent_ns);
  lat_ns = calloc(count, sizeof *lat_ns);
  char *payload = malloc(size ? size : 1);
  for (size_t i = 0; i < size; i++) payload[i] = (char)('a' + i % 26);
  if (prefix_hex != NULL) {
    size_t n = strlen(prefix_hex) / 2;
    for (size_t i = 0; i < n && i < size; i++) {
      unsigned int byte;
      if (sscanf(prefix_hex + 2 * i, "%2x", &byte) != 1) { fprintf(stderr, "bad bench.payload.prefix\n"); return 2; }
      payload[i] = (char)byte;
    }
  }

  /* Warm the connection and metadata so the clock measures the data path, not the handshake. */
  const struct rd_kafka_metadata *md;
  for (int tries = 0; tries < 100; tries++) {
    if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      int ok = md->topic_cnt == 1 && md->topics[0].err == 0 && md->topics[0].partition_cnt > 0;
      rd_kafka_metadata_destroy(md);
      if (ok) break;
    }
    rd_kafka_poll(rk, 50);
  }

  int64_t start = now_ns();
  for (size_t i = 0; i < count; i++) {
    if (rate > 0) {
      int64_t due = start + (int64_t)((double)i * 1e9 / rate);
      for (int64_t t; (t = now_ns()) < due;) sleep_ns(due - t);
    }
    sent_ns[i] = now_ns();
    while (rd_kafka_produce(rkt, spread ? (int32_t)(i % (size_t)spread) : RD_KAFKA_PARTITION_UA, 0, payload, size, NULL, 0, (void *)(uintptr_t)i) == -1) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        fprintf(stderr, "produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
        return 1;
      }
      rd_kafka_poll(rk, 1);
    }
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  while (delivered + failed < count) rd_kafka_poll(rk, 100);
  double secs = (double)(last_delivery_ns - start) / 1e9;
  printf("{\"messages\":%zu,\"failed\":%zu,\"bytes\":%zu,\"seconds\":%.4f,\"msgsPerSec\":%.1f,\"mbPerSec\":%.2f,",
         delivered, failed, delivered * size, secs, (double)delivered / secs, (double)(delivered * size) / secs / 1e6);
  print_latency_json(lat_ns, lat_n);
  printf(",\"error\":\"%s\"}\n", first_err ? rd_kafka_err2str(first_err) : "");
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return failed ? 1 : 0;
}
