/* Many idle associations on one one-to-many socket, for scripts/bench.
 *
 *   bench-scale server PORT COUNT IDLE_SECONDS
 *   bench-scale client ADDR PORT COUNT
 *
 * The server binds a SOCK_SEQPACKET (one-to-many) SCTP socket and reads one message from each
 * of COUNT associations. It prints its resident memory before the first and after the last
 * association, then the CPU time (user + system, every thread) it used over IDLE_SECONDS with
 * all of them idle:
 *   "assocs COUNT rss_before_kib B rss_after_kib A bytes_per_assoc X idle_cpu_percent C"
 * The client opens COUNT one-to-one sockets (run several clients when the descriptor limit is
 * below 2 x COUNT), connects each and sends one byte, then keeps them
 * open until its stdin ends (or it is killed). Needs libsctpshim.so preloaded (or kernel SCTP).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* Soft limit up to the hard one (each shim socket holds two descriptors in the process). */
static void raise_fd_limit(long want) {
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) < 0)
        die("getrlimit");
    r.rlim_cur = (rlim_t)want < r.rlim_max ? (rlim_t)want : r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &r) < 0)
        die("setrlimit(RLIMIT_NOFILE)");
}

/* Resident set size in KiB, from /proc/self/statm. */
static long rss_kib(void) {
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2)
        die("/proc/self/statm");
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* utime + stime of the whole process, in clock ticks (/proc/self/stat fields 14 and 15). */
static long cpu_ticks(void) {
    char buf[4096];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f)
        die("/proc/self/stat");
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p)
        die("parse /proc/self/stat");
    unsigned long utime = 0, stime = 0;
    /* After ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
     * utime(14) stime(15). */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        die("parse /proc/self/stat");
    return (long)(utime + stime);
}

static int server(int port, int count, int idle) {
    int l = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
    if (l < 0)
        die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (listen(l, 128) < 0)
        die("listen");
    long before = rss_kib();
    printf("ready\n");
    fflush(stdout);
    char buf[256];
    for (int got = 0; got < count;) {
        ssize_t r = recv(l, buf, sizeof buf, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die("recv");
        got++;
    }
    long after = rss_kib();
    long t0 = cpu_ticks();
    sleep((unsigned)idle);
    long used = cpu_ticks() - t0;
    printf("assocs %d rss_before_kib %ld rss_after_kib %ld bytes_per_assoc %.0f "
           "idle_cpu_percent %.2f\n",
           count, before, after, (after - before) * 1024.0 / count,
           100.0 * used / sysconf(_SC_CLK_TCK) / idle);
    return 0;
}

static int client(const char *addr, int port, int count) {
    raise_fd_limit(4L * count + 1024);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
        die("address");
    for (int i = 0; i < count; i++) {
        int s = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
        if (s < 0)
            die("socket");
        if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
            die("connect");
        if (send(s, "x", 1, 0) != 1)
            die("send");
    }
    printf("connected %d\n", count);
    fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0)
        ;
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "server") == 0)
        return server(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (argc == 5 && strcmp(argv[1], "client") == 0)
        return client(argv[2], atoi(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: %s server PORT COUNT IDLE_SECONDS | client ADDR PORT COUNT\n",
            argv[0]);
    return 2;
}
