/* SCTP_DSTADDRV4/V6 on a message that sets an association up (Linux sctp_sendmsg_new_asoc):
 * the addresses join the new association's peer list, so when the destination does not
 * answer the INIT is retransmitted to them. The test drops every packet to 127.0.0.3 and
 * 127.0.0.5 (nftables). One process, one-to-many sockets; one "ok"/"FAIL" line per check. */
#include "sctp_common.h"
#include <netinet/sctp.h>
#include <poll.h>
#include <sys/time.h>
#include <unistd.h>
#include "checks.h"

#define PORT 5540

static int client;

/* sendmsg of `text` to `ip`:PORT with one DSTADDR cmsg of `type` carrying `len` bytes of
 * `addr` (no cmsg when len is 0). */
static ssize_t send_with(const char *ip, const char *text, int type, const void *addr, size_t len)
{
	struct sockaddr_in to = addr_of(ip, PORT);
	struct iovec iov = {(void *)text, strlen(text)};
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_addr))];
		struct cmsghdr align;
	} c;
	memset(&c, 0, sizeof(c));
	struct msghdr m = {.msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov, .msg_iovlen = 1};
	if (len) {
		struct cmsghdr *h = (struct cmsghdr *)c.buf;
		h->cmsg_level = IPPROTO_SCTP;
		h->cmsg_type = type;
		h->cmsg_len = CMSG_LEN(len);
		memcpy(CMSG_DATA(h), addr, len);
		m.msg_control = c.buf;
		m.msg_controllen = CMSG_SPACE(len);
	}
	return sendmsg(client, &m, 0);
}

/* The next message on `server` within `ms`, or "" */
static const char *next_message(int server, int ms)
{
	static char buf[64];
	struct pollfd p = {server, POLLIN, 0};
	for (;;) {
		if (poll(&p, 1, ms) != 1)
			return "";
		int flags = 0;
		ssize_t n = sctp_recvmsg(server, buf, sizeof(buf) - 1, NULL, NULL, NULL, &flags);
		if (n < 0)
			return "";
		if (flags & MSG_NOTIFICATION)
			continue;
		buf[n] = 0;
		return buf;
	}
}

static int assoc_count(void)
{
	uint32_t n = 0;
	socklen_t len = sizeof(n);
	if (getsockopt(client, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) < 0)
		die("SCTP_GET_ASSOC_NUMBER");
	return (int)n;
}

int main(void)
{
	struct sockaddr_in any = addr_of("0.0.0.0", PORT);
	int server = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (server < 0 || bind(server, (struct sockaddr *)&any, sizeof(any)) < 0 || listen(server, 8) < 0)
		die("server");
	client = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	struct sctp_rtoinfo rto = {.srto_initial = 200, .srto_max = 400, .srto_min = 100};
	struct sctp_initmsg im = {.sinit_max_attempts = 4};
	if (client < 0 || setsockopt(client, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)) < 0 ||
	    setsockopt(client, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)) < 0)
		die("client");
	struct in_addr one, v4_short = {0};
	struct in6_addr v6;
	inet_pton(AF_INET, "127.0.0.1", &one);
	inet_pton(AF_INET6, "::1", &v6);

	CHECK("a message to a silent address with SCTP_DSTADDRV4 127.0.0.1 is taken",
	      send_with("127.0.0.3", "first", SCTP_DSTADDRV4, &one, sizeof(one)) == 5);
	CHECK("it arrives: the INIT was retransmitted to the DSTADDR address",
	      strcmp(next_message(server, 5000), "first") == 0);
	CHECK("one association", assoc_count() == 1);
	CHECK("a later message to the same destination with a short DSTADDR cmsg is sent (no new association)",
	      send_with("127.0.0.3", "second", SCTP_DSTADDRV4, &v4_short, 2) == 6);
	CHECK("it arrives", strcmp(next_message(server, 5000), "second") == 0);
	REFUSED("a short SCTP_DSTADDRV4 on a message that sets an association up: EINVAL", EINVAL,
		send_with("127.0.0.4", "x", SCTP_DSTADDRV4, &v4_short, 2));
	REFUSED("SCTP_DSTADDRV6 on an AF_INET socket's new association: EINVAL", EINVAL,
		send_with("127.0.0.4", "x", SCTP_DSTADDRV6, &v6, sizeof(v6)));
	CHECK("no association was set up by the refused messages", assoc_count() == 1);
	CHECK("without SCTP_DSTADDRV4, a message to a silent address is taken",
	      send_with("127.0.0.5", "third", 0, NULL, 0) == 5);
	CHECK("and never arrives", strcmp(next_message(server, 1500), "") == 0);
	close(client);
	close(server);
	return failures;
}
