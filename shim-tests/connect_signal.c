/* A blocking connect() keeps Linux's rules (sctp_wait_for_connect) for signals and
 * SO_SNDTIMEO, and leaves the setup going on as a non-blocking connect's does:
 *  - a handler without SA_RESTART ends it with EINTR; POLLOUT stays low while the setup
 *    runs, and connect() again says EALREADY;
 *  - a handler with SA_RESTART and no timeout: the restarted connect() finds the setup under
 *    way (EALREADY);
 *  - SO_SNDTIMEO expiring: EINPROGRESS; a handler with SA_RESTART while SO_SNDTIMEO is set:
 *    EINTR;
 *  - after EINTR the setup completes when the peer answers: POLLOUT rises, SO_ERROR is 0 and
 *    a message goes both ways.
 * The first four connect to a UDP port that takes the INIT and never answers; the last to a
 * server (a child process) stopped with SIGSTOP while the connect waits, then continued.
 * SIGALRM comes every 100 ms from another thread while a connect waits (one that lands just
 * before the call is followed by the next).
 *
 *   connect_signal PORT
 */
#define _GNU_SOURCE
#include "checks.h"
#include "sctp_common.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static volatile int connecting;
static pthread_t main_thread;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* SIGALRM to the main thread every 100 ms while it connects (one that comes just before the
 * connect starts is followed by another). */
static void *nudge(void *arg)
{
	(void)arg;
	while (connecting) {
		usleep(100 * 1000);
		if (connecting)
			pthread_kill(main_thread, SIGALRM);
	}
	return NULL;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void set_sndtimeo(int fd, long ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		die("SO_SNDTIMEO");
}

static int sctp_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		die("socket");
	return fd;
}

/* connect(); its errno (0 on success) and, in *took, the seconds it took. */
static int connect_errno(int fd, struct sockaddr_in *to, double *took)
{
	double t0 = now();
	int r = connect(fd, (struct sockaddr *)to, sizeof(*to));
	int e = r < 0 ? errno : 0;
	*took = now() - t0;
	errno = e; /* what a failed check reports */
	return e;
}

/* connect_errno() while SIGALRM (caught with `flags`) comes every 100 ms; alarms counts them. */
static int connect_nudged(int fd, struct sockaddr_in *to, int flags, double *took)
{
	pthread_t t;
	catch_signal(SIGALRM, on_alarm, flags);
	alarms = 0;
	connecting = 1;
	if (pthread_create(&t, NULL, nudge, NULL) != 0)
		die("pthread_create");
	int e = connect_errno(fd, to, took);
	connecting = 0;
	pthread_join(t, NULL);
	errno = e;
	return e;
}

static void unanswered(int port)
{
	/* A UDP socket on the port the INIT goes to (mirror mode), never read. */
	struct sockaddr_in hole = addr_of("127.0.0.1", port);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u < 0 || bind(u, (struct sockaddr *)&hole, sizeof(hole)) < 0)
		die("black hole");
	double took;

	int c = sctp_socket();
	int e = connect_nudged(c, &hole, 0, &took);
	CHECK("a handler without SA_RESTART: EINTR", e == EINTR && alarms >= 1 && took < 2);
	struct pollfd p = {.fd = c, .events = POLLOUT};
	CHECK("then no POLLOUT while the setup runs", poll(&p, 1, 100) == 0);
	CHECK("then connect() again: EALREADY", connect_errno(c, &hole, &took) == EALREADY);
	close(c);

	c = sctp_socket();
	e = connect_nudged(c, &hole, SA_RESTART, &took);
	CHECK("SA_RESTART, no timeout: the restarted connect says EALREADY",
	      e == EALREADY && alarms >= 1 && took < 2);
	close(c);

	c = sctp_socket();
	set_sndtimeo(c, 300);
	e = connect_errno(c, &hole, &took);
	CHECK("SO_SNDTIMEO expiring: EINPROGRESS", e == EINPROGRESS && took >= 0.25 && took < 2);
	close(c);

	c = sctp_socket();
	set_sndtimeo(c, 5000);
	e = connect_nudged(c, &hole, SA_RESTART, &took);
	CHECK("SA_RESTART with SO_SNDTIMEO set: EINTR", e == EINTR && alarms >= 1 && took < 2);
	close(c);
	close(u);
}

/* An echo server of one message; says "r" on `ready` once it listens. */
static void serve(int port, int ready)
{
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	int l = sctp_socket();
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0)
		die("server listen");
	if (write(ready, "r", 1) != 1)
		die("ready");
	int s = accept(l, NULL, NULL);
	char buf[16];
	ssize_t n = s < 0 ? -1 : recv(s, buf, sizeof(buf), 0);
	if (n <= 0 || send(s, buf, (size_t)n, 0) != n)
		die("server echo");
	close(s);
	close(l);
	_exit(0);
}

static void completes_after_eintr(int port)
{
	int pipefd[2];
	if (pipe(pipefd) < 0)
		die("pipe");
	pid_t server = fork();
	if (server < 0)
		die("fork");
	if (server == 0)
		serve(port, pipefd[1]);
	char r;
	if (read(pipefd[0], &r, 1) != 1)
		die("server not ready");
	kill(server, SIGSTOP);

	int c = sctp_socket();
	struct sctp_rtoinfo rto = {.srto_initial = 300, .srto_min = 100, .srto_max = 1000};
	if (setsockopt(c, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)) < 0)
		die("SCTP_RTOINFO");
	struct sockaddr_in to = addr_of("127.0.0.1", port);
	double took;
	int e = connect_nudged(c, &to, 0, &took);
	kill(server, SIGCONT);
	CHECK("a stopped server: EINTR", e == EINTR);
	struct pollfd p = {.fd = c, .events = POLLOUT};
	int ready = poll(&p, 1, 10000) == 1 && (p.revents & POLLOUT);
	int err = -1;
	socklen_t len = sizeof(err);
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	CHECK("then the setup completes: POLLOUT, SO_ERROR 0", ready && err == 0);
	char buf[16];
	int echoed = send(c, "hi", 2, 0) == 2 && recv(c, buf, sizeof(buf), 0) == 2 &&
		     memcmp(buf, "hi", 2) == 0;
	CHECK("and a message goes both ways", echoed);
	close(c);
	int status = 0;
	waitpid(server, &status, 0);
	CHECK("the server ended well", WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	main_thread = pthread_self();
	int port = argc > 1 ? atoi(argv[1]) : 7500;
	unanswered(port);
	completes_after_eintr(port + 1);
	return failures;
}
