// Bounded, paced IPFIX sender for the zero-loss benchmark, for rates the Python replayer cannot
// reach (it tops out near 20,000 datagrams/s here). Sends the stream `flow-replay.py --dump`
// wrote (the same 1,000 datagrams of RECORDS records each), in a loop, to udp 127.0.0.1:PORT at
// RATE datagrams/s for SECONDS seconds (at most RATE x SECONDS datagrams, and never more than
// SECONDS + 5 s of wall time), with sendmmsg(2) in batches of up to 64; it sets each datagram's
// export time and sequence number (+RECORDS per datagram) as an exporter would. Prints the
// datagrams and records sent, as flow-replay.py does.
//
//   cc -O2 -o flow-blast flow-blast.c && ./flow-blast STREAM PORT RATE SECONDS [RECORDS=30]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_DATAGRAMS 4096
#define BATCH 64

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: flow-blast STREAM PORT RATE SECONDS [RECORDS=30]\n");
    return 2;
  }
  long port = atol(argv[2]), rate = atol(argv[3]);
  double seconds = atof(argv[4]);
  uint32_t records = argc > 5 ? (uint32_t)atol(argv[5]) : 30;
  if (port <= 0 || port > 65535 || rate <= 0 || rate > 2000000 || seconds <= 0 || seconds > 600) {
    fprintf(stderr, "flow-blast: port 1..65535, rate 1..2000000, seconds 0..600\n");
    return 2;
  }
  FILE *file = fopen(argv[1], "rb");
  if (!file) { perror(argv[1]); return 1; }
  static uint8_t *datagrams[MAX_DATAGRAMS];
  static uint16_t lengths[MAX_DATAGRAMS];
  int count = 0;
  uint8_t prefix[2];
  while (count < MAX_DATAGRAMS && fread(prefix, 1, 2, file) == 2) {
    uint16_t length = (uint16_t)(prefix[0] << 8 | prefix[1]);
    if (length < 16) { fprintf(stderr, "flow-blast: datagram %d shorter than a header\n", count); return 1; }
    datagrams[count] = malloc(length);
    if (!datagrams[count] || fread(datagrams[count], 1, length, file) != length) {
      fprintf(stderr, "flow-blast: truncated stream at datagram %d\n", count);
      return 1;
    }
    lengths[count++] = length;
  }
  fclose(file);
  if (count == 0) { fprintf(stderr, "flow-blast: empty stream\n"); return 1; }

  int sock = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in target = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (sock < 0 || connect(sock, (struct sockaddr *)&target, sizeof target) != 0) { perror("socket"); return 1; }

  long total = (long)(rate * seconds);
  long sent = 0;
  uint32_t sequence = 0;
  double start = now(), deadline = start + seconds + 5;
  struct mmsghdr messages[BATCH];
  struct iovec vectors[BATCH];
  while (sent < total && now() < deadline) {
    // Datagrams due by now, at most one batch.
    long due = (long)((now() - start) * rate) + 1;
    if (due > total) due = total;
    long n = due - sent;
    if (n <= 0) {
      struct timespec pause = {0, 200000};
      nanosleep(&pause, NULL);
      continue;
    }
    if (n > BATCH) n = BATCH;
    uint32_t export_time = htonl((uint32_t)time(NULL));
    for (long i = 0; i < n; i++) {
      int index = (int)((sent + i) % count);
      uint8_t *d = datagrams[index];
      uint32_t seq = htonl(sequence);
      memcpy(d + 4, &export_time, 4);
      memcpy(d + 8, &seq, 4);
      sequence += records;
      vectors[i] = (struct iovec){.iov_base = d, .iov_len = lengths[index]};
      memset(&messages[i], 0, sizeof messages[i]);
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    // Two entries of one datagram in a batch would share its buffer: the stream has 1,000
    // datagrams and a batch at most 64, so they cannot.
    int done = sendmmsg(sock, messages, (unsigned)n, 0);
    if (done < 0) { perror("sendmmsg"); return 1; }
    sent += done;
    sequence -= (uint32_t)(n - done) * records;
  }
  double elapsed = now() - start;
  printf("sent %ld datagrams %ld records in %.2f s (%.0f datagrams/s)\n", sent, sent * records, elapsed, sent / elapsed);
  return 0;
}
