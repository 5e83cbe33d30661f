/* The SOL_SCTP options of issue #4 against Linux's rules and with their effects observed
 * (tests/abi_sockopt_matrix.rs). One process, two one-to-many sockets on 127.0.0.1 (server
 * 5431, client 5432) and a few one-to-one sockets. Every check prints "ok WHAT" or
 * "FAIL WHAT (errno N)"; the exit status counts failures. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Linux 6.x schedulers that older <linux/sctp.h> lack. */
#define SS_FC 3
#define SS_WFQ 4

#include "checks.h"

static struct sockaddr_in sin_of(int port) {
	struct sockaddr_in s;
	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_port = htons(port);
	s.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return s;
}

static int sock(int type, int port) {
	int fd = socket(AF_INET, type, IPPROTO_SCTP);
	struct sockaddr_in a = sin_of(port);
	if (fd < 0 || (port && bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)) {
		perror("socket/bind");
		exit(2);
	}
	return fd;
}

static int av_get(int fd, int opt, sctp_assoc_t id, unsigned *value) {
	struct sctp_assoc_value av = {.assoc_id = id};
	socklen_t len = sizeof(av);
	int r = getsockopt(fd, IPPROTO_SCTP, opt, &av, &len);
	*value = av.assoc_value;
	return r < 0 ? r : (int)len;
}

static int av_set(int fd, int opt, sctp_assoc_t id, unsigned value) {
	struct sctp_assoc_value av = {.assoc_id = id, .assoc_value = value};
	return setsockopt(fd, IPPROTO_SCTP, opt, &av, sizeof(av));
}

/* One received record: data (stream, ppid in host order of the sender's value) or a
 * notification; returns the length, 0 after 2 s without one. */
struct msg {
	char buf[4096];
	int len, notification;
	struct sctp_sndrcvinfo info;
};

static int recv_one(int fd, struct msg *m) {
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, 2000) <= 0)
		return 0;
	char cbuf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
	struct iovec iov = {.iov_base = m->buf, .iov_len = sizeof(m->buf)};
	struct msghdr h = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			   .msg_controllen = sizeof(cbuf)};
	m->len = recvmsg(fd, &h, 0);
	m->notification = (h.msg_flags & MSG_NOTIFICATION) != 0;
	memset(&m->info, 0, sizeof(m->info));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c))
		if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_SNDRCV)
			memcpy(&m->info, CMSG_DATA(c), sizeof(m->info));
	return m->len;
}

/* The next data message (notifications skipped). */
static int recv_data(int fd, struct msg *m) {
	while (recv_one(fd, m) > 0)
		if (!m->notification)
			return m->len;
	return 0;
}

/* Backs the client's queue up: 40 messages of 1000 bytes on stream 0 fill the server's small
 * window (it does not read), then (with a 1 ms default lifetime on association `id`) one plain
 * send on the default stream, then `tags` in order: 'A' on stream 1, 'B' on stream 2. The
 * server then reads everything: `order` gets the tags in arrival order, `filler` and `late`
 * count stream 0 and stream 3 messages. */
static void backed_up(int clt, int srv, struct sockaddr_in *to, sctp_assoc_t id, const char *tags,
		      char order[16], int *filler, int *late) {
	char buf[1000];
	socklen_t tl = sizeof(*to);
	memset(buf, 'f', sizeof(buf));
	for (int i = 0; i < 40; i++)
		sctp_sendmsg(clt, buf, sizeof(buf), (struct sockaddr *)to, tl, 0, 0, 0, 0, 0);
	usleep(300000);
	struct sctp_default_prinfo dp = {.pr_assoc_id = id, .pr_policy = SCTP_PR_SCTP_TTL,
					 .pr_value = 1};
	CHECK("default prinfo ttl 1 ms",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_DEFAULT_PRINFO, &dp, sizeof(dp)) == 0);
	CHECK("expiring plain send", sendto(clt, "late", 4, 0, (struct sockaddr *)to, tl) == 4);
	dp.pr_policy = SCTP_PR_SCTP_NONE;
	CHECK("default prinfo none",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_DEFAULT_PRINFO, &dp, sizeof(dp)) == 0);
	for (int i = 0; tags[i]; i++)
		sctp_sendmsg(clt, &tags[i], 1, (struct sockaddr *)to, tl, 0, 0, tags[i] == 'A' ? 1 : 2,
			     0, 0);
	usleep(300000);
	struct msg m;
	int k = 0;
	*filler = *late = 0;
	memset(order, 0, 16);
	while (recv_data(srv, &m) > 0) {
		if (m.info.sinfo_stream == 0)
			(*filler)++;
		else if (m.info.sinfo_stream == 3)
			(*late)++;
		else if (k < 15)
			order[k++] = m.buf[0];
	}
}

static void before_any_association(int srv, int clt) {
	unsigned v;
	char buf[64];
	socklen_t len = sizeof(buf);
	REFUSED("sendmsg_connect get ENOPROTOOPT", ENOPROTOOPT,
		getsockopt(clt, IPPROTO_SCTP, SCTP_SENDMSG_CONNECT, buf, &len));
	REFUSED("sendmsg_connect set ENOPROTOOPT", ENOPROTOOPT,
		av_set(clt, SCTP_SENDMSG_CONNECT, 0, 1));
	REFUSED("unknown option ENOPROTOOPT", ENOPROTOOPT, av_set(clt, 250, 0, 1));

	CHECK("scheduler default fcfs", av_get(clt, SCTP_STREAM_SCHEDULER, 0, &v) == 8 && v == 0);
	REFUSED("scheduler 5 EINVAL", EINVAL, av_set(clt, SCTP_STREAM_SCHEDULER, 0, 5));
	REFUSED("scheduler unknown id EINVAL", EINVAL, av_set(clt, SCTP_STREAM_SCHEDULER, 77, 1));
	struct sctp_assoc_value av = {0};
	REFUSED("scheduler short optlen EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_STREAM_SCHEDULER, &av, 4));
	CHECK("scheduler wfq then prio",
	      av_set(clt, SCTP_STREAM_SCHEDULER, 0, SS_WFQ) == 0 &&
		  av_get(clt, SCTP_STREAM_SCHEDULER, 0, &v) == 8 && v == SS_WFQ &&
		  av_set(clt, SCTP_STREAM_SCHEDULER, SCTP_ALL_ASSOC, SCTP_SS_PRIO) == 0 &&
		  av_get(clt, SCTP_STREAM_SCHEDULER, 0, &v) == 8 && v == SCTP_SS_PRIO);
	struct sctp_stream_value sv = {.assoc_id = 0, .stream_id = 1};
	len = sizeof(sv);
	REFUSED("scheduler value needs an association", EINVAL,
		getsockopt(clt, IPPROTO_SCTP, SCTP_STREAM_SCHEDULER_VALUE, &sv, &len));

	CHECK("pr_supported default on", av_get(clt, SCTP_PR_SUPPORTED, 0, &v) == 8 && v == 1);
	REFUSED("pr_supported optlen 12 EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_PR_SUPPORTED, buf, 12));
	CHECK("ecn on by default (net.sctp.ecn_enable), set kept",
	      av_get(clt, SCTP_ECN_SUPPORTED, 0, &v) == 8 && v == 1 &&
		  av_set(clt, SCTP_ECN_SUPPORTED, 0, 0) == 0 &&
		  av_get(clt, SCTP_ECN_SUPPORTED, 0, &v) == 8 && v == 0 &&
		  av_set(clt, SCTP_ECN_SUPPORTED, 0, 1) == 0 &&
		  av_get(clt, SCTP_ECN_SUPPORTED, 0, &v) == 8 && v == 1);
	REFUSED("interleaving without intl_enable EPERM", EPERM,
		av_set(clt, SCTP_INTERLEAVING_SUPPORTED, 0, 1));
	CHECK("interleaving off", av_get(clt, SCTP_INTERLEAVING_SUPPORTED, 0, &v) == 8 && v == 0);
	REFUSED("pf_expose 3 EINVAL", EINVAL,
		av_set(clt, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, 0, 3));
	CHECK("pf_expose set 2",
	      av_set(clt, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, 0, 2) == 0 &&
		  av_get(clt, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, 0, &v) == 8 && v == 2);

	struct sctp_probeinterval pi;
	memset(&pi, 0, sizeof(pi));
	pi.spi_address.ss_family = AF_INET;
	pi.spi_interval = 100;
	REFUSED("probe interval below 5000 EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_PLPMTUD_PROBE_INTERVAL, &pi, sizeof(pi)));
	REFUSED("probe interval optlen-1 EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_PLPMTUD_PROBE_INTERVAL, &pi, sizeof(pi) - 1));
	pi.spi_interval = 6000;
	len = sizeof(pi);
	CHECK("probe interval 6000",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_PLPMTUD_PROBE_INTERVAL, &pi, sizeof(pi)) == 0 &&
		  (pi.spi_interval = 0,
		   getsockopt(clt, IPPROTO_SCTP, SCTP_PLPMTUD_PROBE_INTERVAL, &pi, &len)) == 0 &&
		  pi.spi_interval == 6000);

	uint32_t n = 9;
	len = sizeof(n);
	CHECK("assoc number 0",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) == 0 && n == 0);
	len = 2;
	REFUSED("assoc number short EINVAL", EINVAL,
		getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len));

	struct sctp_default_prinfo dp = {.pr_policy = 0x40};
	REFUSED("default prinfo bad policy EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_DEFAULT_PRINFO, &dp, sizeof(dp)));
	struct sctp_sndrcvinfo sp;
	memset(&sp, 0, sizeof(sp));
	sp.sinfo_flags = SCTP_SACK_IMMEDIATELY;
	REFUSED("default send param bad flag EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM, &sp, sizeof(sp)));
	REFUSED("default send param optlen+4 EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM, &sp, sizeof(sp) + 4));
	memset(&sp, 0, sizeof(sp));
	sp.sinfo_stream = 2;
	sp.sinfo_ppid = 777;
	CHECK("default send param socket",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM, &sp, sizeof(sp)) == 0);
	struct sctp_sndinfo si;
	memset(&si, 0, sizeof(si));
	len = sizeof(si);
	CHECK("default sndinfo reads the same defaults",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_DEFAULT_SNDINFO, &si, &len) == 0 &&
		  len == sizeof(si) && si.snd_sid == 2 && si.snd_ppid == 777);

	REFUSED("context optlen 4 EINVAL", EINVAL,
		setsockopt(srv, IPPROTO_SCTP, SCTP_CONTEXT, &n, 4));
	CHECK("context socket 4242", av_set(srv, SCTP_CONTEXT, 0, 4242) == 0);
	int one = 1;
	REFUSED("maxseg 100 EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_MAXSEG, &(int){100}, sizeof(int)));
	CHECK("maxseg struct form",
	      av_set(clt, SCTP_MAXSEG, 0, 1200) == 0 && av_get(clt, SCTP_MAXSEG, 0, &v) == 8 &&
		  v == 1200 && av_set(clt, SCTP_MAXSEG, 0, 0) == 0);
	struct sctp_assocparams ap;
	memset(&ap, 0, sizeof(ap));
	len = sizeof(ap);
	CHECK("associnfo socket defaults",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, &len) == 0 &&
		  ap.sasoc_asocmaxrxt == 10 && ap.sasoc_cookie_life == 60000);
	ap.sasoc_asocmaxrxt = 7;
	ap.sasoc_cookie_life = 0;
	CHECK("associnfo socket set",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof(ap)) == 0);
	ap.sasoc_assoc_id = SCTP_CURRENT_ASSOC;
	REFUSED("associnfo current id EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof(ap)));
	REFUSED("reuse_port one-to-many EOPNOTSUPP", EOPNOTSUPP,
		setsockopt(clt, IPPROTO_SCTP, SCTP_REUSE_PORT, &one, sizeof(one)));
}

static void one_to_one_rules(void) {
	int one = 1;
	int fresh = sock(SOCK_STREAM, 0);
	int bound = sock(SOCK_STREAM, 5439);
	CHECK("reuse_port before bind", setsockopt(fresh, IPPROTO_SCTP, SCTP_REUSE_PORT, &one,
						  sizeof(one)) == 0);
	REFUSED("reuse_port after bind EFAULT", EFAULT,
		setsockopt(bound, IPPROTO_SCTP, SCTP_REUSE_PORT, &one, sizeof(one)));
	uint32_t n;
	socklen_t len = sizeof(n);
	REFUSED("assoc number one-to-one EOPNOTSUPP", EOPNOTSUPP,
		getsockopt(fresh, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len));
	unsigned v;
	/* One-to-one sockets ignore the id. */
	CHECK("one-to-one any id is the socket",
	      av_set(fresh, SCTP_STREAM_SCHEDULER, 1234, SS_FC) == 0 &&
		  av_get(fresh, SCTP_STREAM_SCHEDULER, 99, &v) == 8 && v == SS_FC);
	close(fresh);
	close(bound);
}

/* SCTP_DELAYED_SACK with SCTP_CURRENT_ASSOC changes the association, not the socket; a zero
 * field keeps its value. */
static void delayed_sack_forms(int clt, sctp_assoc_t id) {
	struct sctp_sack_info si = {.sack_assoc_id = SCTP_CURRENT_ASSOC, .sack_delay = 150};
	socklen_t len = sizeof(si);
	CHECK("delayed sack current associations",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, sizeof(si)) == 0);
	memset(&si, 0, sizeof(si));
	si.sack_assoc_id = id;
	CHECK("delayed sack of the association",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, &len) == 0 &&
		  si.sack_delay == 150 && si.sack_freq == 2);
	si.sack_assoc_id = 0;
	CHECK("delayed sack of the socket unchanged",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, &len) == 0 &&
		  si.sack_delay == 200);
}

static int event_get(int fd, sctp_assoc_t id, uint16_t type) {
	struct sctp_event e = {.se_assoc_id = id, .se_type = type};
	socklen_t len = sizeof(e);
	return getsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &e, &len) < 0 ? -1 : e.se_on;
}

/* SCTP_EVENT per association on a one-to-many socket: the association's own set; a
 * socket-level change leaves existing associations alone; SENDER_DRY on an idle
 * association is raised at once. */
static void event_forms(int clt, sctp_assoc_t id) {
	usleep(500000);
	struct sctp_event e = {.se_assoc_id = id, .se_type = SCTP_SENDER_DRY_EVENT, .se_on = 1};
	CHECK("event sender dry on the association",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_EVENT, &e, sizeof(e)) == 0 &&
		  event_get(clt, id, SCTP_SENDER_DRY_EVENT) == 1 &&
		  event_get(clt, 0, SCTP_SENDER_DRY_EVENT) == 0);
	struct msg m;
	int dry = 0;
	while (!dry && recv_one(clt, &m) > 0)
		dry = m.notification &&
		      ((struct sctp_sender_dry_event *)m.buf)->sender_dry_type == SCTP_SENDER_DRY_EVENT;
	CHECK("sender dry raised at once on an idle association", dry);
	e.se_assoc_id = 0;
	e.se_type = SCTP_SHUTDOWN_EVENT;
	CHECK("event future leaves the association alone",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_EVENT, &e, sizeof(e)) == 0 &&
		  event_get(clt, 0, SCTP_SHUTDOWN_EVENT) == 1 &&
		  event_get(clt, id, SCTP_SHUTDOWN_EVENT) == 0);
	e.se_assoc_id = id + 100;
	REFUSED("event unknown association EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_EVENT, &e, sizeof(e)));
}

/* Run with SCTPSHIM_INTL_ENABLE=1 (Linux net.sctp.intl_enable): I-DATA negotiated only when
 * both sockets turn SCTP_INTERLEAVING_SUPPORTED on, which needs SCTP_FRAGMENT_INTERLEAVE;
 * SCTP_PR_SUPPORTED off on one side leaves the association without PR-SCTP. */
static int extensions(void) {
	int srv = sock(SOCK_SEQPACKET, 5441), clt = sock(SOCK_SEQPACKET, 5442);
	struct sockaddr_in to = sin_of(5441);
	int one = 1;
	unsigned v;
	CHECK("intl enabled by default", av_get(clt, SCTP_INTERLEAVING_SUPPORTED, 0, &v) == 8 &&
					     v == 1);
	REFUSED("intl needs fragment interleave EPERM", EPERM,
		av_set(clt, SCTP_INTERLEAVING_SUPPORTED, 0, 1));
	CHECK("intl on with fragment interleave",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &one, sizeof(one)) == 0 &&
		  av_set(clt, SCTP_INTERLEAVING_SUPPORTED, 0, 1) == 0 &&
		  setsockopt(srv, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &one, sizeof(one)) == 0 &&
		  av_set(srv, SCTP_INTERLEAVING_SUPPORTED, 0, 1) == 0);
	int zero = 0;
	CHECK("fragment interleave off turns interleaving off",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &zero, sizeof(zero)) == 0 &&
		  av_get(clt, SCTP_INTERLEAVING_SUPPORTED, 0, &v) == 8 && v == 0 &&
		  setsockopt(clt, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &one, sizeof(one)) == 0 &&
		  av_set(clt, SCTP_INTERLEAVING_SUPPORTED, 0, 1) == 0);
	CHECK("pr off on the client", av_set(clt, SCTP_PR_SUPPORTED, 0, 0) == 0 &&
					  av_get(clt, SCTP_PR_SUPPORTED, 0, &v) == 8 && v == 0);
	if (listen(srv, 5) < 0)
		return 2;
	struct msg m;
	char big[3000];
	memset(big, 'i', sizeof(big));
	CHECK("a fragmented message over I-DATA",
	      sendto(clt, big, sizeof(big), 0, (struct sockaddr *)&to, sizeof(to)) == sizeof(big) &&
		  recv_data(srv, &m) == sizeof(big) && memcmp(m.buf, big, sizeof(big)) == 0);
	char idbuf[sizeof(struct sctp_assoc_ids) + sizeof(sctp_assoc_t)];
	struct sctp_assoc_ids *ids = (struct sctp_assoc_ids *)idbuf;
	socklen_t len = sizeof(idbuf);
	getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, idbuf, &len);
	sctp_assoc_t id = ids->gaids_assoc_id[0];
	CHECK("association uses I-DATA",
	      av_get(clt, SCTP_INTERLEAVING_SUPPORTED, id, &v) == 8 && v == 1);
	CHECK("association without PR-SCTP", av_get(clt, SCTP_PR_SUPPORTED, id, &v) == 8 && v == 0);
	close(clt);
	close(srv);
	printf("%d failures\n", failures);
	return failures != 0;
}

int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "extensions") == 0)
		return extensions();
	int srv = sock(SOCK_SEQPACKET, 5431), clt = sock(SOCK_SEQPACKET, 5432);
	struct sockaddr_in to = sin_of(5431);
	struct sctp_event_subscribe ev;
	memset(&ev, 0, sizeof(ev));
	ev.sctp_data_io_event = 1;
	int rcvbuf = 8192;
	if (setsockopt(srv, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0 ||
	    setsockopt(srv, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0 ||
	    listen(srv, 5) < 0)
		return 2;
	ev.sctp_send_failure_event = 1;
	if (setsockopt(clt, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0)
		return 2;
	before_any_association(srv, clt);
	one_to_one_rules();

	/* A plain sendto (no cmsg) sets the association up and carries the socket's defaults. */
	struct msg m;
	CHECK("plain sendto", sendto(clt, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to)) == 5);
	CHECK("socket defaults reach the peer",
	      recv_data(srv, &m) == 5 && m.info.sinfo_stream == 2 && m.info.sinfo_ppid == 777 &&
		  m.info.sinfo_context == 4242);

	uint32_t n = 0;
	socklen_t len = sizeof(n);
	char idbuf[sizeof(struct sctp_assoc_ids) + 4 * sizeof(sctp_assoc_t)];
	struct sctp_assoc_ids *ids = (struct sctp_assoc_ids *)idbuf;
	CHECK("assoc number 1",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) == 0 && n == 1);
	len = sizeof(struct sctp_assoc_ids);
	REFUSED("assoc id list too short EINVAL", EINVAL,
		getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, idbuf, &len));
	len = sizeof(idbuf);
	CHECK("assoc id list",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, idbuf, &len) == 0 &&
		  ids->gaids_number_of_ids == 1 && len == sizeof(struct sctp_assoc_ids) + 4);
	sctp_assoc_t id = ids->gaids_assoc_id[0];

	/* Per-association defaults: SEND_PARAM for the association, then SNDINFO in a cmsg wins. */
	struct sctp_sndrcvinfo sp;
	memset(&sp, 0, sizeof(sp));
	sp.sinfo_assoc_id = id;
	sp.sinfo_stream = 3;
	sp.sinfo_ppid = 888;
	CHECK("default send param association",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM, &sp, sizeof(sp)) == 0);
	sendto(clt, "assoc", 5, 0, (struct sockaddr *)&to, sizeof(to));
	CHECK("association defaults reach the peer",
	      recv_data(srv, &m) == 5 && m.info.sinfo_stream == 3 && m.info.sinfo_ppid == 888);
	memset(&sp, 0, sizeof(sp));
	len = sizeof(sp);
	CHECK("socket defaults unchanged",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM, &sp, &len) == 0 &&
		  sp.sinfo_stream == 2);
	CHECK("sctp_sendmsg cmsg overrides defaults",
	      sctp_sendmsg(clt, "cmsg", 4, (struct sockaddr *)&to, sizeof(to), htonl(5), 0, 4, 0,
			   0) == 4 &&
		  recv_data(srv, &m) == 4 && m.info.sinfo_stream == 4 &&
		  m.info.sinfo_ppid == htonl(5));

	unsigned v;
	CHECK("association inherited prio", av_get(clt, SCTP_STREAM_SCHEDULER, id, &v) == 8 &&
						v == SCTP_SS_PRIO);
	CHECK("pr negotiated", av_get(clt, SCTP_PR_SUPPORTED, id, &v) == 8 && v == 1);
	struct sctp_assocparams ap = {.sasoc_assoc_id = id};
	len = sizeof(ap);
	CHECK("associnfo inherited by the association",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, &len) == 0 &&
		  ap.sasoc_asocmaxrxt == 7 && ap.sasoc_number_peer_destinations == 1 &&
		  ap.sasoc_cookie_life == 60000);
	CHECK("ecn negotiated (both sides offer it)",
	      av_get(clt, SCTP_ECN_SUPPORTED, id, &v) == 8 && v == 1);
	REFUSED("pf_expose unknown id EINVAL", EINVAL,
		av_set(clt, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, id + 100, 1));
	struct sctp_stream_value sv = {.assoc_id = id, .stream_id = 1, .stream_value = 5};
	CHECK("scheduler value stream 1 = 5",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_STREAM_SCHEDULER_VALUE, &sv, sizeof(sv)) == 0);
	sv.stream_id = 2;
	sv.stream_value = 1;
	CHECK("scheduler value stream 2 = 1",
	      setsockopt(clt, IPPROTO_SCTP, SCTP_STREAM_SCHEDULER_VALUE, &sv, sizeof(sv)) == 0);
	sv.stream_id = 1;
	sv.stream_value = 0;
	len = sizeof(sv);
	CHECK("scheduler value reads 5",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_STREAM_SCHEDULER_VALUE, &sv, &len) == 0 &&
		  sv.stream_value == 5);
	sv.stream_id = 200;
	REFUSED("scheduler value beyond streams EINVAL", EINVAL,
		setsockopt(clt, IPPROTO_SCTP, SCTP_STREAM_SCHEDULER_VALUE, &sv, sizeof(sv)));

	/* PRIO with a backed-up queue; in between, one message on the association's default
	 * stream 3 with a 1 ms default lifetime, which expires before the window opens. */
	char order[16];
	int filler_seen, late_seen;
	backed_up(clt, srv, &to, id, "ABABABABAB", order, &filler_seen, &late_seen);
	CHECK("all filler arrived", filler_seen == 40);
	CHECK("prio scheduler: stream 2 before stream 1", strcmp(order, "BBBBBAAAAA") == 0);
	printf("order %s\n", order);
	CHECK("expired message never arrived", late_seen == 0);

	/* The expired message: a SEND_FAILED (unsent) with its lifetime, counted as abandoned. */
	int failed = 0;
	while (recv_one(clt, &m) > 0) {
		struct sctp_send_failed *sf = (struct sctp_send_failed *)m.buf;
		if (m.notification && sf->ssf_type == SCTP_SEND_FAILED)
			failed += sf->ssf_flags == SCTP_DATA_UNSENT && sf->ssf_info.sinfo_stream == 3 &&
				  sf->ssf_info.sinfo_timetolive == 1 && sf->ssf_info.sinfo_ppid == 888;
	}
	CHECK("send failed with its ttl", failed == 1);
	struct sctp_prstatus ps = {.sprstat_assoc_id = id, .sprstat_policy = SCTP_PR_SCTP_TTL};
	len = sizeof(ps);
	CHECK("pr assoc status ttl",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_PR_ASSOC_STATUS, &ps, &len) == 0 &&
		  ps.sprstat_abandoned_unsent == 1 && ps.sprstat_abandoned_sent == 0);
	ps.sprstat_policy = SCTP_PR_SCTP_ALL;
	ps.sprstat_sid = 3;
	CHECK("pr stream status all",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_PR_STREAM_STATUS, &ps, &len) == 0 &&
		  ps.sprstat_abandoned_unsent == 1);
	ps.sprstat_sid = 1;
	CHECK("pr stream status other stream",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_PR_STREAM_STATUS, &ps, &len) == 0 &&
		  ps.sprstat_abandoned_unsent == 0);
	ps.sprstat_policy = SCTP_PR_SCTP_ALL | SCTP_PR_SCTP_TTL;
	REFUSED("pr status all with a policy EINVAL", EINVAL,
		getsockopt(clt, IPPROTO_SCTP, SCTP_PR_ASSOC_STATUS, &ps, &len));
	ps.sprstat_policy = SCTP_PR_SCTP_ALL;
	ps.sprstat_sid = 10;
	REFUSED("pr stream status beyond streams EINVAL", EINVAL,
		getsockopt(clt, IPPROTO_SCTP, SCTP_PR_STREAM_STATUS, &ps, &len));

	/* Round robin on the live association (SCTP_CURRENT_ASSOC): one message per stream in
	 * turn, where FCFS would send the three A first. */
	unsigned cur;
	CHECK("scheduler rr on current associations",
	      av_set(clt, SCTP_STREAM_SCHEDULER, SCTP_CURRENT_ASSOC, SCTP_SS_RR) == 0 &&
		  av_get(clt, SCTP_STREAM_SCHEDULER, id, &cur) == 8 && cur == SCTP_SS_RR &&
		  av_get(clt, SCTP_STREAM_SCHEDULER, 0, &cur) == 8 && cur == SCTP_SS_PRIO);
	backed_up(clt, srv, &to, id, "AAABBB", order, &filler_seen, &late_seen);
	CHECK("rr scheduler alternates streams", strcmp(order, "ABABAB") == 0 && late_seen == 0);
	printf("order %s\n", order);

	/* Counters grew with the traffic on both sides; the largest RTO restarts on read. */
	struct sctp_assoc_stats st;
	memset(&st, 0, sizeof(st));
	st.sas_assoc_id = id;
	len = sizeof(st);
	CHECK("assoc stats client",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_STATS, &st, &len) == 0 &&
		  len == sizeof(st) && st.sas_oodchunks >= 53 && st.sas_opackets > 0 &&
		  st.sas_isacks > 0 && st.sas_ipackets >= st.sas_isacks && st.sas_octrlchunks > 0 &&
		  st.sas_maxrto > 0 && st.sas_obs_rto_ipaddr.ss_family == AF_INET);
	unsigned long long first_rto = st.sas_maxrto;
	CHECK("assoc stats max rto restarts",
	      getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_STATS, &st, &len) == 0 &&
		  st.sas_maxrto <= first_rto);
	len = 2;
	REFUSED("assoc stats short EINVAL", EINVAL,
		getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_STATS, &st, &len));
	len = 4 + 4;
	st.sas_assoc_id = 0;
	REFUSED("assoc stats future id EINVAL", EINVAL,
		getsockopt(clt, IPPROTO_SCTP, SCTP_GET_ASSOC_STATS, &st, &len));

	sctp_assoc_t sid_id;
	len = sizeof(idbuf);
	getsockopt(srv, IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, idbuf, &len);
	sid_id = ids->gaids_assoc_id[0];
	memset(&st, 0, sizeof(st));
	st.sas_assoc_id = sid_id;
	len = sizeof(st);
	CHECK("assoc stats server",
	      getsockopt(srv, IPPROTO_SCTP, SCTP_GET_ASSOC_STATS, &st, &len) == 0 &&
		  st.sas_iodchunks >= 53 && st.sas_osacks > 0 && st.sas_idupchunks == 0 &&
		  st.sas_ictrlchunks > 0);
	CHECK("context per association",
	      av_set(srv, SCTP_CONTEXT, sid_id, 77) == 0 && av_get(srv, SCTP_CONTEXT, sid_id, &v) == 8 &&
		  v == 77 && av_get(srv, SCTP_CONTEXT, 0, &v) == 8 && v == 4242);
	sendto(clt, "ctx", 3, 0, (struct sockaddr *)&to, sizeof(to));
	CHECK("received message carries the association's context",
	      recv_data(srv, &m) == 3 && m.info.sinfo_context == 77);
	CHECK("max burst per association",
	      av_set(clt, SCTP_MAX_BURST, id, 7) == 0 && av_get(clt, SCTP_MAX_BURST, id, &v) == 8 &&
		  v == 7 && av_get(clt, SCTP_MAX_BURST, 0, &v) == 8 && v == 4);
	delayed_sack_forms(clt, id);
	event_forms(clt, id);

	close(clt);
	close(srv);
	printf("%d failures\n", failures);
	return failures != 0;
}
