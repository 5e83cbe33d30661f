/* SCTP_AUTO_ASCONF (issue #5; Linux sctp_addr_wq / sctp_asconf_mgmt): a client bound to the
 * wildcard with SCTP_AUTO_ASCONF on follows the host's address changes and tells its peer
 * (RFC 5061 ASCONF, AUTH and ASCONF on through SCTPSHIM_AUTH_ENABLE / SCTPSHIM_ADDIP_ENABLE).
 * Addresses are IPv4 or IPv6 (FAMILY 4 or 6 for the listeners' wildcard).
 *   mh_auto_asconf server PORT FAMILY
 *     wildcard listener; prints "accepted", then "event STATE ADDR" for each
 *     SCTP_PEER_ADDR_CHANGE. Once an added address is confirmed it makes it the primary and
 *     sends "via ADDR" there; when an address is removed it sends "bye" and closes.
 *   mh_auto_asconf client PORT CPORT SERVER
 *     prints "default N" (SCTP_AUTO_ASCONF of a new socket), checks Linux's rules for
 *     turning it on (EINVAL unless bound to the wildcard), binds the
 *     wildcard, turns it on, connects; prints "connected", "got MESSAGE" per message, exits
 *     after "bye".
 *   mh_auto_asconf listen PORT N FAMILY
 *     wildcard listener for N associations, each closed when its peer closes.
 *   mh_auto_asconf peers PORT SERVER
 *     connects and prints "peer ADDR" for each address sctp_getpaddrs lists. */
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

#include "mh_common.h"

static const char *state_name(int s) {
	static const char *names[] = {"AVAILABLE", "UNREACHABLE", "REMOVED", "ADDED",
				      "MADE_PRIM", "CONFIRMED", "POTENTIALLY_FAILED"};
	return s >= 0 && s < 7 ? names[s] : "?";
}

/* IP:port of either family into `ss`; its length. */
static socklen_t addr_of(const char *ip, int port, struct sockaddr_storage *ss) {
	memset(ss, 0, sizeof(*ss));
	if (!strchr(ip, ':')) {
		struct sockaddr_in s = sa(ip, port);
		memcpy(ss, &s, sizeof(s));
		return sizeof(s);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1)
		die("address");
	return sizeof(*s6);
}

/* The address of a (possibly packed) sockaddr of either family, as text. */
static const char *ntop(const void *addr, char *buf, size_t n) {
	struct sockaddr_storage ss;
	memcpy(&ss, addr, sizeof(struct sockaddr_in6));
	if (ss.ss_family == AF_INET6)
		return inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, n);
	return inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf, n);
}

/* A socket of `family` bound to its wildcard address and `port`. */
static int wildcard_socket(int family, int port) {
	int fd = socket(family, SOCK_STREAM, IPPROTO_SCTP);
	struct sockaddr_storage ss;
	socklen_t len = addr_of(family == AF_INET6 ? "::" : "0.0.0.0", port, &ss);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind wildcard");
	return fd;
}

static int auto_asconf(int fd, int on) {
	return setsockopt(fd, IPPROTO_SCTP, SCTP_AUTO_ASCONF, &on, sizeof(on));
}

static int server(int port, int family) {
	int lfd = wildcard_socket(family, port);
	if (listen(lfd, 1) < 0)
		die("listen");
	struct sctp_event_subscribe ev;
	memset(&ev, 0, sizeof(ev));
	ev.sctp_address_event = 1;
	if (setsockopt(lfd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0)
		die("SCTP_EVENTS");
	printf("listening\n");
	fflush(stdout);
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	printf("accepted\n");
	fflush(stdout);
	char added[INET6_ADDRSTRLEN] = "";
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 60000) != 1)
			die("poll");
		union sctp_notification n;
		int flags = 0;
		ssize_t r = sctp_recvmsg(fd, &n, sizeof(n), NULL, NULL, NULL, &flags);
		if (r <= 0)
			die("recv");
		if (!(flags & MSG_NOTIFICATION) || n.sn_header.sn_type != SCTP_PEER_ADDR_CHANGE)
			continue;
		struct sctp_paddr_change *c = &n.sn_paddr_change;
		char ip[INET6_ADDRSTRLEN];
		ntop(&c->spc_aaddr, ip, sizeof(ip));
		printf("event %s %s\n", state_name(c->spc_state), ip);
		fflush(stdout);
		if (c->spc_state == SCTP_ADDR_ADDED)
			strcpy(added, ip);
		if (c->spc_state == SCTP_ADDR_CONFIRMED && strcmp(ip, added) == 0) {
			struct sctp_prim prim;
			memset(&prim, 0, sizeof(prim));
			memcpy(&prim.ssp_addr, &c->spc_aaddr, sizeof(prim.ssp_addr));
			if (setsockopt(fd, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &prim, sizeof(prim)) < 0)
				die("SCTP_PRIMARY_ADDR");
			char msg[64];
			snprintf(msg, sizeof(msg), "via %s", ip);
			if (send(fd, msg, strlen(msg), 0) < 0)
				die("send");
			printf("sent %s\n", msg);
			fflush(stdout);
		}
		if (c->spc_state == SCTP_ADDR_REMOVED) {
			if (send(fd, "bye", 3, 0) < 0)
				die("send bye");
			sleep(1);
			close(fd);
			close(lfd);
			printf("done\n");
			return 0;
		}
	}
}

static int client(int port, int cport, const char *server_ip) {
	struct sockaddr_storage srv;
	socklen_t slen = addr_of(server_ip, port, &srv);
	int family = srv.ss_family;
	int fd = socket(family, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		die("socket");
	int dflt = -1;
	socklen_t dlen = sizeof(dflt);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_AUTO_ASCONF, &dflt, &dlen) < 0)
		die("SCTP_AUTO_ASCONF");
	printf("default %d\n", dflt);
	int unbound = auto_asconf(fd, 1) < 0 && errno == EINVAL;
	int specific = socket(family, SOCK_STREAM, IPPROTO_SCTP);
	struct sockaddr_storage lo;
	socklen_t llen = addr_of(family == AF_INET6 ? "::1" : "127.0.0.1", 0, &lo);
	if (specific < 0 || bind(specific, (struct sockaddr *)&lo, llen) < 0)
		die("bind specific");
	int bound_specific = auto_asconf(specific, 1) < 0 && errno == EINVAL;
	close(specific);
	close(fd);
	fd = wildcard_socket(family, cport);
	int on = 0;
	socklen_t len = sizeof(on);
	int wildcard = auto_asconf(fd, 1) == 0 &&
		       getsockopt(fd, IPPROTO_SCTP, SCTP_AUTO_ASCONF, &on, &len) == 0 && on == 1;
	printf("rules %s\n", unbound && bound_specific && wildcard ? "ok" : "FAIL");
	if (connect(fd, (struct sockaddr *)&srv, slen) < 0)
		die("connect");
	printf("connected\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 60000) != 1)
			die("poll");
		char buf[256];
		ssize_t r = recv(fd, buf, sizeof(buf) - 1, 0);
		if (r <= 0)
			die("recv");
		buf[r] = 0;
		printf("got %s\n", buf);
		fflush(stdout);
		if (strcmp(buf, "bye") == 0)
			break;
	}
	close(fd);
	return 0;
}

static int listener(int port, int n, int family) {
	int lfd = wildcard_socket(family, port);
	if (listen(lfd, 4) < 0)
		die("listen");
	printf("listening\n");
	fflush(stdout);
	for (int k = 0; k < n; k++) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		char buf[64];
		while (recv(fd, buf, sizeof(buf), 0) > 0)
			;
		close(fd);
	}
	close(lfd);
	return 0;
}

static int peers(int port, const char *server_ip) {
	struct sockaddr_storage srv;
	socklen_t slen = addr_of(server_ip, port, &srv);
	int fd = socket(srv.ss_family, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0 || connect(fd, (struct sockaddr *)&srv, slen) < 0)
		die("connect");
	struct sockaddr *addrs;
	int n = sctp_getpaddrs(fd, 0, &addrs);
	if (n < 0)
		die("sctp_getpaddrs");
	char *at = (char *)addrs;
	for (int k = 0; k < n; k++) {
		char ip[INET6_ADDRSTRLEN];
		int v6 = ((struct sockaddr *)at)->sa_family == AF_INET6;
		printf("peer %s\n", ntop(at, ip, sizeof(ip)));
		at += v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	}
	sctp_freepaddrs(addrs);
	close(fd);
	return 0;
}

static int family_of(const char *arg) {
	return strcmp(arg, "6") == 0 ? AF_INET6 : AF_INET;
}

int main(int argc, char **argv) {
	if (argc == 4 && strcmp(argv[1], "server") == 0)
		return server(atoi(argv[2]), family_of(argv[3]));
	if (argc == 5 && strcmp(argv[1], "client") == 0)
		return client(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (argc == 5 && strcmp(argv[1], "listen") == 0)
		return listener(atoi(argv[2]), atoi(argv[3]), family_of(argv[4]));
	if (argc == 4 && strcmp(argv[1], "peers") == 0)
		return peers(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: mh_auto_asconf server PORT FAMILY | client PORT CPORT SERVER | "
			"listen PORT N FAMILY | peers PORT SERVER\n");
	return 2;
}
