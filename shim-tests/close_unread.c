/* close() of a one-to-one SCTP socket as Linux does it (sctp_close): with data the program
 * never read, the association is aborted (the peer's read fails with ECONNRESET); with all
 * data read, it is shut down gracefully (the peer reads end of file); unread notifications
 * do not count. One process, loopback; one "ok"/"FAIL" line per check. */
#include "sctp_common.h"
#include <netinet/sctp.h>
#include <poll.h>
#include <sys/time.h>
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
	usleep(100 * 1000); /* the message is in s's queue */
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
	struct sctp_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.se_type = SCTP_SENDER_DRY_EVENT;
	ev.se_on = 1;
	if (setsockopt(s, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev)) < 0)
		die("SCTP_EVENT");
	struct pollfd p = {s, POLLIN, 0};
	CHECK("the notification waits unread", poll(&p, 1, 1000) == 1 && (p.revents & POLLIN));
	close(s);
	errno = 0;
	m = read(c, buf, sizeof(buf));
	CHECK("closed with only a notification unread: graceful (end of file)", m == 0);
	close(c);
	close(listener);
	return failures;
}
