/* Round-trip latency of small messages, for scripts/bench.
 *
 *   bench-pingpong server tcp|udp|sctp PORT SIZE
 *   bench-pingpong client tcp|udp|sctp ADDR PORT SIZE COUNT
 *
 * The client sends SIZE-byte messages one at a time and waits for each echo; it prints
 * "median_us p99_us" of COUNT round trips (after 1000 warm-up ones). tcp and sctp are one-to-one
 * stream sockets (TCP_NODELAY / SCTP_NODELAY on); udp is a datagram socket. sctp needs a kernel
 * with SCTP or libsctpshim.so preloaded. The server serves one client and exits.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SCTP_NODELAY_OPT 3 /* SCTP_NODELAY in <linux/sctp.h> */
#define WARMUP 1000

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int make_socket(const char *proto) {
    int s;
    if (strcmp(proto, "udp") == 0)
        return socket(AF_INET, SOCK_DGRAM, 0);
    if (strcmp(proto, "tcp") == 0) {
        s = socket(AF_INET, SOCK_STREAM, 0);
        int on = 1;
        if (s >= 0 && setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) < 0)
            die("TCP_NODELAY");
        return s;
    }
    if (strcmp(proto, "sctp") == 0) {
        s = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
        int on = 1;
        /* Not fatal: a stack without the option does not delay small messages either. */
        if (s >= 0 && setsockopt(s, IPPROTO_SCTP, SCTP_NODELAY_OPT, &on, sizeof on) < 0)
            perror("warning: SCTP_NODELAY");
        return s;
    }
    fprintf(stderr, "unknown protocol %s\n", proto);
    exit(2);
}

/* Reads exactly n bytes of a stream (or one datagram of n bytes). */
static void read_full(int s, char *buf, size_t n, int dgram) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(s, buf + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            die("recv");
        got += (size_t)r;
        if (dgram)
            return;
    }
}

static void write_full(int s, const char *buf, size_t n) {
    size_t put = 0;
    while (put < n) {
        ssize_t r = send(s, buf + put, n - put, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            die("send");
        put += (size_t)r;
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int server(const char *proto, int port, size_t size) {
    int dgram = strcmp(proto, "udp") == 0;
    int l = make_socket(proto), on = 1;
    if (l < 0)
        die("socket");
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    char *buf = malloc(size);
    if (!buf)
        die("malloc");
    if (dgram) {
        printf("ready\n");
        fflush(stdout);
        for (;;) {
            struct sockaddr_in from;
            socklen_t fl = sizeof from;
            ssize_t r = recvfrom(l, buf, size, 0, (struct sockaddr *)&from, &fl);
            if (r < 0)
                die("recvfrom");
            if (r == 1 && buf[0] == 'q')
                return 0;
            if (sendto(l, buf, (size_t)r, 0, (struct sockaddr *)&from, fl) < 0)
                die("sendto");
        }
    }
    if (listen(l, 1) < 0)
        die("listen");
    printf("ready\n");
    fflush(stdout);
    int s = accept(l, NULL, NULL);
    if (s < 0)
        die("accept");
    if (strcmp(proto, "tcp") == 0)
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    else
        setsockopt(s, IPPROTO_SCTP, SCTP_NODELAY_OPT, &on, sizeof on);
    for (;;) {
        size_t got = 0;
        while (got < size) {
            ssize_t r = recv(s, buf + got, size - got, 0);
            if (r == 0)
                return 0;
            if (r < 0)
                die("recv");
            got += (size_t)r;
        }
        write_full(s, buf, size);
    }
}

static int client(const char *proto, const char *addr, int port, size_t size, int count) {
    int dgram = strcmp(proto, "udp") == 0;
    int s = make_socket(proto);
    if (s < 0)
        die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
        die("address");
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
        die("connect");
    char *buf = calloc(1, size);
    uint64_t *rtt = calloc((size_t)count, sizeof *rtt);
    if (!buf || !rtt)
        die("calloc");
    for (int i = 0; i < WARMUP + count; i++) {
        buf[0] = (char)(i & 0x7f) | 1; /* never the 1-byte 'q' */
        uint64_t t0 = now_ns();
        write_full(s, buf, size);
        read_full(s, buf, size, dgram);
        if (i >= WARMUP)
            rtt[i - WARMUP] = now_ns() - t0;
    }
    if (dgram)
        send(s, "q", 1, 0);
    close(s);
    qsort(rtt, (size_t)count, sizeof *rtt, cmp_u64);
    printf("%.1f %.1f\n", rtt[count / 2] / 1e3, rtt[(size_t)count * 99 / 100] / 1e3);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "server") == 0)
        return server(argv[2], atoi(argv[3]), (size_t)atoi(argv[4]));
    if (argc == 7 && strcmp(argv[1], "client") == 0)
        return client(argv[2], argv[3], atoi(argv[4]), (size_t)atoi(argv[5]), atoi(argv[6]));
    fprintf(stderr, "usage: %s server PROTO PORT SIZE | client PROTO ADDR PORT SIZE COUNT\n",
            argv[0]);
    return 2;
}
