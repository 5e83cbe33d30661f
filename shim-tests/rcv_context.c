/* SCTP_CONTEXT is read when a message is received (Linux fills sinfo_context / rcv_context
 * from the association's default_rcv_context in recvmsg): a set made after the message
 * arrived shows on it. One process, loopback; one "ok"/"FAIL" line per check. */
#include "sctp_common.h"
#include <netinet/sctp.h>
#include <poll.h>
#include <unistd.h>
#include "checks.h"

#define PORT 5590

static int set_context(int fd, sctp_assoc_t id, uint32_t v)
{
	struct sctp_assoc_value av = {.assoc_id = id, .assoc_value = v};
	return setsockopt(fd, IPPROTO_SCTP, SCTP_CONTEXT, &av, sizeof(av));
}

/* The context SCTP_SNDRCV reports for the next message on `fd` (after waiting for it). */
static int next_context(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, 5000) != 1)
		return -1;
	char b[64];
	struct sctp_sndrcvinfo info;
	int flags = 0;
	if (sctp_recvmsg(fd, b, sizeof(b), NULL, NULL, &info, &flags) <= 0)
		return -1;
	return (int)info.sinfo_context;
}

int main(void)
{
	int l, c;
	listen_and_connect("127.0.0.1", PORT, &l, &c);
	int s = accept(l, NULL, NULL);
	struct sctp_event_subscribe ev = {.sctp_data_io_event = 1};
	if (s < 0 || setsockopt(s, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0)
		die("accept");
	CHECK("context 5 for the association", set_context(s, 0, 5) == 0);
	if (send(c, "one", 3, 0) != 3 || send(c, "two", 3, 0) != 3 || send(c, "three", 5, 0) != 5)
		die("send");
	struct pollfd p = {s, POLLIN, 0};
	if (poll(&p, 1, 5000) != 1)
		die("nothing arrived");
	usleep(100 * 1000); /* all three are queued */
	CHECK("a message read with the context unchanged reports it", next_context(s) == 5);
	CHECK("context 9 set after the messages arrived", set_context(s, 0, 9) == 0);
	CHECK("the next message reports 9", next_context(s) == 9);
	/* On a one-to-one socket any id names its association (Linux sctp_id2assoc). */
	CHECK("context 11 with SCTP_FUTURE_ASSOC on the one-to-one socket",
	      set_context(s, SCTP_FUTURE_ASSOC, 11) == 0);
	CHECK("the last message reports 11", next_context(s) == 11);
	close(c);
	close(s);
	close(l);
	return failures;
}
