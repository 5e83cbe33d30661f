/* close() of a one-to-one SCTP socket as Linux does it (sctp_close): with data the program
 * never read, the association is aborted (the peer's read fails with ECONNRESET); with all
 * data read, it is shut down gracefully (the peer reads end of file); unread notifications
 * do not count. A receiver's SHUT_WR completes while more is unread than its socket's queue
 * holds (the rest waits in the association), then it closes: nothing is left for a keeper
 * at exit (the test checks that the namespace empties). The same at exit, which closes every
 * fd: a child process connects, is sent a message and exits with it unread, or after reading
 * it. Loopback; one "ok"/"FAIL" line per check. */
#include "sctp_common.h"
#include <netinet/sctp.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "checks.h"

#define PORT 5530

static int listener;

/* A connected pair: *client and the accepted *server. */
static void pair(int *client, int *server) {
	struct sockaddr_in a = addr_of("127.0.0.1", PORT);
	struct timeval t = {5, 0};
	*client = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (*client < 0 || setsockopt(*client, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t)) < 0 ||
	    connect(*client, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	*server = accept(listener, NULL, NULL);
	if (*server < 0)
		die("accept");
}

/* A child connects, waits for the server's message, reads it or not, and exits (no close):
 * what the server's next read returns. */
static ssize_t exit_with(int read_it) {
	int go[2];
	if (pipe(go) < 0)
		die("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(go[1]);
		struct sockaddr_in a = addr_of("127.0.0.1", PORT);
		int c = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("child connect");
		char b[16];
		if (read(go[0], b, 1) != 1)
			die("child: no go");
		struct pollfd p = {c, POLLIN, 0};
		if (poll(&p, 1, 5000) != 1)
			die("child: the message did not arrive");
		if (read_it && read(c, b, sizeof(b)) != 7)
			die("child read");
		exit(0);
	}
	close(go[0]);
	int s = accept(listener, NULL, NULL);
	struct timeval t = {5, 0};
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t)) < 0)
		die("accept");
	if (write(s, "message", 7) != 7 || write(go[1], "g", 1) != 1)
		die("write");
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("child failed");
	char b[16];
	errno = 0;
	ssize_t n = read(s, b, sizeof(b));
	close(s);
	close(go[1]);
	return n;
}

/* Until the association of one-to-one socket s is closed (SCTP_STATUS fails or says CLOSED),
 * at most 5 s: whether it closed. */
static int wait_closed(int s) {
	for (int i = 0; i < 500; i++) {
		struct sctp_status st;
		socklen_t len = sizeof(st);
		memset(&st, 0, sizeof(st));
		if (getsockopt(s, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0 || st.sstat_state == SCTP_CLOSED)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* 1.5 MiB in 64 KiB messages from c, more than s's socket queue holds: the rest waits in
 * the association. */
static void send_much(int c) {
	static char big[65536];
	memset(big, 'x', sizeof(big));
	for (int i = 0; i < 24; i++)
		if (write(c, big, sizeof(big)) != (ssize_t)sizeof(big))
			die("write 64 KiB");
}

int main(void) {
	struct sockaddr_in a = addr_of("127.0.0.1", PORT);
	listener = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(listener, 4) < 0)
		die("listener");
	char buf[16];
	int c, s;

	pair(&c, &s);
	if (write(c, "unread", 6) != 6)
		die("write");
	struct pollfd in = {s, POLLIN, 0};
	if (poll(&in, 1, 5000) != 1)
		die("the message did not arrive");
	close(s);
	errno = 0;
	ssize_t n = read(c, buf, sizeof(buf));
	CHECK("closed with data unread: the peer's read fails with ECONNRESET", n < 0 && errno == ECONNRESET);
	close(c);

	pair(&c, &s);
	if (write(c, "read", 4) != 4)
		die("write");
	n = read(s, buf, sizeof(buf));
	close(s);
	errno = 0;
	ssize_t m = read(c, buf, sizeof(buf));
	CHECK("closed with everything read: the peer reads end of file", n == 4 && m == 0);
	close(c);

	pair(&c, &s);
	/* SCTP_SENDER_DRY_EVENT on an idle association is queued at once: left unread. */
	subscribe(s, SCTP_SENDER_DRY_EVENT);
	struct pollfd p = {s, POLLIN, 0};
	CHECK("the notification waits unread", poll(&p, 1, 1000) == 1 && (p.revents & POLLIN));
	close(s);
	errno = 0;
	m = read(c, buf, sizeof(buf));
	CHECK("closed with only a notification unread: graceful (end of file)", m == 0);
	close(c);

	/* Before the forks below: after a fork the close hook leaves the last close to HUP. */
	/* Five rounds: which of the close's and the engine thread's turns comes first varies. */
	int eofs = 0, closed = 0;
	for (int round = 0; round < 5; round++) {
		pair(&c, &s);
		send_much(c);
		if (shutdown(s, SHUT_WR) < 0)
			die("shutdown");
		eofs += read(c, buf, sizeof(buf)) == 0;
		closed += wait_closed(s);
		close(s);
		close(c);
	}
	CHECK("SHUT_WR by a receiver with 1.5 MiB unread: the sender reads end of file", eofs == 5);
	CHECK("the receiver's association closes", closed == 5);

	errno = 0;
	n = exit_with(0);
	CHECK("exit with data unread: the peer's read fails with ECONNRESET", n < 0 && errno == ECONNRESET);
	n = exit_with(1);
	CHECK("exit with everything read: the peer reads end of file", n == 0);

	close(listener);
	return failures;
}
