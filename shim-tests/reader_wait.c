/* A blocking read that serves the engine's I/O while it waits (src/stack/reader.rs) keeps the
 * rules of the kernel call it stands for, and gives the I/O back when it is done:
 *  - SO_RCVTIMEO ends the wait with EAGAIN;
 *  - a signal handler without SA_RESTART ends it with EINTR; with SA_RESTART the read goes on
 *    and returns the message that comes later; with SA_RESTART and SO_RCVTIMEO set, EINTR
 *    (signal(7));
 *  - four threads in ping-pong on two associations (all wanting the reader role) get every
 *    message, in order;
 *  - a waiting read that serves the packets of other threads' ping-pong is ended by every
 *    signal (EINTR), also one that comes while it processes them;
 *  - a blocking accept waits the same way: SO_RCVTIMEO gives EAGAIN, a handler without
 *    SA_RESTART EINTR; two threads accepting on one listener get one association each;
 *  - after a read returns, a process that makes no more calls still acknowledges what
 *    arrives (the grace period ends and the engine thread takes the I/O back), also after a
 *    handler longjmps out of a waiting read (the engine thread's watch takes it back).
 * The last two run the receiver in a child process and look at the sender's SCTP_STATUS,
 * so no call of the receiver's can process the packets for it.
 *
 *   reader_wait PORT
 */
#define _GNU_SOURCE
#include "checks.h"
#include "sctp_common.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 2000

static int port;
static volatile sig_atomic_t handled;
static pthread_t main_thread;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void catch_usr1(int flags)
{
	catch_signal(SIGUSR1, on_usr1, flags);
}

static void set_timeout(int fd, long ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		die("SO_RCVTIMEO");
}

/* After `ms`, signal the main thread; then, unless `fd` < 0, send "later" on `fd`. */
struct nudge {
	long ms;
	int fd;
};

static void *nudge(void *arg)
{
	struct nudge *n = arg;
	usleep((useconds_t)n->ms * 1000);
	pthread_kill(main_thread, SIGUSR1);
	if (n->fd >= 0) {
		usleep(100 * 1000);
		if (send(n->fd, "later", 5, 0) != 5)
			die("send later");
	}
	return NULL;
}

static ssize_t recv_nudged(int fd, char *buf, size_t len, struct nudge *n)
{
	pthread_t t;
	if (pthread_create(&t, NULL, nudge, n) != 0)
		die("pthread_create");
	ssize_t r = recv(fd, buf, len, 0);
	int e = errno;
	pthread_join(t, NULL);
	errno = e;
	return r;
}

static void timeouts_and_signals(int c, int s)
{
	char buf[64];
	set_timeout(c, 200);
	double t0 = now();
	ssize_t r = recv(c, buf, sizeof(buf), 0);
	double took = now() - t0;
	CHECK("SO_RCVTIMEO ends a waiting read with EAGAIN", r < 0 && errno == EAGAIN);
	CHECK("after the timeout, not before", took >= 0.18 && took < 1.5);
	set_timeout(c, 0);

	catch_usr1(0);
	struct nudge n = {.ms = 100, .fd = -1};
	r = recv_nudged(c, buf, sizeof(buf), &n);
	CHECK("a handler without SA_RESTART ends the read with EINTR",
	      r < 0 && errno == EINTR && handled == 1);

	catch_usr1(SA_RESTART);
	n.fd = s;
	r = recv_nudged(c, buf, sizeof(buf), &n);
	CHECK("with SA_RESTART the read goes on and returns the later message",
	      r == 5 && memcmp(buf, "later", 5) == 0 && handled == 2);

	set_timeout(c, 5000);
	n.fd = -1;
	r = recv_nudged(c, buf, sizeof(buf), &n);
	CHECK("with SA_RESTART and SO_RCVTIMEO, EINTR", r < 0 && errno == EINTR && handled == 3);
	set_timeout(c, 0);
}

/* One side of a ping-pong: `first` sends first; every message carries its round. */
struct side {
	int fd;
	int first;
	int bad;
};

static void *pingpong(void *arg)
{
	struct side *p = arg;
	for (unsigned i = 0; i < ROUNDS; i++) {
		unsigned m;
		if (p->first && send(p->fd, &i, sizeof(i), 0) != sizeof(i))
			die("send");
		if (recv(p->fd, &m, sizeof(m), 0) != sizeof(m) || m != i)
			p->bad++;
		if (!p->first && send(p->fd, &i, sizeof(i), 0) != sizeof(i))
			die("send");
	}
	return NULL;
}

static void four_threads(int c1, int s1)
{
	int l2, c2;
	listen_and_connect("127.0.0.1", port + 1, &l2, &c2);
	int s2 = accept(l2, NULL, NULL);
	if (s2 < 0)
		die("accept");
	struct side sides[4] = {{c1, 1, 0}, {s1, 0, 0}, {c2, 1, 0}, {s2, 0, 0}};
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, pingpong, &sides[i]) != 0)
			die("pthread_create");
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK("four threads in ping-pong on two associations: every message, in order",
	      sides[0].bad + sides[1].bad + sides[2].bad + sides[3].bad == 0);
}

/* Ping-pong on its association until the first side sends STOP, which the other echoes. */
#define STOP 0xffffffffu
static volatile int stop_traffic;

static void *traffic(void *arg)
{
	struct side *p = arg;
	for (unsigned i = 0;; i++) {
		unsigned m = p->first && stop_traffic ? STOP : i;
		if (p->first && send(p->fd, &m, sizeof(m), 0) != sizeof(m))
			die("traffic send");
		if (recv(p->fd, &m, sizeof(m), 0) != sizeof(m))
			die("traffic recv");
		if (!p->first && send(p->fd, &m, sizeof(m), 0) != sizeof(m))
			die("traffic send");
		if (m == STOP)
			return NULL;
	}
}

static volatile int interrupted, reads_done;

/* SIGUSR1 to the main thread `SIGNALS` times, at irregular moments, each once the read it
 * interrupted has returned (or after 3 s), until the main thread is done reading. */
#define SIGNALS 40
static void *signaller(void *arg)
{
	(void)arg;
	for (int k = 0; k < SIGNALS && !reads_done; k++) {
		usleep((useconds_t)(3000 + (k * 7919) % 17000));
		int seen = interrupted;
		pthread_kill(main_thread, SIGUSR1);
		for (int w = 0; w < 3000 && interrupted == seen && !reads_done; w++)
			usleep(1000);
	}
	return NULL;
}

/* The main thread waits to read on an idle association while it serves the packets of a
 * ping-pong between two other threads (their reads wait in the kernel): a signal that comes
 * while it processes them, between two of its polls, must still end its read. */
static void signals_while_serving(int idle)
{
	int l2, c2;
	listen_and_connect("127.0.0.1", port + 5, &l2, &c2);
	int s2 = accept(l2, NULL, NULL);
	if (s2 < 0)
		die("accept");
	catch_usr1(0);
	set_timeout(idle, 2000);
	struct side sides[2] = {{c2, 1, 0}, {s2, 0, 0}};
	pthread_t t[3];
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, traffic, &sides[i]) != 0)
			die("pthread_create");
	usleep(50 * 1000);
	if (pthread_create(&t[2], NULL, signaller, NULL) != 0)
		die("pthread_create");
	int missed = 0;
	char buf[16];
	while (interrupted < SIGNALS && !missed) {
		if (recv(idle, buf, sizeof(buf), 0) < 0 && errno == EINTR)
			interrupted++;
		else
			missed = 1;
	}
	reads_done = 1;
	pthread_join(t[2], NULL);
	stop_traffic = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	set_timeout(idle, 0);
	CHECK("a reader serving others' packets: every signal ends its read with EINTR",
	      !missed && interrupted == SIGNALS);
	close(c2);
	close(s2);
	close(l2);
}

static void *accept_one(void *arg)
{
	int l = *(int *)arg;
	int s = accept(l, NULL, NULL);
	return (void *)(long)s;
}

static void accepts(void)
{
	struct sockaddr_in a = addr_of("127.0.0.1", port + 4);
	int l = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4) < 0)
		die("listen");
	set_timeout(l, 200);
	double t0 = now();
	int r = accept(l, NULL, NULL);
	double took = now() - t0;
	CHECK("SO_RCVTIMEO ends a waiting accept with EAGAIN",
	      r < 0 && errno == EAGAIN && took >= 0.18 && took < 1.5);
	set_timeout(l, 0);

	catch_usr1(0);
	int before = handled;
	pthread_t t;
	struct nudge n = {.ms = 100, .fd = -1};
	if (pthread_create(&t, NULL, nudge, &n) != 0)
		die("pthread_create");
	r = accept(l, NULL, NULL);
	int e = errno;
	pthread_join(t, NULL);
	CHECK("a handler without SA_RESTART ends a waiting accept with EINTR",
	      r < 0 && e == EINTR && handled == before + 1);

	pthread_t acceptors[2];
	for (int i = 0; i < 2; i++)
		if (pthread_create(&acceptors[i], NULL, accept_one, &l) != 0)
			die("pthread_create");
	usleep(100 * 1000);
	int c[2];
	for (int i = 0; i < 2; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
		if (c[i] < 0 || connect(c[i], (struct sockaddr *)&a, sizeof(a)) < 0)
			die("connect");
	}
	void *got[2];
	for (int i = 0; i < 2; i++)
		pthread_join(acceptors[i], &got[i]);
	CHECK("two threads accepting on one listener get one association each",
	      (long)got[0] >= 0 && (long)got[1] >= 0 && got[0] != got[1]);
}

static sigjmp_buf out_of_read;

static void on_alarm(int sig)
{
	(void)sig;
	siglongjmp(out_of_read, 1);
}

/* The receiver, in a child (a fork child cannot accept on its parent's listener: the
 * parent's engine serves it): listen on `p`, accept, read one message (or, with `jump`,
 * leave a waiting read by siglongjmp), then make no call for `idle_ms`. */
static void receiver(int p, int jump, long idle_ms)
{
	struct sockaddr_in a = addr_of("127.0.0.1", p);
	int l = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0)
		die("listen");
	int s = accept(l, NULL, NULL);
	if (s < 0)
		die("accept");
	char buf[64];
	if (jump) {
		signal(SIGALRM, on_alarm);
		if (sigsetjmp(out_of_read, 1) == 0) {
			alarm(1);
			recv(s, buf, sizeof(buf), 0);
			_exit(3); /* no message was meant to come */
		}
	} else if (recv(s, buf, sizeof(buf), 0) != 5) {
		_exit(2);
	}
	usleep((useconds_t)idle_ms * 1000);
	_exit(0);
}

/* A socket connected to the child's listener on `p` (which may not listen yet). */
static int connect_soon(int p)
{
	struct sockaddr_in a = addr_of("127.0.0.1", p);
	for (int tries = 0; tries < 100; tries++) {
		int c = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
		if (c < 0)
			die("socket");
		if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0)
			return c;
		close(c);
		usleep(20 * 1000);
	}
	die("connect to the receiver child");
	return -1;
}

/* A receiver child on port `p`; the parent sends 3 messages `send_at_ms` after connecting
 * and reports whether all were acknowledged `check_after_ms` later, while the child makes no
 * call. */
static int acked_while_idle(int p, int jump, long send_at_ms, long check_after_ms)
{
	pid_t child = fork();
	if (child == 0)
		receiver(p, jump, send_at_ms + check_after_ms + 500);
	int c = connect_soon(p);
	if (!jump && send(c, "first", 5, 0) != 5)
		die("send first");
	usleep((useconds_t)send_at_ms * 1000);
	for (int i = 0; i < 3; i++)
		if (send(c, "three", 5, 0) != 5)
			die("send three");
	usleep((useconds_t)check_after_ms * 1000);
	struct sctp_status st;
	socklen_t len = sizeof(st);
	memset(&st, 0, sizeof(st));
	if (getsockopt(c, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0)
		die("SCTP_STATUS");
	int status;
	waitpid(child, &status, 0);
	close(c);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("receiver child ended with status %d\n", status);
	if (st.sstat_unackdata != 0)
		printf("%d messages unacknowledged\n", st.sstat_unackdata);
	return st.sstat_unackdata == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		die("usage: reader_wait PORT");
	port = atoi(argv[1]);
	main_thread = pthread_self();
	setvbuf(stdout, NULL, _IONBF, 0);

	int l, c;
	listen_and_connect("127.0.0.1", port, &l, &c);
	int s = accept(l, NULL, NULL);
	if (s < 0)
		die("accept");
	timeouts_and_signals(c, s);
	four_threads(c, s);
	signals_while_serving(c);
	accepts();

	CHECK("after a read, an idle receiver still acknowledges (grace period ends)",
	      acked_while_idle(port + 2, 0, 100, 600));
	CHECK("after a handler longjmps out of a waiting read, the engine takes the I/O back",
	      acked_while_idle(port + 3, 1, 1300, 3000));
	return failures;
}
