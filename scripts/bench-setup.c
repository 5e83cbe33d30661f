/* Association (connection) setup rate, for scripts/bench.
 *
 *   bench-setup server tcp|sctp PORT
 *   bench-setup client tcp|sctp ADDR PORT COUNT
 *
 * The client runs COUNT times: socket, connect, send 64 bytes, receive the 64-byte answer,
 * close; it prints the rate in setups per second. The server accepts, reads 64 bytes, answers,
 * and closes first (so TIME_WAIT stays on its side and the client never runs out of ports).
 * sctp is a one-to-one socket; it needs a kernel with SCTP or libsctpshim.so preloaded. The
 * server exits after a 1-byte message "q" on a connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG 64

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int make_socket(const char *proto) {
    if (strcmp(proto, "tcp") == 0)
        return socket(AF_INET, SOCK_STREAM, 0);
    if (strcmp(proto, "sctp") == 0)
        return socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
    fprintf(stderr, "unknown protocol %s\n", proto);
    exit(2);
}

/* Reads up to n bytes, until n or EOF; returns the count. */
static size_t read_upto(int s, char *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(s, buf + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die("recv");
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return got;
}

static int server(const char *proto, int port) {
    int l = make_socket(proto), on = 1;
    if (l < 0)
        die("socket");
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (listen(l, 128) < 0)
        die("listen");
    printf("ready\n");
    fflush(stdout);
    char buf[MSG];
    for (;;) {
        int s = accept(l, NULL, NULL);
        if (s < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            die("accept");
        }
        size_t n = read_upto(s, buf, MSG);
        if (n == 1 && buf[0] == 'q')
            return 0;
        if (n == MSG && send(s, buf, MSG, 0) != MSG)
            die("send");
        close(s);
    }
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int client(const char *proto, const char *addr, int port, int count) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
        die("address");
    char buf[MSG];
    memset(buf, 'x', sizeof buf);
    double t0 = now_s();
    for (int i = 0; i <= count; i++) {
        int s = make_socket(proto);
        if (s < 0)
            die("socket");
        if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
            die("connect");
        if (i == count) {
            /* Tell the server to stop; not counted. */
            if (send(s, "q", 1, 0) != 1)
                die("send");
            close(s);
            break;
        }
        if (send(s, buf, MSG, 0) != MSG)
            die("send");
        if (read_upto(s, buf, MSG) != MSG) {
            fprintf(stderr, "short answer on setup %d\n", i);
            return 1;
        }
        close(s);
    }
    printf("%.0f\n", count / (now_s() - t0));
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "server") == 0)
        return server(argv[2], atoi(argv[3]));
    if (argc == 6 && strcmp(argv[1], "client") == 0)
        return client(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
    fprintf(stderr, "usage: %s server PROTO PORT | client PROTO ADDR PORT COUNT\n", argv[0]);
    return 2;
}
