/* The inline fast path under contention (src/stack/inline.rs): one process, one association
 * over loopback. THREADS threads send MSGS numbered messages each on the client socket at once
 * (each finds the engine free, held by another thread, or held by the engine thread), while an
 * interval timer's SIGALRM handler sends its own messages on the same socket, numbered per thread
 * it interrupts (a hook re-entered from a signal handler must never wait for the engine). The main thread reads everything on
 * the accepted socket and checks that every message arrived whole, once, and in each sender's
 * order.
 *
 *   inline_threads PORT
 *
 * Prints "threads ok: N messages, M from the signal handler" and exits 0, or says what broke.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define THREADS 4
#define MSGS 2000
#define SIZE 200 /* bytes per message: sender, sequence number, then a pattern */

#define SLOTS (THREADS + 1) /* the sender threads, then the main thread */

static int client;
/* Which thread this is; -1: one of the shim's own threads, where the handler does nothing. */
static __thread int slot = -1;
/* Messages the handler got sent while interrupting each thread (sender id THREADS + 1 + slot). */
static volatile sig_atomic_t sent_by[SLOTS];
static volatile sig_atomic_t stop_handler;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void fill(unsigned char *m, unsigned sender, unsigned seq) {
    memcpy(m, &sender, 4);
    memcpy(m + 4, &seq, 4);
    for (int i = 8; i < SIZE; i++)
        m[i] = (unsigned char)(sender * 31 + seq + i);
}

static void on_alarm(int sig) {
    (void)sig;
    int saved = errno;
    if (!stop_handler && slot >= 0) {
        unsigned char m[SIZE];
        unsigned seq = (unsigned)sent_by[slot];
        fill(m, THREADS + 1 + (unsigned)slot, seq);
        /* Never block in a handler: a full socket just skips this tick. */
        if (send(client, m, SIZE, MSG_DONTWAIT) == SIZE)
            sent_by[slot] = (sig_atomic_t)(seq + 1);
    }
    errno = saved;
}

static void *sender(void *arg) {
    unsigned id = (unsigned)(size_t)arg;
    slot = (int)id;
    unsigned char m[SIZE];
    for (unsigned seq = 0; seq < MSGS; seq++) {
        fill(m, id, seq);
        ssize_t r;
        do
            r = send(client, m, SIZE, 0);
        while (r < 0 && errno == EINTR);
        if (r != SIZE)
            die("send");
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: inline_threads PORT\n");
        return 2;
    }
    slot = THREADS;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int l = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0)
        die("listener");
    client = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
    if (client < 0 || connect(client, (struct sockaddr *)&a, sizeof a) < 0)
        die("connect");
    int s = accept(l, NULL, NULL);
    if (s < 0)
        die("accept");

    struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) < 0)
        die("sigaction");
    struct itimerval every = {.it_interval = {0, 500}, .it_value = {0, 500}};
    if (setitimer(ITIMER_REAL, &every, NULL) < 0)
        die("setitimer");

    pthread_t t[THREADS];
    for (size_t i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, sender, (void *)i) != 0)
            die("pthread_create");

    unsigned next[THREADS + 1 + SLOTS] = {0};
    unsigned long total = 0;
    unsigned char m[SIZE + 1];
    int threads_done = 0;
    for (;;) {
        if (!threads_done) {
            /* Once every thread has sent all, stop the handler and learn its count. */
            unsigned long all = 0;
            for (int i = 0; i < THREADS; i++)
                all += next[i];
            if (all == (unsigned long)THREADS * MSGS) {
                struct itimerval off = {0};
                setitimer(ITIMER_REAL, &off, NULL);
                stop_handler = 1;
                threads_done = 1;
                for (int i = 0; i < THREADS; i++)
                    pthread_join(t[i], NULL);
            }
        }
        int handler_done = threads_done;
        for (int i = 0; i < SLOTS; i++)
            handler_done = handler_done && next[THREADS + 1 + i] == (unsigned)sent_by[i];
        if (handler_done)
            break;
        ssize_t r = recv(s, m, sizeof m, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r != SIZE) {
            fprintf(stderr, "message %lu: %zd bytes, expected %d\n", total, r, SIZE);
            return 1;
        }
        unsigned sender_id, seq;
        memcpy(&sender_id, m, 4);
        memcpy(&seq, m + 4, 4);
        if (sender_id == THREADS || sender_id > THREADS + SLOTS || seq != next[sender_id]) {
            fprintf(stderr, "message %lu: sender %u seq %u, expected seq %u\n", total, sender_id,
                    seq, sender_id <= THREADS + SLOTS ? next[sender_id] : 0);
            return 1;
        }
        unsigned char want[SIZE];
        fill(want, sender_id, seq);
        if (memcmp(m, want, SIZE) != 0) {
            fprintf(stderr, "message %lu: corrupt payload\n", total);
            return 1;
        }
        next[sender_id]++;
        total++;
    }
    unsigned long handled = 0;
    for (int i = 0; i < SLOTS; i++)
        handled += next[THREADS + 1 + i];
    printf("threads ok: %lu messages, %lu from the signal handler\n", total, handled);
    close(client);
    close(s);
    close(l);
    return 0;
}
