/* Default send parameters are taken when a message is sent, as Linux resolves them in
 * sendmsg: messages written before SCTP_DEFAULT_SNDINFO changes keep the old defaults even
 * when they still wait for room (the peer reads nothing until the end), and messages
 * written after take the new ones. One process, one-to-one sockets on loopback; one
 * "ok"/"FAIL" line per check. */
#include "sctp_common.h"
#include <fcntl.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <unistd.h>
#include "checks.h"

#define PORT 5580
#define SIZE 1000

/* Writes numbered messages until EAGAIN (or `limit`); returns the next number. */
static int fill(int fd, int from, int limit)
{
	char m[SIZE];
	int i = from;
	for (; i < limit; i++) {
		memset(m, 0, sizeof(m));
		snprintf(m, sizeof(m), "%d", i);
		if (write(fd, m, sizeof(m)) != SIZE) {
			if (errno != EAGAIN)
				die("write");
			break;
		}
	}
	return i;
}

int main(void)
{
	struct sockaddr_in a = addr_of("127.0.0.1", PORT);
	int l = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	int small = 4096;
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) < 0 ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0)
		die("listener");
	int c = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	struct sctp_initmsg im = {.sinit_num_ostreams = 4, .sinit_max_instreams = 4};
	if (c < 0 || setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)) < 0 ||
	    setsockopt(c, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)) < 0 ||
	    connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("client");
	int s = accept(l, NULL, NULL);
	if (s < 0 || fcntl(c, F_SETFL, O_NONBLOCK) < 0)
		die("accept");
	struct sctp_event_subscribe ev = {.sctp_data_io_event = 1};
	if (setsockopt(s, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0)
		die("SCTP_EVENTS");

	/* Fill the association and the socket until the client cannot write (the server
	 * does not read yet), with the default stream 0. */
	int before = fill(c, 0, 10000);
	usleep(200 * 1000);
	before = fill(c, before, 10000);
	CHECK("the send side filled up (EAGAIN)", before > 0 && before < 10000);
	struct sctp_sndinfo si = {.snd_sid = 1};
	CHECK("SCTP_DEFAULT_SNDINFO stream 1",
	      setsockopt(c, IPPROTO_SCTP, SCTP_DEFAULT_SNDINFO, &si, sizeof(si)) == 0);
	/* Five more, with the new default: as many as fit now, the rest while reading. */
	int after = fill(c, before, before + 5);

	/* Now read everything: each message's stream follows from when it was written. */
	int wrong = 0, seen = 0;
	while (seen < before + 5) {
		struct pollfd q = {s, POLLIN, 0};
		if (poll(&q, 1, 5000) != 1)
			break;
		char b[SIZE + 1];
		struct sctp_sndrcvinfo info;
		int flags = 0;
		ssize_t n = sctp_recvmsg(s, b, SIZE, NULL, NULL, &info, &flags);
		if (n <= 0)
			break;
		if (flags & MSG_NOTIFICATION)
			continue;
		b[n] = 0;
		int k = atoi(b);
		int expect = k < before ? 0 : 1;
		if (info.sinfo_stream != expect)
			wrong++;
		seen++;
		if (after < before + 5)
			after = fill(c, after, before + 5);
	}
	printf("written before %d, after %d, received %d\n", before, after - before, seen);
	CHECK("every message arrived", seen == before + 5 && after == before + 5);
	CHECK("messages written before the change kept stream 0, later ones stream 1", wrong == 0);
	close(c);
	close(s);
	close(l);
	return failures;
}
