/* A server restarted on its port while the previous one's association is still shutting
 * down (in our keeper process): with SO_REUSEADDR the bind succeeds once the old association
 * ends, as on Linux, where the closed socket does not conflict; without it the bind is
 * EADDRINUSE at once, and so is a bind on a port that a live listener holds. The old
 * association is kept from ending by stopping its peer (SIGSTOP) until the new bind waits.
 * One "ok"/"FAIL" line per check. */
#include "sctp_common.h"
#include <netinet/sctp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "checks.h"

#define PORT 5480

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int sctp_socket(int reuse) {
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse)) < 0)
		die("socket");
	return fd;
}

static int bind_port(int fd, int port) {
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	return bind(fd, (struct sockaddr *)&a, sizeof(a));
}

/* The first server: accepts one association, reads its message, says so on `up`, then
 * exits when `go` has a byte (closing the association gracefully). */
static void first_server(int up, int go) {
	int lfd = sctp_socket(1);
	if (bind_port(lfd, PORT) < 0 || listen(lfd, 4) < 0)
		die("first server");
	int fd = accept(lfd, NULL, NULL);
	char buf[8], b;
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 2 || write(up, "u", 1) != 1 ||
	    read(go, &b, 1) != 1)
		die("first server run");
	exit(0);
}

static void client(int port) {
	int fd = sctp_socket(0);
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	char b;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || write(fd, "hi", 2) != 2)
		die("client");
	/* Until the server ends the association. */
	while (read(fd, &b, 1) > 0)
		;
	exit(0);
}

static pid_t spawn_client(void) {
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		client(PORT);
	return pid;
}

static pid_t stopped;

static void *resume_later(void *arg) {
	(void)arg;
	usleep(400 * 1000);
	kill(stopped, SIGCONT);
	return NULL;
}

int main(void) {
	int up[2], go[2];
	if (pipe(up) < 0 || pipe(go) < 0)
		die("pipe");
	pid_t server = fork();
	if (server == 0)
		first_server(up[1], go[0]);
	usleep(200 * 1000);
	pid_t c = spawn_client();
	char b;
	if (read(up[0], &b, 1) != 1)
		die("first server up");
	/* The client cannot answer the SHUTDOWN now: the first server's keeper holds the port. */
	kill(c, SIGSTOP);
	if (write(go[1], "g", 1) != 1)
		die("go");
	int status;
	waitpid(server, &status, 0);
	CHECK("the first server exited", WIFEXITED(status) && WEXITSTATUS(status) == 0);

	int plain = sctp_socket(0);
	double t0 = now();
	REFUSED("without SO_REUSEADDR: EADDRINUSE while the old association ends", EADDRINUSE,
		bind_port(plain, PORT));
	CHECK("without SO_REUSEADDR: at once", now() - t0 < 0.2);
	close(plain);

	stopped = c;
	pthread_t th;
	pthread_create(&th, NULL, resume_later, NULL);
	int lfd = sctp_socket(1);
	t0 = now();
	int r = bind_port(lfd, PORT);
	double waited = now() - t0;
	pthread_join(th, NULL);
	CHECK("with SO_REUSEADDR: bound once the old association ended", r == 0);
	char line[128];
	snprintf(line, sizeof(line), "with SO_REUSEADDR: waited for it (%.2f s)", waited);
	CHECK(line, waited > 0.3 && waited < 3);
	waitpid(c, &status, 0);
	CHECK("the first client saw the old association end", WIFEXITED(status));

	if (listen(lfd, 4) < 0)
		die("listen");
	c = spawn_client();
	int fd = accept(lfd, NULL, NULL);
	char buf[8];
	CHECK("the new server serves a new client", fd >= 0 && read(fd, buf, sizeof(buf)) == 2);

	int other = sctp_socket(1);
	t0 = now();
	REFUSED("a port a live listener holds: EADDRINUSE with SO_REUSEADDR", EADDRINUSE,
		bind_port(other, PORT));
	CHECK("a port a live listener holds: at once", now() - t0 < 0.2);
	close(fd);
	waitpid(c, &status, 0);
	CHECK("the second client saw its association end", WIFEXITED(status));
	return failures;
}
