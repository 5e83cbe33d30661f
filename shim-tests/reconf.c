/* RFC 6525 stream reconfiguration through the Linux socket API (issue #4), one side per
 * process: `reconf server PORT MODE` and `reconf client PORT MODE`, one-to-one sockets on
 * 127.0.0.1. Both turn RE-CONFIG on (SCTP_RECONFIG_SUPPORTED), grant every request type
 * (SCTP_ENABLE_STREAM_RESET) and subscribe to the three RFC 6525 events with SCTP_EVENT.
 *
 * MODE "full": the client, on the live association,
 *   1. resets its outgoing stream 1 (SCTP_RESET_STREAMS OUTGOING): the next message on it
 *      arrives with SSN 0;
 *   2. resets its incoming streams (INCOMING, all): the server's next message on stream 2
 *      arrives with SSN 0;
 *   3. resets the association (SCTP_RESET_ASSOC): both sides report the new TSNs and the
 *      next message carries the server's expected TSN and SSN 0;
 *   4. adds 3 outgoing and 2 incoming streams (SCTP_ADD_STREAMS): SCTP_STATUS shows the new
 *      counts on both sides and the new stream 12 carries data;
 *   5. checks Linux's errnos for bad arguments.
 * MODE "deny": the server does not grant any request: the client's three requests end with
 * DENIED events and nothing changes. MODE "off": the server has RE-CONFIG off: the client's
 * requests fail with ENOPROTOOPT. MODE "usrsctp" (client only, bound to port 5007): the same
 * requests as "deny" to usrsctp's echo_server, which supports RE-CONFIG but grants nothing by
 * default; every message comes back. MODE "many": the server is a one-to-many socket and
 * checks the association ids SCTP_ENABLE_STREAM_RESET and SCTP_RECONFIG_SUPPORTED take.
 * Every notification and message is printed as one line ("TAG event ...", "TAG data ..."). */
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

static const char *tag;
/* The association of the last message read (one-to-many server). */
static sctp_assoc_t last_assoc;

/* The client's SCTP (and UDP) port in "usrsctp" mode. */
#define USRSCTP_CLIENT_PORT 5007

static void die(const char *what) {
	fprintf(stderr, "%s: ", tag);
	perror(what);
	exit(1);
}

static struct sockaddr_in loopback(int port) {
	struct sockaddr_in s;
	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_port = htons(port);
	s.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return s;
}

static void set_assoc_value(int fd, int opt, sctp_assoc_t id, uint32_t v, const char *what) {
	struct sctp_assoc_value av = {id, v};
	if (setsockopt(fd, IPPROTO_SCTP, opt, &av, sizeof(av)) < 0)
		die(what);
}

static uint32_t get_assoc_value(int fd, int opt, const char *what) {
	struct sctp_assoc_value av = {0, 0};
	socklen_t len = sizeof(av);
	if (getsockopt(fd, IPPROTO_SCTP, opt, &av, &len) < 0)
		die(what);
	return av.assoc_value;
}

static void setup(int fd, int reconf, uint32_t grant) {
	set_assoc_value(fd, SCTP_RECONFIG_SUPPORTED, SCTP_FUTURE_ASSOC, reconf,
			"SCTP_RECONFIG_SUPPORTED");
	set_assoc_value(fd, SCTP_ENABLE_STREAM_RESET, SCTP_FUTURE_ASSOC, grant,
			"SCTP_ENABLE_STREAM_RESET");
	uint16_t types[] = {SCTP_STREAM_RESET_EVENT, SCTP_ASSOC_RESET_EVENT,
			    SCTP_STREAM_CHANGE_EVENT};
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct sctp_event e = {0, types[i], 1};
		if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &e, sizeof(e)) < 0)
			die("SCTP_EVENT");
	}
	struct sctp_event_subscribe ev;
	memset(&ev, 0, sizeof(ev));
	socklen_t len = sizeof(ev);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, &len) < 0)
		die("SCTP_EVENTS get");
	if (!ev.sctp_stream_reset_event || !ev.sctp_assoc_reset_event ||
	    !ev.sctp_stream_change_event) {
		fprintf(stderr, "%s: SCTP_EVENT did not show in SCTP_EVENTS\n", tag);
		exit(1);
	}
	ev.sctp_data_io_event = 1;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0)
		die("SCTP_EVENTS");
}

/* Prints one notification; returns its type. */
static int print_event(const char *buf) {
	const union sctp_notification *sn = (const void *)buf;
	switch (sn->sn_header.sn_type) {
	case SCTP_STREAM_RESET_EVENT: {
		const struct sctp_stream_reset_event *e = &sn->sn_strreset_event;
		int n = (e->strreset_length - sizeof(*e)) / 2;
		printf("%s event STREAM_RESET flags=0x%x streams=", tag, e->strreset_flags);
		for (int i = 0; i < n; i++)
			/* Linux copies the ids from the RE-CONFIG parameter: network byte order. */
			printf("%s%d", i ? "," : "", ntohs(e->strreset_stream_list[i]));
		printf("\n");
		break;
	}
	case SCTP_ASSOC_RESET_EVENT: {
		const struct sctp_assoc_reset_event *e = &sn->sn_assocreset_event;
		printf("%s event ASSOC_RESET flags=0x%x local=%u remote=%u\n", tag,
		       e->assocreset_flags, e->assocreset_local_tsn, e->assocreset_remote_tsn);
		break;
	}
	case SCTP_STREAM_CHANGE_EVENT: {
		const struct sctp_stream_change_event *e = &sn->sn_strchange_event;
		printf("%s event STREAM_CHANGE flags=0x%x in=%u out=%u\n", tag,
		       e->strchange_flags, e->strchange_instrms, e->strchange_outstrms);
		break;
	}
	default:
		printf("%s event type=0x%x\n", tag, sn->sn_header.sn_type);
	}
	return sn->sn_header.sn_type;
}

/* Reads and prints until a notification of type `type` (with these flags when `flags` >= 0)
 * or, when `type` is 0, the data message `text`. */
static void wait_for(int fd, int type, int flags, const char *text) {
	char buf[4096];
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 20000) != 1) {
			fprintf(stderr, "%s: timed out waiting for %s 0x%x\n", tag,
				text ? text : "event", type);
			exit(1);
		}
		struct sctp_sndrcvinfo info;
		int mflags = 0;
		memset(&info, 0, sizeof(info));
		ssize_t n = sctp_recvmsg(fd, buf, sizeof(buf) - 1, NULL, NULL, &info, &mflags);
		if (n <= 0)
			die("sctp_recvmsg");
		if (mflags & MSG_NOTIFICATION) {
			int t = print_event(buf);
			const struct sctp_stream_reset_event *e = (const void *)buf;
			fflush(stdout);
			if (type && t == type && (flags < 0 || e->strreset_flags == flags))
				return;
			continue;
		}
		buf[n] = 0;
		last_assoc = info.sinfo_assoc_id;
		printf("%s data stream=%u ssn=%u tsn=%u %s\n", tag, info.sinfo_stream,
		       info.sinfo_ssn, info.sinfo_tsn, buf);
		fflush(stdout);
		if (!type && strcmp(buf, text) == 0)
			return;
	}
}

static void send_on(int fd, int stream, const char *text) {
	if (sctp_sendmsg(fd, text, strlen(text), NULL, 0, 0, 0, stream, 0, 0) < 0)
		die("sctp_sendmsg");
}

/* setsockopt, printing "TAG NAME errno=E" (0 for success). */
static int try_set(int fd, int opt, const void *v, socklen_t len, const char *name) {
	int r = setsockopt(fd, IPPROTO_SCTP, opt, v, len);
	int e = r < 0 ? errno : 0;
	printf("%s %s errno=%s\n", tag, name, e ? strerror(e) : "0");
	fflush(stdout);
	return e;
}

static int reset_streams(int fd, uint16_t flags, int n, const uint16_t *list, const char *name) {
	char buf[sizeof(struct sctp_reset_streams) + 16 * sizeof(uint16_t)];
	struct sctp_reset_streams *r = (void *)buf;
	r->srs_assoc_id = 0;
	r->srs_flags = flags;
	r->srs_number_streams = n;
	memcpy(r->srs_stream_list, list, n * sizeof(uint16_t));
	return try_set(fd, SCTP_RESET_STREAMS, buf, sizeof(*r) + n * sizeof(uint16_t), name);
}

static void print_status(int fd) {
	struct sctp_status st;
	memset(&st, 0, sizeof(st));
	socklen_t len = sizeof(st);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0)
		die("SCTP_STATUS");
	printf("%s status in=%u out=%u\n", tag, st.sstat_instrms, st.sstat_outstrms);
	fflush(stdout);
}

static void bad_arguments(int fd) {
	uint16_t one = 1, big = 100;
	reset_streams(fd, 0, 1, &one, "reset-no-direction");
	reset_streams(fd, SCTP_STREAM_RESET_OUTGOING, 1, &big, "reset-stream-100");
	/* Three streams announced, one given. */
	char buf[sizeof(struct sctp_reset_streams) + sizeof(uint16_t)];
	struct sctp_reset_streams *r = (void *)buf;
	r->srs_assoc_id = 0;
	r->srs_flags = SCTP_STREAM_RESET_OUTGOING;
	r->srs_number_streams = 3;
	r->srs_stream_list[0] = 1;
	try_set(fd, SCTP_RESET_STREAMS, buf, sizeof(buf), "reset-short-list");
	try_set(fd, SCTP_RESET_STREAMS, buf, 4, "reset-short");
	sctp_assoc_t id[2] = {0, 0};
	try_set(fd, SCTP_RESET_ASSOC, id, sizeof(id), "reset-assoc-long");
	struct sctp_add_streams add = {0, 65535, 0};
	try_set(fd, SCTP_ADD_STREAMS, &add, sizeof(add), "add-too-many");
	struct sctp_assoc_value av = {0, 8};
	try_set(fd, SCTP_ENABLE_STREAM_RESET, &av, sizeof(av), "enable-bad-flag");
	char out[64];
	socklen_t len = sizeof(out);
	int g = getsockopt(fd, IPPROTO_SCTP, SCTP_RESET_STREAMS, out, &len);
	printf("%s get-reset-streams errno=%s\n", tag, g < 0 ? strerror(errno) : "0");
}

static void client(int port, const char *mode) {
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		die("socket");
	setup(fd, 1, SCTP_ENABLE_RESET_STREAM_REQ | SCTP_ENABLE_RESET_ASSOC_REQ |
			     SCTP_ENABLE_CHANGE_ASSOC_REQ);
	int usrsctp = strcmp(mode, "usrsctp") == 0;
	if (usrsctp) {
		/* usrsctp's echo_server sends to the UDP port given on its command line. */
		struct sockaddr_in me = loopback(USRSCTP_CLIENT_PORT);
		if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0)
			die("bind");
	}
	struct sockaddr_in to = loopback(port);
	for (int i = 0;; i++) {
		if (connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0)
			break;
		if (i == 100)
			die("connect");
		usleep(50000);
	}
	printf("%s reconfig-supported=%u enable=%u\n", tag,
	       get_assoc_value(fd, SCTP_RECONFIG_SUPPORTED, "SCTP_RECONFIG_SUPPORTED get"),
	       get_assoc_value(fd, SCTP_ENABLE_STREAM_RESET, "SCTP_ENABLE_STREAM_RESET get"));
	send_on(fd, 1, "a0");
	send_on(fd, 1, usrsctp ? "a1-echo" : "a1");
	wait_for(fd, 0, 0, usrsctp ? "a1-echo" : "go1");
	uint16_t one = 1;
	struct sctp_add_streams add = {0, 2, 3};
	if (strcmp(mode, "off") == 0) {
		reset_streams(fd, SCTP_STREAM_RESET_OUTGOING, 1, &one, "reset-out");
		try_set(fd, SCTP_RESET_ASSOC, &(sctp_assoc_t){0}, sizeof(sctp_assoc_t),
			"reset-assoc");
		try_set(fd, SCTP_ADD_STREAMS, &add, sizeof(add), "add-streams");
		send_on(fd, 1, "x");
	} else if (strcmp(mode, "many") == 0) {
		/* The server checks its association ids alone. */
	} else if (strcmp(mode, "deny") == 0 || usrsctp) {
		reset_streams(fd, SCTP_STREAM_RESET_OUTGOING, 1, &one, "reset-out");
		wait_for(fd, SCTP_STREAM_RESET_EVENT, -1, NULL);
		try_set(fd, SCTP_RESET_ASSOC, &(sctp_assoc_t){0}, sizeof(sctp_assoc_t),
			"reset-assoc");
		wait_for(fd, SCTP_ASSOC_RESET_EVENT, -1, NULL);
		try_set(fd, SCTP_ADD_STREAMS, &add, sizeof(add), "add-streams");
		wait_for(fd, SCTP_STREAM_CHANGE_EVENT, -1, NULL);
		wait_for(fd, SCTP_STREAM_CHANGE_EVENT, -1, NULL);
		print_status(fd);
		send_on(fd, 1, "x");
	} else {
		/* 1. Outgoing stream 1. */
		reset_streams(fd, SCTP_STREAM_RESET_OUTGOING, 1, &one, "reset-out");
		wait_for(fd, SCTP_STREAM_RESET_EVENT, -1, NULL);
		send_on(fd, 1, "b0");
		/* 2. Incoming, all streams. */
		reset_streams(fd, SCTP_STREAM_RESET_INCOMING, 0, NULL, "reset-in");
		wait_for(fd, SCTP_STREAM_RESET_EVENT, -1, NULL);
		wait_for(fd, 0, 0, "go2");
		/* 3. SSN/TSN reset. */
		try_set(fd, SCTP_RESET_ASSOC, &(sctp_assoc_t){0}, sizeof(sctp_assoc_t),
			"reset-assoc");
		wait_for(fd, SCTP_ASSOC_RESET_EVENT, -1, NULL);
		send_on(fd, 1, "d0");
		/* 4. Three more outgoing streams, two more incoming. */
		print_status(fd);
		try_set(fd, SCTP_ADD_STREAMS, &add, sizeof(add), "add-streams");
		wait_for(fd, SCTP_STREAM_CHANGE_EVENT, -1, NULL);
		wait_for(fd, SCTP_STREAM_CHANGE_EVENT, -1, NULL);
		print_status(fd);
		send_on(fd, 12, "e0");
		wait_for(fd, 0, 0, "go4");
		/* 5. */
		bad_arguments(fd);
	}
	send_on(fd, 0, "bye");
	wait_for(fd, 0, 0, "bye");
	printf("%s done\n", tag);
	close(fd);
}

/* getsockopt of an sctp_assoc_value at association `id`: "value" or "errno". */
static void show(int fd, int opt, sctp_assoc_t id, const char *name) {
	struct sctp_assoc_value av = {id, 0};
	socklen_t len = sizeof(av);
	if (getsockopt(fd, IPPROTO_SCTP, opt, &av, &len) < 0)
		printf("%s get %s errno=%s\n", tag, name, strerror(errno));
	else
		printf("%s get %s %u\n", tag, name, av.assoc_value);
}

static void set_at(int fd, int opt, sctp_assoc_t id, uint32_t v, const char *name) {
	struct sctp_assoc_value av = {id, v};
	int r = setsockopt(fd, IPPROTO_SCTP, opt, &av, sizeof(av));
	printf("%s set %s errno=%s\n", tag, name, r < 0 ? strerror(errno) : "0");
}

/* MODE "many": a one-to-many server checks which association ids the two RE-CONFIG switch
 * options take (Linux `sctp_id2assoc` and SCTP_{FUTURE,CURRENT,ALL}_ASSOC). */
static void server_many(int port) {
	int fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (fd < 0)
		die("socket");
	setup(fd, 1, SCTP_ENABLE_RESET_STREAM_REQ);
	struct sockaddr_in me = loopback(port);
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0)
		die("bind");
	if (listen(fd, 1) < 0)
		die("listen");
	printf("%s listening\n", tag);
	wait_for(fd, 0, 0, "a1");
	sctp_assoc_t a = last_assoc;
	const int E = SCTP_ENABLE_STREAM_RESET, R = SCTP_RECONFIG_SUPPORTED;
	show(fd, E, a, "enable-assoc");
	set_at(fd, E, SCTP_CURRENT_ASSOC, 2, "enable-current-2");
	show(fd, E, a, "enable-assoc");
	show(fd, E, SCTP_FUTURE_ASSOC, "enable-future");
	set_at(fd, E, SCTP_ALL_ASSOC, 4, "enable-all-4");
	show(fd, E, a, "enable-assoc");
	show(fd, E, SCTP_FUTURE_ASSOC, "enable-future");
	set_at(fd, E, a, 3, "enable-assoc-3");
	show(fd, E, a, "enable-assoc");
	show(fd, E, SCTP_FUTURE_ASSOC, "enable-future");
	show(fd, E, SCTP_CURRENT_ASSOC, "enable-current");
	show(fd, E, 999, "enable-999");
	set_at(fd, E, 999, 1, "enable-999");
	show(fd, R, a, "reconf-assoc");
	show(fd, R, 999, "reconf-999");
	set_at(fd, R, a, 0, "reconf-assoc-0");
	show(fd, R, a, "reconf-assoc");
	show(fd, R, SCTP_FUTURE_ASSOC, "reconf-future");
	struct sctp_sndrcvinfo info;
	memset(&info, 0, sizeof(info));
	info.sinfo_assoc_id = a;
	if (sctp_send(fd, "go1", 3, &info, 0) < 0)
		die("sctp_send");
	wait_for(fd, 0, 0, "bye");
	if (sctp_send(fd, "bye", 3, &info, 0) < 0)
		die("sctp_send");
	printf("%s done\n", tag);
	sleep(1);
	close(fd);
}

static void server(int port, const char *mode) {
	if (strcmp(mode, "many") == 0) {
		server_many(port);
		return;
	}
	int lfd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (lfd < 0)
		die("socket");
	int on = strcmp(mode, "off") != 0;
	uint32_t grant = strcmp(mode, "full") == 0 ? SCTP_ENABLE_RESET_STREAM_REQ |
							  SCTP_ENABLE_RESET_ASSOC_REQ |
							  SCTP_ENABLE_CHANGE_ASSOC_REQ
						: 0;
	setup(lfd, on, grant);
	struct sockaddr_in me = loopback(port);
	if (bind(lfd, (struct sockaddr *)&me, sizeof(me)) < 0)
		die("bind");
	if (listen(lfd, 1) < 0)
		die("listen");
	printf("%s listening\n", tag);
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	printf("%s reconfig-supported=%u\n", tag,
	       get_assoc_value(fd, SCTP_RECONFIG_SUPPORTED, "SCTP_RECONFIG_SUPPORTED get"));
	wait_for(fd, 0, 0, "a1");
	send_on(fd, 2, "s0");
	send_on(fd, 2, "s1");
	send_on(fd, 0, "go1");
	if (strcmp(mode, "full") == 0) {
		wait_for(fd, 0, 0, "b0");
		/* The client's incoming reset is done with our own outgoing reset. */
		wait_for(fd, SCTP_STREAM_RESET_EVENT, SCTP_STREAM_RESET_OUTGOING_SSN, NULL);
		send_on(fd, 2, "s2");
		send_on(fd, 0, "go2");
		wait_for(fd, 0, 0, "d0");
		wait_for(fd, 0, 0, "e0");
		print_status(fd);
		send_on(fd, 0, "go4");
	} else {
		wait_for(fd, 0, 0, "x");
		print_status(fd);
	}
	wait_for(fd, 0, 0, "bye");
	send_on(fd, 0, "bye");
	printf("%s done\n", tag);
	/* Let the client read the last message before the association goes. */
	char b[16];
	struct pollfd p = {fd, POLLIN, 0};
	poll(&p, 1, 5000);
	(void)!read(fd, b, sizeof(b));
	close(fd);
	close(lfd);
}

int main(int argc, char **argv) {
	if (argc != 4) {
		fprintf(stderr, "usage: reconf server|client PORT full|deny|off|usrsctp|many\n");
		return 2;
	}
	tag = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "server") == 0)
		server(atoi(argv[2]), argv[3]);
	else
		client(atoi(argv[2]), argv[3]);
	return 0;
}
