/* A message for a stream its association does not have: the send fails with EINVAL and
 * nothing is sent (Linux sctp_sendmsg_to_asoc), whether the stream comes from the call's
 * SCTP_SNDRCV, or from SCTP_DEFAULT_SNDINFO on a plain write; a one-to-many send that sets
 * an association up counts the streams of its SCTP_INIT cmsg, which the new association
 * then has. One process, loopback; one "ok"/"FAIL" line per check. */
#include "sctp_common.h"
#include <netinet/sctp.h>
#include <sys/time.h>
#include <unistd.h>
#include "checks.h"

static int set(int fd, int opt, const void *v, socklen_t len) {
	return setsockopt(fd, IPPROTO_SCTP, opt, v, len);
}

static int listener(int type, int port, int instreams) {
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	struct sctp_initmsg im = {.sinit_max_instreams = (unsigned short)instreams};
	struct timeval t = {5, 0};
	int fd = socket(AF_INET, type, IPPROTO_SCTP);
	if (fd < 0 || set(fd, SCTP_INITMSG, &im, sizeof(im)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t)) < 0)
		die("listener %d", port);
	return fd;
}

/* Reads the data messages waiting on `fd` (notifications skipped) until one on stream
 * `last` arrives; returns a bit per stream seen. */
static unsigned streams_until(int fd, int last) {
	unsigned seen = 0;
	for (;;) {
		char buf[256];
		struct sctp_sndrcvinfo info;
		int flags = 0;
		memset(&info, 0, sizeof(info));
		if (sctp_recvmsg(fd, buf, sizeof(buf), NULL, NULL, &info, &flags) < 0)
			die("recv");
		if (flags & MSG_NOTIFICATION)
			continue;
		seen |= 1u << info.sinfo_stream;
		if (info.sinfo_stream == last)
			return seen;
	}
}

static void subscribe_data(int fd) {
	struct sctp_event_subscribe ev = {.sctp_data_io_event = 1};
	if (set(fd, SCTP_EVENTS, &ev, sizeof(ev)) < 0)
		die("SCTP_EVENTS");
}

static void one_to_one(void) {
	int lfd = listener(SOCK_STREAM, 5470, 3);
	struct sockaddr_in a = addr_of("127.0.0.1", 5470);
	int c = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	int s = accept(lfd, NULL, NULL);
	if (s < 0)
		die("accept");
	subscribe_data(s);
	struct sctp_status st;
	socklen_t len = sizeof(st);
	memset(&st, 0, sizeof(st));
	getsockopt(c, IPPROTO_SCTP, SCTP_STATUS, &st, &len);
	CHECK("one-to-one: 3 outbound streams (the peer's limit)", st.sstat_outstrms == 3);
	CHECK("one-to-one: stream 2 sends",
	      sctp_sendmsg(c, "two", 3, NULL, 0, 0, 0, 2, 0, 0) == 3);
	REFUSED("one-to-one: stream 3 is EINVAL", EINVAL,
		sctp_sendmsg(c, "three", 5, NULL, 0, 0, 0, 3, 0, 0));
	REFUSED("one-to-one: stream 65535 is EINVAL", EINVAL,
		sctp_sendmsg(c, "max", 3, NULL, 0, 0, 0, 65535, 0, 0));

	struct sctp_sndinfo d = {.snd_sid = 5};
	CHECK("SCTP_DEFAULT_SNDINFO stream 5 accepted",
	      set(c, SCTP_DEFAULT_SNDINFO, &d, sizeof(d)) == 0);
	REFUSED("plain write on default stream 5 is EINVAL", EINVAL, write(c, "five", 4));
	d.snd_sid = 1;
	set(c, SCTP_DEFAULT_SNDINFO, &d, sizeof(d));
	CHECK("plain write on default stream 1 sends", write(c, "one", 3) == 3);
	CHECK("stream 0 named over a default sends",
	      sctp_sendmsg(c, "zero", 4, NULL, 0, 0, 0, 0, 0, 0) == 4);
	unsigned seen = streams_until(s, 0);
	CHECK("one-to-one: the peer got streams 2, 1, 0 and nothing else", seen == 0x7);
	close(c);
	close(s);
	close(lfd);
}

/* sendmsg with SCTP_SNDRCV on `stream` and an SCTP_INIT asking for `ostreams`. */
static ssize_t send_init(int fd, struct sockaddr_in *to, int stream, int ostreams) {
	char cbuf[CMSG_SPACE(sizeof(struct sctp_initmsg)) + CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
	struct iovec iov = {"hello", 5};
	struct msghdr m;
	memset(&m, 0, sizeof(m));
	memset(cbuf, 0, sizeof(cbuf));
	m.msg_name = to;
	m.msg_namelen = sizeof(*to);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_INIT;
	c->cmsg_len = CMSG_LEN(sizeof(struct sctp_initmsg));
	struct sctp_initmsg im = {.sinit_num_ostreams = (unsigned short)ostreams};
	memcpy(CMSG_DATA(c), &im, sizeof(im));
	c = CMSG_NXTHDR(&m, c);
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_SNDRCV;
	c->cmsg_len = CMSG_LEN(sizeof(struct sctp_sndrcvinfo));
	struct sctp_sndrcvinfo info;
	memset(&info, 0, sizeof(info));
	info.sinfo_stream = (unsigned short)stream;
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	return sendmsg(fd, &m, 0);
}

static int assoc_count(int fd) {
	unsigned int n = 99;
	socklen_t len = sizeof(n);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) < 0)
		die("SCTP_GET_ASSOC_NUMBER");
	return (int)n;
}

static void one_to_many(void) {
	int lfd = listener(SOCK_SEQPACKET, 5471, 100);
	struct sockaddr_in a = addr_of("127.0.0.1", 5471);
	int c = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (c < 0)
		die("socket");
	subscribe_data(lfd);
	REFUSED("one-to-many: SCTP_INIT 2 streams, stream 2 is EINVAL", EINVAL,
		send_init(c, &a, 2, 2));
	CHECK("one-to-many: the refused send set no association up", assoc_count(c) == 0);
	CHECK("one-to-many: SCTP_INIT 2 streams, stream 1 sends", send_init(c, &a, 1, 2) == 5);
	struct {
		struct sctp_assoc_ids ids;
		sctp_assoc_t more[3];
	} list;
	socklen_t len = sizeof(list);
	if (getsockopt(c, IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, &list, &len) < 0 ||
	    list.ids.gaids_number_of_ids != 1)
		die("SCTP_GET_ASSOC_ID_LIST");
	struct sctp_status st;
	memset(&st, 0, sizeof(st));
	st.sstat_assoc_id = list.ids.gaids_assoc_id[0];
	len = sizeof(st);
	if (getsockopt(c, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0)
		die("SCTP_STATUS");
	CHECK("one-to-many: the new association has the SCTP_INIT's 2 outbound streams",
	      st.sstat_outstrms == 2);
	CHECK("one-to-many: the peer got the message on stream 1", streams_until(lfd, 1) == 0x2);
	REFUSED("one-to-many: existing association, stream 2 is EINVAL", EINVAL,
		sctp_sendmsg(c, "x", 1, (struct sockaddr *)&a, sizeof(a), 0, 0, 2, 0, 0));
	close(c);
	close(lfd);
}

int main(void) {
	one_to_one();
	one_to_many();
	return failures;
}
