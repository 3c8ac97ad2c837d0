/*
 * Drain N messages from every partition of a topic, from the beginning, with librdkafka's simple
 * (group-less) consumer, and print one JSON line with the throughput.
 *
 *   consumer-perf <bootstrap> <topic> <partitions> <messages> [key=value ...]
 */
#include "common.h"

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: consumer-perf bootstrap topic partitions messages [k=v...]\n"); return 2; }
  int partitions = atoi(argv[3]);
  size_t want = strtoull(argv[4], NULL, 10);
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  conf_set(conf, "bootstrap.servers", argv[1]);
  conf_set(conf, "fetch.message.max.bytes", "1048576");
  conf_set(conf, "fetch.max.bytes", "52428800");
  conf_set(conf, "queued.max.messages.kbytes", "131072");
  conf_set(conf, "log_level", "3");
  conf_set_pairs(conf, argc, argv, 5);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", errstr); return 1; }
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, argv[2], NULL);
  rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
  int64_t start = now_ns();
  for (int p = 0; p < partitions; p++) rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, q);
  size_t got = 0, bytes = 0, errors = 0;
  rd_kafka_message_t *batch[4096];
  int64_t last = start;
  while (got < want) {
    ssize_t n = rd_kafka_consume_batch_queue(q, 1000, batch, 4096);
    if (n < 0) break;
    if (n == 0 && now_ns() - last > 30LL * 1000000000LL) break; /* stalled 30 s: give up */
    for (ssize_t i = 0; i < n; i++) {
      if (batch[i]->err) {
        if (batch[i]->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) errors++;
      } else {
        got++;
        bytes += batch[i]->len;
      }
      rd_kafka_message_destroy(batch[i]);
    }
    if (n > 0) last = now_ns();
  }
  double secs = (double)(last - start) / 1e9;
  printf("{\"messages\":%zu,\"bytes\":%zu,\"errors\":%zu,\"seconds\":%.4f,\"msgsPerSec\":%.1f,\"mbPerSec\":%.2f}\n", got, bytes,
         errors, secs, (double)got / secs, (double)bytes / secs / 1e6);
  for (int p = 0; p < partitions; p++) rd_kafka_consume_stop(rkt, p);
  rd_kafka_queue_destroy(q);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return got < want ? 1 : 0;
}
