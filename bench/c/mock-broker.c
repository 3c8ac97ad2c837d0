/*
 * The reference broker: librdkafka's in-memory mock cluster in a process of its own.
 *
 *   mock-broker [topic:partitions ...]
 *
 * Creates the named topics, prints "bootstrap <host:port>" on stdout, then serves until stdin
 * reaches EOF or SIGTERM/SIGINT arrives. Commands on stdin: "topic <name> <partitions>" creates a
 * topic and answers "ok".
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop = 0;
static void on_signal(int sig) { (void)sig; stop = 1; }

static int create_topic(rd_kafka_mock_cluster_t *mc, const char *name, int partitions) {
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name, partitions, 1);
  if (err) fprintf(stderr, "topic %s: %s\n", name, rd_kafka_err2str(err));
  return err ? -1 : 0;
}

int main(int argc, char **argv) {
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, 1);
  if (!mc) { fprintf(stderr, "mock cluster failed to start\n"); return 1; }
  for (int i = 1; i < argc; i++) {
    char name[256];
    int parts = 1;
    if (sscanf(argv[i], "%255[^:]:%d", name, &parts) < 1) continue;
    if (create_topic(mc, name, parts) != 0) return 1;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);
  char line[512];
  while (!stop && fgets(line, sizeof line, stdin)) {
    char name[256];
    int parts;
    if (sscanf(line, "topic %255s %d", name, &parts) == 2) {
      printf(create_topic(mc, name, parts) == 0 ? "ok\n" : "error\n");
      fflush(stdout);
    }
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
