/* Dynamic addresses (issue #5, RFC 5061 ASCONF with RFC 4895 AUTH), in one process on loopback
 * addresses. Both sockets turn AUTH and ASCONF on (SCTP_AUTH_SUPPORTED, SCTP_ASCONF_SUPPORTED),
 * the server listens on 127.0.1.1:PORT, the client binds 127.0.0.1 + 127.0.0.2 and connects.
 * Then, on the live association:
 *   1. client sctp_bindx(ADD 127.0.0.3): the server gets SCTP_PEER_ADDR_CHANGE ADDR_ADDED, the
 *      path is confirmed (ADDR_CONFIRMED) and its sctp_getpaddrs lists it;
 *   2. client SCTP_SET_PEER_PRIMARY_ADDR 127.0.0.3: the server gets ADDR_MADE_PRIM, its
 *      SCTP_PRIMARY_ADDR is 127.0.0.3 and a message it sends arrives;
 *   3. client sctp_bindx(REM 127.0.0.2): the server gets ADDR_REMOVED, its sctp_getpaddrs no
 *      longer lists it, the client's sctp_getladdrs neither; a message still goes both ways.
 * Usage: mh_asconf PORT CPORT [env]. With "env" the sockets do not set the two options (the
 * environment turns them on: SCTPSHIM_AUTH_ENABLE=1 SCTPSHIM_ADDIP_ENABLE=1).
 * Prints "step N ok" lines, "peer A:P" lists, "done". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mh_common.h"

/* The IPv4 address of a (possibly packed, unaligned) sockaddr_storage, copied out first. */
static const char *ntop(const void *ss, char *buf) {
	struct sockaddr_in s;
	memcpy(&s, ss, sizeof(s));
	inet_ntop(AF_INET, &s.sin_addr, buf, INET_ADDRSTRLEN);
	return buf;
}

static int use_env;

static void enable_ext(int fd) {
	struct sctp_assoc_value av = {0, 1};
	if (!use_env && setsockopt(fd, IPPROTO_SCTP, SCTP_AUTH_SUPPORTED, &av, sizeof(av)) < 0)
		die("SCTP_AUTH_SUPPORTED");
	if (!use_env && setsockopt(fd, IPPROTO_SCTP, SCTP_ASCONF_SUPPORTED, &av, sizeof(av)) < 0)
		die("SCTP_ASCONF_SUPPORTED");
	struct sctp_event_subscribe ev;
	memset(&ev, 0, sizeof(ev));
	ev.sctp_data_io_event = 1;
	ev.sctp_address_event = 1;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0)
		die("SCTP_EVENTS");
}

static const char *state_name(int s) {
	switch (s) {
	case SCTP_ADDR_AVAILABLE: return "AVAILABLE";
	case SCTP_ADDR_UNREACHABLE: return "UNREACHABLE";
	case SCTP_ADDR_REMOVED: return "REMOVED";
	case SCTP_ADDR_ADDED: return "ADDED";
	case SCTP_ADDR_MADE_PRIM: return "MADE_PRIM";
	case SCTP_ADDR_CONFIRMED: return "CONFIRMED";
	case SCTP_ADDR_POTENTIALLY_FAILED: return "PF";
	default: return "?";
	}
}

/* Reads from fd until a PEER_ADDR_CHANGE of `state` for `ip` (printing every change seen as
 * "TAG change STATE ADDR") or a data message when `state` is -1 (printed "TAG data TEXT"). */
static void wait_for(int fd, const char *tag, int state, const char *ip) {
	char buf[4096];
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 15000) != 1) {
			fprintf(stderr, "%s: timed out waiting for %s %s\n", tag,
				state < 0 ? "data" : state_name(state), ip ? ip : "");
			exit(1);
		}
		struct sctp_sndrcvinfo info;
		int flags = 0;
		ssize_t n = sctp_recvmsg(fd, buf, sizeof(buf) - 1, NULL, NULL, &info, &flags);
		if (n <= 0)
			die("sctp_recvmsg");
		if (!(flags & MSG_NOTIFICATION)) {
			buf[n] = 0;
			printf("%s data %s\n", tag, buf);
			if (state < 0)
				return;
			continue;
		}
		union sctp_notification *sn = (union sctp_notification *)buf;
		if (sn->sn_header.sn_type != SCTP_PEER_ADDR_CHANGE)
			continue;
		char a[INET_ADDRSTRLEN];
		ntop((const char *)sn + offsetof(struct sctp_paddr_change, spc_aaddr), a);
		printf("%s change %s %s\n", tag, state_name(sn->sn_paddr_change.spc_state), a);
		fflush(stdout);
		if (state >= 0 && sn->sn_paddr_change.spc_state == state && strcmp(a, ip) == 0)
			return;
	}
}

static void print_list(const char *tag, int fd, int peer) {
	struct sockaddr *addrs;
	int n = peer ? sctp_getpaddrs(fd, 0, &addrs) : sctp_getladdrs(fd, 0, &addrs);
	if (n < 0)
		die(peer ? "sctp_getpaddrs" : "sctp_getladdrs");
	struct sockaddr_in *s = (struct sockaddr_in *)addrs;
	for (int i = 0; i < n; i++) {
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &s[i].sin_addr, a, sizeof(a));
		printf("%s %s %s:%d\n", tag, peer ? "peer" : "local", a, ntohs(s[i].sin_port));
	}
	if (peer)
		sctp_freepaddrs(addrs);
	else
		sctp_freeladdrs(addrs);
}

static void send_text(int fd, const char *text) {
	if (sctp_sendmsg(fd, text, strlen(text), NULL, 0, 0, 0, 0, 0, 0) < 0)
		die("sctp_sendmsg");
}

int main(int argc, char **argv) {
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: mh_asconf PORT CPORT [env]\n");
		return 2;
	}
	use_env = argc == 4 && strcmp(argv[3], "env") == 0;
	int port = atoi(argv[1]), cport = atoi(argv[2]);

	int lfd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (lfd < 0)
		die("socket");
	enable_ext(lfd);
	struct sockaddr_in s1 = sa("127.0.1.1", port);
	if (bind(lfd, (struct sockaddr *)&s1, sizeof(s1)) < 0)
		die("bind server");
	if (listen(lfd, 1) < 0)
		die("listen");

	int cfd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (cfd < 0)
		die("socket");
	enable_ext(cfd);
	struct sockaddr_in c1 = sa("127.0.0.1", cport), c2 = sa("127.0.0.2", cport);
	if (bind(cfd, (struct sockaddr *)&c1, sizeof(c1)) < 0)
		die("bind client");
	if (sctp_bindx(cfd, (struct sockaddr *)&c2, 1, SCTP_BINDX_ADD_ADDR) < 0)
		die("sctp_bindx add 127.0.0.2");
	if (connect(cfd, (struct sockaddr *)&s1, sizeof(s1)) < 0)
		die("connect");
	int sfd = accept(lfd, NULL, NULL);
	if (sfd < 0)
		die("accept");
	enable_ext(sfd);

	struct sctp_assoc_value av = {0, 0};
	socklen_t len = sizeof(av);
	if (getsockopt(cfd, IPPROTO_SCTP, SCTP_ASCONF_SUPPORTED, &av, &len) < 0)
		die("get SCTP_ASCONF_SUPPORTED");
	printf("client asconf %u\n", av.assoc_value);
	print_list("server", sfd, 1);
	send_text(cfd, "hello");
	wait_for(sfd, "server", -1, NULL);

	/* 1. add */
	struct sockaddr_in c3 = sa("127.0.0.3", cport);
	if (sctp_bindx(cfd, (struct sockaddr *)&c3, 1, SCTP_BINDX_ADD_ADDR) < 0)
		die("sctp_bindx add 127.0.0.3");
	wait_for(sfd, "server", SCTP_ADDR_ADDED, "127.0.0.3");
	wait_for(sfd, "server", SCTP_ADDR_CONFIRMED, "127.0.0.3");
	print_list("step1", sfd, 1);
	printf("step 1 ok\n");

	/* 2. set peer primary */
	struct sctp_setpeerprim spp;
	memset(&spp, 0, sizeof(spp));
	memcpy(&spp.sspp_addr, &c3, sizeof(c3));
	if (setsockopt(cfd, IPPROTO_SCTP, SCTP_SET_PEER_PRIMARY_ADDR, &spp, sizeof(spp)) < 0)
		die("SCTP_SET_PEER_PRIMARY_ADDR");
	wait_for(sfd, "server", SCTP_ADDR_MADE_PRIM, "127.0.0.3");
	struct sctp_prim prim;
	memset(&prim, 0, sizeof(prim));
	len = sizeof(prim);
	if (getsockopt(sfd, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &prim, &len) < 0)
		die("get SCTP_PRIMARY_ADDR");
	char a[INET_ADDRSTRLEN];
	printf("server primary %s\n", ntop((const char *)&prim + offsetof(struct sctp_prim, ssp_addr), a));
	send_text(sfd, "via-new-primary");
	wait_for(cfd, "client", -1, NULL);
	printf("step 2 ok\n");

	/* 3. remove */
	if (sctp_bindx(cfd, (struct sockaddr *)&c2, 1, SCTP_BINDX_REM_ADDR) < 0)
		die("sctp_bindx rem 127.0.0.2");
	wait_for(sfd, "server", SCTP_ADDR_REMOVED, "127.0.0.2");
	print_list("step3", sfd, 1);
	print_list("step3", cfd, 0);
	send_text(cfd, "after-remove");
	wait_for(sfd, "server", -1, NULL);
	send_text(sfd, "reply");
	wait_for(cfd, "client", -1, NULL);
	printf("step 3 ok\n");

	close(cfd);
	close(sfd);
	close(lfd);
	printf("done\n");
	return 0;
}
