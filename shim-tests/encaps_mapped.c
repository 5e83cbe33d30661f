/* IPv4-mapped IPv6 addresses and SCTP_REMOTE_UDP_ENCAPS_PORT end to end.
 *
 *   encaps_mapped server PORT          AF_INET6 wildcard listener: echoes one message per
 *                                      association, holds it until the client closes, and
 *                                      reports the peer's address form
 *   encaps_mapped mapped PORT          AF_INET6 client to ::ffff:127.0.0.1
 *   encaps_mapped encaps PORT UDPPORT  AF_INET client whose SCTP_REMOTE_UDP_ENCAPS_PORT is
 *                                      UDPPORT (the server runs in fixed UDP port mode)
 *   encaps_mapped plain PORT           the same client without the option: refused
 *
 * One "ok"/"FAIL" line per check. */
#include "sctp_common.h"
#include <netinet/sctp.h>
#include <unistd.h>
#include "checks.h"

/* Echo one message, then hold the association until the client closes it. */
static void echo_once(int c)
{
	char b[64];
	ssize_t n = recv(c, b, sizeof(b), 0);
	if (n > 0 && send(c, b, (size_t)n, 0) != n)
		die("echo");
	while (recv(c, b, sizeof(b), 0) > 0)
		;
}

static void server(int port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port)};
	int l = socket(AF_INET6, SOCK_STREAM, IPPROTO_SCTP);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4) < 0)
		die("listen");
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		int c = accept(l, (struct sockaddr *)&from, &len);
		if (c < 0)
			die("accept");
		struct sockaddr_in6 *p = (struct sockaddr_in6 *)&from;
		CHECK("the server sees an IPv4 peer as an IPv4-mapped IPv6 address",
		      from.ss_family == AF_INET6 && len == sizeof(*p) && IN6_IS_ADDR_V4MAPPED(&p->sin6_addr));
		fflush(stdout);
		echo_once(c);
		close(c);
	}
}

static int exchange(int fd)
{
	char b[16];
	return send(fd, "ping", 4, 0) == 4 && recv(fd, b, sizeof(b), 0) == 4 && memcmp(b, "ping", 4) == 0;
}

static void mapped(int port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port)};
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &a.sin6_addr);
	int c = socket(AF_INET6, SOCK_STREAM, IPPROTO_SCTP);
	CHECK("connect to ::ffff:127.0.0.1", c >= 0 && connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK("messages both ways", exchange(c));
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sockaddr_in6 *p = (struct sockaddr_in6 *)&ss;
	CHECK("getpeername: ::ffff:127.0.0.1 and the port",
	      getpeername(c, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_INET6 &&
		      memcmp(&p->sin6_addr, &a.sin6_addr, 16) == 0 && p->sin6_port == a.sin6_port);
	len = sizeof(ss);
	CHECK("getsockname: an IPv4-mapped address",
	      getsockname(c, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_INET6 &&
		      IN6_IS_ADDR_V4MAPPED(&p->sin6_addr));
	int off = 0;
	len = sizeof(ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	CHECK("SCTP_I_WANT_MAPPED_V4_ADDR off: getpeername gives a sockaddr_in",
	      setsockopt(c, IPPROTO_SCTP, SCTP_I_WANT_MAPPED_V4_ADDR, &off, sizeof(off)) == 0 &&
		      getpeername(c, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_INET &&
		      len == sizeof(*v4) && v4->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	close(c);
	int only = 1, v6 = socket(AF_INET6, SOCK_STREAM, IPPROTO_SCTP);
	if (v6 < 0 || setsockopt(v6, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof(only)) < 0)
		die("IPV6_V6ONLY");
	REFUSED("IPV6_V6ONLY: connect to an IPv4-mapped address is EINVAL", EINVAL,
		connect(v6, (struct sockaddr *)&a, sizeof(a)));
	close(v6);
}

static int client(int port, int udp_port)
{
	int c = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (c < 0)
		die("socket");
	if (udp_port) {
		struct sctp_udpencaps u;
		memset(&u, 0, sizeof(u));
		u.sue_port = htons((unsigned short)udp_port);
		CHECK("SCTP_REMOTE_UDP_ENCAPS_PORT set",
		      setsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &u, sizeof(u)) == 0);
		memset(&u, 0, sizeof(u));
		socklen_t len = sizeof(u);
		CHECK("SCTP_REMOTE_UDP_ENCAPS_PORT reads back (network byte order)",
		      getsockopt(c, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &u, &len) == 0 &&
			      ntohs(u.sue_port) == udp_port);
	}
	struct sctp_initmsg im = {.sinit_max_attempts = 2};
	struct sctp_rtoinfo rto = {.srto_initial = 200, .srto_max = 300, .srto_min = 100};
	setsockopt(c, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
	setsockopt(c, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto));
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	int ok = connect(c, (struct sockaddr *)&a, sizeof(a)) == 0 && exchange(c);
	close(c);
	return ok;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		die("usage");
	int port = atoi(argv[2]);
	if (strcmp(argv[1], "server") == 0)
		server(port);
	else if (strcmp(argv[1], "mapped") == 0)
		mapped(port);
	else if (strcmp(argv[1], "encaps") == 0 && argc == 4)
		CHECK("the association to a fixed-port peer works", client(port, atoi(argv[3])));
	else if (strcmp(argv[1], "plain") == 0)
		CHECK("without the option the INIT goes to the mirror port: no association", !client(port, 0));
	else
		die("usage");
	return failures;
}
