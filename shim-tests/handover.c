/* A message that arrives for a thread blocked in a read is handed straight to it by the turn
 * that thread runs with the engine (src/stack/handover.rs), and reads the same as one that
 * went through the socketpair:
 *  - its data, MSG_EOR, stream, PPID and the sender's address;
 *  - a message larger than the reader's buffer: the first part without MSG_EOR, then the rest
 *    with it;
 *  - a burst of messages to a blocked reader: every one, in order;
 *  - a buffer the kernel cannot write: EFAULT, and the message is kept for the next read;
 *  - a notification (the peer's SHUTDOWN): MSG_NOTIFICATION, then end of file.
 * In every case the reader blocks first, and the sender (another thread) sends 50 ms later.
 *
 *   handover PORT
 */
#define _GNU_SOURCE
#include "checks.h"
#include "sctp_common.h"
#include <pthread.h>
#include <unistd.h>

#define BURST 200

struct read {
	int fd;
	void *buf;
	size_t len;
	ssize_t n;
	int err;
	int flags;
	struct sctp_sndrcvinfo sinfo;
	struct sockaddr_in from;
};

static void *reader(void *arg)
{
	struct read *r = arg;
	socklen_t fromlen = sizeof(r->from);
	r->flags = 0;
	r->n = sctp_recvmsg(r->fd, r->buf, r->len, (struct sockaddr *)&r->from, &fromlen, &r->sinfo,
			    &r->flags);
	r->err = r->n < 0 ? errno : 0;
	return NULL;
}

/* Read `r` on another thread, started before `send_it` runs (50 ms later). */
static void read_while(struct read *r, void (*send_it)(void *), void *arg)
{
	pthread_t t;
	if (pthread_create(&t, NULL, reader, r) != 0)
		die("pthread_create");
	usleep(50 * 1000);
	send_it(arg);
	pthread_join(t, NULL);
}

static int sender;

static void send_text(void *text)
{
	const char *s = text;
	if (sctp_sendmsg(sender, s, strlen(s), NULL, 0, htonl(0x11223344), 0, 3, 0, 0) !=
	    (ssize_t)strlen(s))
		die("send %s", s);
}

static void send_burst(void *unused)
{
	(void)unused;
	for (unsigned i = 0; i < BURST; i++)
		if (send(sender, &i, sizeof(i), 0) != sizeof(i))
			die("burst send %u", i);
}

static void shut_sender(void *unused)
{
	(void)unused;
	if (shutdown(sender, SHUT_WR) < 0)
		die("shutdown");
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7400;
	int l, c;
	listen_and_connect("127.0.0.1", port, &l, &c);
	int a = accept(l, NULL, NULL);
	if (a < 0)
		die("accept");
	sender = c;
	struct sctp_event_subscribe ev;
	memset(&ev, 0, sizeof(ev));
	ev.sctp_data_io_event = 1;
	ev.sctp_shutdown_event = 1;
	if (setsockopt(a, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0)
		die("SCTP_EVENTS");
	struct sockaddr_in mine;
	socklen_t ml = sizeof(mine);
	if (getsockname(c, (struct sockaddr *)&mine, &ml) < 0)
		die("getsockname");

	char buf[64];
	struct read r = {.fd = a, .buf = buf, .len = sizeof(buf)};
	read_while(&r, send_text, "hello");
	CHECK("whole message", r.n == 5 && memcmp(buf, "hello", 5) == 0 && (r.flags & MSG_EOR));
	CHECK("stream and ppid",
	      r.sinfo.sinfo_stream == 3 && r.sinfo.sinfo_ppid == htonl(0x11223344));
	CHECK("sender's address",
	      r.from.sin_family == AF_INET && r.from.sin_port == mine.sin_port &&
		      r.from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));

	r.len = 4;
	read_while(&r, send_text, "0123456789");
	int first = r.n == 4 && memcmp(buf, "0123", 4) == 0 && !(r.flags & MSG_EOR);
	reader(&r);
	CHECK("larger than the buffer: in two parts",
	      first && r.n == 4 && memcmp(buf, "4567", 4) == 0 && !(r.flags & MSG_EOR));
	r.len = sizeof(buf);
	reader(&r);
	CHECK("larger than the buffer: the end with MSG_EOR",
	      r.n == 2 && memcmp(buf, "89", 2) == 0 && (r.flags & MSG_EOR));

	unsigned got[BURST];
	struct read b = {.fd = a, .buf = got, .len = sizeof(got[0])};
	read_while(&b, send_burst, NULL);
	int in_order = b.n == sizeof(unsigned) && got[0] == 0;
	for (unsigned i = 1; i < BURST && in_order; i++) {
		b.buf = &got[i];
		reader(&b);
		in_order = b.n == sizeof(unsigned) && got[i] == i && (b.flags & MSG_EOR);
	}
	CHECK("a burst to a blocked reader: every message in order", in_order);

	struct read bad = {.fd = a, .buf = (void *)16, .len = sizeof(buf)};
	read_while(&bad, send_text, "kept");
	CHECK("an unwritable buffer: EFAULT", bad.n < 0 && bad.err == EFAULT);
	struct timeval tv = {.tv_sec = 2};
	if (setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		die("SO_RCVTIMEO");
	reader(&r);
	CHECK("an unwritable buffer: the message is kept",
	      r.n == 4 && memcmp(buf, "kept", 4) == 0 && (r.flags & MSG_EOR));
	tv.tv_sec = 0;
	if (setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		die("SO_RCVTIMEO");

	read_while(&r, shut_sender, NULL);
	const struct sctp_shutdown_event *sh = (const void *)buf;
	CHECK("a notification", r.n == sizeof(*sh) && (r.flags & MSG_NOTIFICATION) &&
					(r.flags & MSG_EOR) && sh->sse_type == SCTP_SHUTDOWN_EVENT);
	reader(&r);
	CHECK("then end of file", r.n == 0);
	close(a);
	close(c);
	close(l);
	return failures;
}
