/* Shared helpers for the bench's C tools: clock, config, percentiles, JSON output. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleeps instead of spinning: on a 2-core machine a spinning client would steal the broker's core. */
static inline void sleep_ns(int64_t ns) {
  struct timespec ts = {ns / 1000000000LL, ns % 1000000000LL};
  nanosleep(&ts, NULL);
}

static inline void conf_set(rd_kafka_conf_t *conf, const char *k, const char *v) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, k, v, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "config %s=%s: %s\n", k, v, errstr);
    exit(2);
  }
}

/* "key=value" arguments after the fixed ones go straight into the librdkafka config. */
static inline void conf_set_pairs(rd_kafka_conf_t *conf, int argc, char **argv, int from) {
  for (int i = from; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) continue;
    *eq = '\0';
    conf_set(conf, argv[i], eq + 1);
    *eq = '=';
  }
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Percentile (0..1) of n sorted samples, in milliseconds. */
static inline double pct_ms(const int64_t *sorted, size_t n, double p) {
  if (n == 0) return -1;
  size_t i = (size_t)(p * (double)(n - 1) + 0.5);
  return (double)sorted[i] / 1e6;
}

static inline void print_latency_json(int64_t *lat, size_t n) {
  qsort(lat, n, sizeof *lat, cmp_i64);
  printf("\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"maxMs\":%.3f", pct_ms(lat, n, 0.5),
         pct_ms(lat, n, 0.99), pct_ms(lat, n, 0.999), n ? (double)lat[n - 1] / 1e6 : -1.0);
}
#endif
