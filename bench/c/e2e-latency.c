/*
 * End-to-end latency: a producer at a fixed rate and a consumer in one process, on partition 0 of a
 * topic. Each payload carries its send time (CLOCK_MONOTONIC); latency = receipt - send. The
 * producer starts one second after the consumer (so the consumer is already long-polling at the
 * log end); the first second of messages is warm-up and not counted. Prints one JSON line with
 * p50/p99/p99.9 and how many messages arrived (a reference broker that trims its log under a
 * lagging consumer shows up as messages < expected).
 *
 *   e2e-latency <bootstrap> <topic> <rate msgs/s> <seconds> <bytes> [key=value ...]
 *
 * key=value pairs go to both clients when librdkafka accepts them for that client type.
 */
#include "common.h"
#include <pthread.h>

static const char *bootstrap, *topic;
static double rate;
static size_t total, size;
static int argc_g;
static char **argv_g;
static volatile int producer_failed, producer_done;

static void *produce_loop(void *arg) {
  (void)arg;
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  conf_set(conf, "bootstrap.servers", bootstrap);
  conf_set(conf, "linger.ms", "0");
  conf_set(conf, "acks", "1");
  conf_set(conf, "log_level", "3");
  conf_set_pairs(conf, argc_g, argv_g, 6);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "producer: %s\n", errstr); producer_failed = 1; return NULL; }
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  char *payload = calloc(1, size < 16 ? 16 : size);
  const struct rd_kafka_metadata *md;
  rd_kafka_metadata(rk, 0, rkt, &md, 5000);
  rd_kafka_metadata_destroy(md);
  int64_t start = now_ns() + 1000000000LL;
  for (size_t i = 0; i < total; i++) {
    int64_t due = start + (int64_t)((double)i * 1e9 / rate);
    int64_t t;
    while ((t = now_ns()) < due) sleep_ns(due - t);
    memcpy(payload, &t, 8);
    memcpy(payload + 8, &i, 8);
    while (rd_kafka_produce(rkt, 0, RD_KAFKA_MSG_F_COPY, payload, size < 16 ? 16 : size, NULL, 0, NULL) == -1)
      rd_kafka_poll(rk, 1);
    rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 30000);
  producer_done = 1;
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: e2e-latency bootstrap topic rate seconds bytes [k=v...]\n"); return 2; }
  bootstrap = argv[1];
  topic = argv[2];
  rate = atof(argv[3]);
  double seconds = atof(argv[4]);
  size = strtoull(argv[5], NULL, 10);
  argc_g = argc;
  argv_g = argv;
  total = (size_t)(rate * (seconds + 1));
  size_t warmup = (size_t)rate;
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  conf_set(conf, "bootstrap.servers", bootstrap);
  conf_set(conf, "fetch.wait.max.ms", "100");
  conf_set(conf, "fetch.error.backoff.ms", "5");
  conf_set(conf, "log_level", "3");
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "consumer: %s\n", errstr); return 1; }
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
  rd_kafka_consume_start_queue(rkt, 0, RD_KAFKA_OFFSET_BEGINNING, q);
  pthread_t th;
  pthread_create(&th, NULL, produce_loop, NULL);
  int64_t *lat = calloc(total, sizeof *lat);
  size_t n_lat = 0, got = 0;
  int64_t last = now_ns();
  rd_kafka_message_t *batch[1];
  while (got < total && !producer_failed) {
    /* One message at a time: rd_kafka_consume_batch_queue waits for a full batch (or the timeout)
       before returning, which would measure its own wait instead of the broker's latency. */
    rd_kafka_message_t *one = rd_kafka_consume_queue(q, 100);
    ssize_t n = one != NULL ? 1 : 0;
    batch[0] = one;
    int64_t now = now_ns();
    if (n <= 0 && now - last > (producer_done ? 2LL : 20LL) * 1000000000LL) break;
    for (ssize_t i = 0; i < n; i++) {
      rd_kafka_message_t *m = batch[i];
      if (!m->err && m->len >= 16) {
        int64_t t;
        size_t seq;
        memcpy(&t, m->payload, 8);
        memcpy(&seq, (char *)m->payload + 8, 8);
        if (seq >= warmup) lat[n_lat++] = now - t;
        got++;
      }
      rd_kafka_message_destroy(m);
    }
    if (n > 0) last = now;
  }
  pthread_join(th, NULL);
  printf("{\"messages\":%zu,\"expected\":%zu,\"rate\":%.0f,", got, total, rate);
  print_latency_json(lat, n_lat);
  printf("}\n");
  rd_kafka_consume_stop(rkt, 0);
  rd_kafka_queue_destroy(q);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return got < total ? 1 : 0;
}
