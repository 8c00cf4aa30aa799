/* A test Kafka: librdkafka's mock cluster (a real Kafka protocol peer) driven by line commands on stdin.
 * Must not outlive its parent (exits on stdin EOF or parent death) nor print anything but answers on stdout. */

/*
 * Usage: mock-kafka [--brokers N]          (N = 1..32, default 1; broker ids are 1..N)
 *
 * Prints exactly one line "BOOTSTRAP <host:port,...>" on stdout, then answers each command line on stdin
 * with exactly one line, "OK" or "ERR <reason>":
 *   create <topic> <partitions>   create a topic, replication factor 1; "ERR topic exists: <topic>" if it
 *                                 exists already (the existing topic is left unchanged)
 *   down <broker_id>              close the broker's connections and refuse new ones
 *   up <broker_id>                accept connections again
 *   rtt <broker_id> <ms>          delay every response of the broker by <ms> milliseconds (0 = none)
 *   quit                          answer OK and exit 0, which ends the cluster (EOF on stdin does the same, silently)
 * Empty lines are ignored. librdkafka's own diagnostics go to stderr.
 *
 * Wake-up workaround (measured with librdkafka 2.0.2): a command handed to the mock cluster's thread right after
 * the previous one can lose its wake-up byte (the thread drains its wake-up pipe after serving its queue) and then
 * waits for the thread's 1 s poll timeout. While a command is in flight a second thread therefore writes one byte
 * to every pipe that rd_kafka_mock_cluster_new() opened, every POKE_MS, so commands finish within milliseconds.
 * A stray byte only causes a spurious wake-up. The poker writes to its own duplicates of those descriptors, so
 * even a pipe closed by librdkafka yields EPIPE, never a write into some other, reused descriptor number.
 */

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_BROKERS 32
#define MAX_PARTITIONS 10000
#define MAX_TOPIC_LEN 249
#define MAX_RTT_MS 600000
#define LINE_MAX_LEN 1024
#define POKE_MS 5
#define MAX_POKE_FDS 16
#define FD_SCAN_LIMIT 4096

static rd_kafka_mock_cluster_t *mcluster;
static int broker_count = 1;

static pthread_mutex_t poke_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t poke_cv = PTHREAD_COND_INITIALIZER;
static int op_in_flight;
static int poke_fds[MAX_POKE_FDS];
static int poke_fd_count;

static int fd_is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

/* Marks which descriptors are open, to tell afterwards which ones rd_kafka_mock_cluster_new() opened. */
static void snapshot_fds(unsigned char *open_before) {
  for (int fd = 0; fd < FD_SCAN_LIMIT; fd++) open_before[fd] = (unsigned char)fd_is_open(fd);
}

/* Remembers the write ends of the pipes opened since the snapshot (the cluster's wake-up pipes). */
static void find_wakeup_pipes(const unsigned char *open_before) {
  int found[MAX_POKE_FDS];
  int n = 0;
  for (int fd = 0; fd < FD_SCAN_LIMIT && n < MAX_POKE_FDS; fd++) {
    struct stat st;
    if (open_before[fd] || !fd_is_open(fd) || fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) continue;
    int flags = fcntl(fd, F_GETFL);
    if (flags != -1 && (flags & O_ACCMODE) == O_WRONLY) found[n++] = fd;
  }
  /* Duplicate only after scanning, so the duplicates are not mistaken for new pipes. */
  for (int i = 0; i < n; i++) {
    int own = fcntl(found[i], F_DUPFD_CLOEXEC, 0);
    if (own != -1) poke_fds[poke_fd_count++] = own;
  }
}

static void *poker_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&poke_mu);
  for (;;) {
    while (!op_in_flight) pthread_cond_wait(&poke_cv, &poke_mu);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += POKE_MS * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec += 1;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&poke_cv, &poke_mu, &until);
    if (op_in_flight) {
      for (int i = 0; i < poke_fd_count; i++) {
        ssize_t w = write(poke_fds[i], "\1", 1);
        (void)w; /* EAGAIN: a wake-up is pending anyway; EPIPE: the cluster is gone */
      }
    }
  }
  return NULL;
}

static void op_begin(void) {
  pthread_mutex_lock(&poke_mu);
  op_in_flight = 1;
  pthread_cond_signal(&poke_cv);
  pthread_mutex_unlock(&poke_mu);
}

static rd_kafka_resp_err_t op_end(rd_kafka_resp_err_t err) {
  pthread_mutex_lock(&poke_mu);
  op_in_flight = 0;
  pthread_cond_signal(&poke_cv);
  pthread_mutex_unlock(&poke_mu);
  return err;
}

/* Runs one mock-cluster call with the wake-up poker watching it. */
#define MOCK_OP(call) (op_begin(), op_end(call))

/*
 * Ends the program. Exiting closes every listener and connection at once, which is what ends the cluster for its
 * clients; rd_kafka_mock_cluster_destroy() is not called because with librdkafka 2.0.2 it waits up to 1 s (an
 * internal thread's poll timeout) when it follows a command closely, and a test's stop() should not.
 */
static void shutdown_and_exit(int code) {
  fflush(stdout);
  _exit(code);
}

/* Writes one answer line; a parent that went away (EPIPE) ends the program. */
static void answer(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void answer(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfprintf(stdout, fmt, ap);
  va_end(ap);
  if (rc < 0 || fputc('\n', stdout) == EOF || fflush(stdout) == EOF) shutdown_and_exit(0);
}

/* Parses a whole decimal integer in [lo, hi]; returns 0 on success. */
static int parse_int(const char *s, long lo, long hi, long *out) {
  if (s == NULL || *s == '\0') return -1;
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

/* Kafka's legal topic names: 1..249 of [A-Za-z0-9._-], not "." or "..". */
static int valid_topic(const char *t) {
  size_t n = strlen(t);
  if (n == 0 || n > MAX_TOPIC_LEN) return 0;
  if (strcmp(t, ".") == 0 || strcmp(t, "..") == 0) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = t[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
             c == '_' || c == '-';
    if (!ok) return 0;
  }
  return 1;
}

static int broker_arg(const char *s, long *id) {
  if (parse_int(s, 1, broker_count, id) != 0) {
    answer("ERR broker id must be 1..%d, got '%s'", broker_count, s ? s : "");
    return -1;
  }
  return 0;
}

static void cmd_create(char **argv, int argc) {
  long partitions;
  if (argc != 3) {
    answer("ERR usage: create <topic> <partitions>");
    return;
  }
  if (!valid_topic(argv[1])) {
    answer("ERR topic name must be 1..%d of [A-Za-z0-9._-], got '%s'", MAX_TOPIC_LEN, argv[1]);
    return;
  }
  if (parse_int(argv[2], 1, MAX_PARTITIONS, &partitions) != 0) {
    answer("ERR partitions must be 1..%d, got '%s'", MAX_PARTITIONS, argv[2]);
    return;
  }
  rd_kafka_resp_err_t err = MOCK_OP(rd_kafka_mock_topic_create(mcluster, argv[1], (int)partitions, 1));
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    answer("ERR topic exists: %s", argv[1]);
  else if (err)
    answer("ERR create %s: %s", argv[1], rd_kafka_err2str(err));
  else
    answer("OK");
}

static void cmd_broker_state(char **argv, int argc, int up) {
  long id;
  if (argc != 2) {
    answer("ERR usage: %s <broker_id>", argv[0]);
    return;
  }
  if (broker_arg(argv[1], &id) != 0) return;
  rd_kafka_resp_err_t err = up ? MOCK_OP(rd_kafka_mock_broker_set_up(mcluster, (int32_t)id))
                              : MOCK_OP(rd_kafka_mock_broker_set_down(mcluster, (int32_t)id));
  if (err)
    answer("ERR %s %ld: %s", argv[0], id, rd_kafka_err2str(err));
  else
    answer("OK");
}

static void cmd_rtt(char **argv, int argc) {
  long id, ms;
  if (argc != 3) {
    answer("ERR usage: rtt <broker_id> <ms>");
    return;
  }
  if (broker_arg(argv[1], &id) != 0) return;
  if (parse_int(argv[2], 0, MAX_RTT_MS, &ms) != 0) {
    answer("ERR rtt must be 0..%d ms, got '%s'", MAX_RTT_MS, argv[2]);
    return;
  }
  rd_kafka_resp_err_t err = MOCK_OP(rd_kafka_mock_broker_set_rtt(mcluster, (int32_t)id, (int)ms));
  if (err)
    answer("ERR rtt %ld: %s", id, rd_kafka_err2str(err));
  else
    answer("OK");
}

/* Splits on spaces/tabs in place; returns the word count (at most max). */
static int split_words(char *line, char **argv, int max) {
  int argc = 0;
  char *save = NULL;
  for (char *w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
    if (argc == max) return max + 1;
    argv[argc++] = w;
  }
  return argc;
}

static void run_commands(void) {
  char line[LINE_MAX_LEN];
  while (fgets(line, sizeof line, stdin)) {
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] == '\n') {
      line[n - 1] = '\0';
    } else if (!feof(stdin)) {
      int c; /* drain the rest of an over-long line, then refuse it */
      while ((c = getchar()) != EOF && c != '\n') {
      }
      answer("ERR line longer than %d bytes", LINE_MAX_LEN - 2);
      continue;
    }
    char *argv[4];
    int argc = split_words(line, argv, 3);
    if (argc == 0) continue;
    if (argc > 3) {
      answer("ERR too many words; commands: create <topic> <partitions> | down <id> | up <id> | rtt <id> <ms> | quit");
      continue;
    }
    if (strcmp(argv[0], "create") == 0)
      cmd_create(argv, argc);
    else if (strcmp(argv[0], "down") == 0)
      cmd_broker_state(argv, argc, 0);
    else if (strcmp(argv[0], "up") == 0)
      cmd_broker_state(argv, argc, 1);
    else if (strcmp(argv[0], "rtt") == 0)
      cmd_rtt(argv, argc);
    else if (strcmp(argv[0], "quit") == 0) {
      if (argc != 1) {
        answer("ERR usage: quit");
        continue;
      }
      answer("OK");
      shutdown_and_exit(0);
    } else
      answer("ERR unknown command '%s'; commands: create <topic> <partitions> | down <id> | up <id> | rtt <id> <ms> | quit",
             argv[0]);
  }
  shutdown_and_exit(0); /* EOF: the parent closed stdin or went away */
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    long n;
    if (strcmp(argv[i], "--brokers") == 0 && i + 1 < argc) {
      if (parse_int(argv[i + 1], 1, MAX_BROKERS, &n) != 0) {
        fprintf(stderr, "mock-kafka: --brokers must be 1..%d, got '%s'\n", MAX_BROKERS, argv[i + 1]);
        return 2;
      }
      broker_count = (int)n;
      i++;
    } else {
      fprintf(stderr, "mock-kafka: bad argument '%s'; usage: mock-kafka [--brokers N] (N = 1..%d)\n", argv[i],
              MAX_BROKERS);
      return 2;
    }
  }

  signal(SIGPIPE, SIG_IGN);
#ifdef __linux__
  /* Belt and braces beside stdin EOF: die with the parent even if someone else holds our stdin open. */
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return 0;
#endif

  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* The handle is only the cluster's book-keeper: no bootstrap.servers, so it never connects anywhere;
   * log_level 4 hides the notice that says so, keeping stderr for real warnings. */
  rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "mock-kafka: rd_kafka_new failed: %s\n", errstr);
    return 1;
  }
  static unsigned char open_before[FD_SCAN_LIMIT];
  snapshot_fds(open_before);
  mcluster = rd_kafka_mock_cluster_new(rk, broker_count);
  if (!mcluster) {
    fprintf(stderr, "mock-kafka: rd_kafka_mock_cluster_new(%d) failed\n", broker_count);
    rd_kafka_destroy(rk);
    return 1;
  }
  find_wakeup_pipes(open_before);
  pthread_t poker;
  if (poke_fd_count > 0 && pthread_create(&poker, NULL, poker_main, NULL) == 0) pthread_detach(poker);
  answer("BOOTSTRAP %s", rd_kafka_mock_cluster_bootstraps(mcluster));
  run_commands();
  return 0;
}
