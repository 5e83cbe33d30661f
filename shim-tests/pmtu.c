/* Path MTU discovery over UDP encapsulation.
 *
 *   pmtu server PORT           accept one association, read until end of file, print the count
 *   pmtu client ADDR PORT      send 2 MB in 8 KB messages; check the path MTU before and after
 *
 * The test puts a router with a smaller MTU on the way; the client's path MTU must drop to
 * what ICMP reports and the data must arrive; then PLPMTUD probes (HEARTBEAT + PAD) must find
 * the size again from the base. One "ok"/"FAIL" line per check. */
#include "sctp_common.h"
#include <netinet/sctp.h>
#include <unistd.h>
#include "checks.h"

#define TOTAL (2 << 20)
#define MSG 8192

static void server(int port)
{
	struct sockaddr_in a = addr_of("0.0.0.0", port);
	int l = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0)
		die("listen");
	printf("listening\n");
	int c = accept(l, NULL, NULL);
	if (c < 0)
		die("accept");
	static char b[65536];
	long total = 0;
	ssize_t n;
	while ((n = recv(c, b, sizeof(b), 0)) > 0)
		total += n;
	printf("received %ld\n", total);
	CHECK("the server received everything", total == TOTAL);
	close(c);
	close(l);
}

static uint32_t path_mtu(int fd, const char *ip, int port)
{
	struct sctp_paddrinfo pi;
	memset(&pi, 0, sizeof(pi));
	struct sockaddr_in a = addr_of(ip, port);
	memcpy(&pi.spinfo_address, &a, sizeof(a));
	socklen_t len = sizeof(pi);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &len) < 0)
		die("SCTP_GET_PEER_ADDR_INFO");
	return pi.spinfo_mtu;
}

/* Whether everything sent on `fd` is acknowledged, asking every 100 ms at most `tries` times. */
static int all_acked(int fd, int tries)
{
	for (int i = 0; i < tries; i++) {
		struct sctp_status st;
		memset(&st, 0, sizeof(st));
		socklen_t len = sizeof(st);
		if (getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0)
			die("SCTP_STATUS");
		if (st.sstat_unackdata == 0 && st.sstat_penddata == 0)
			return 1;
		usleep(100 * 1000);
	}
	return 0;
}

static void client(const char *ip, int port, uint32_t link)
{
	struct sockaddr_in a = addr_of(ip, port);
	int c = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	uint32_t before = path_mtu(c, ip, port);
	static char m[MSG];
	memset(m, 'p', sizeof(m));
	for (long sent = 0; sent < TOTAL; sent += MSG)
		if (send(c, m, MSG, 0) != MSG)
			die("send");
	/* The send buffer may hold much of it: wait until the peer has acknowledged it all. */
	if (!all_acked(c, 100))
		die("2 MB not acknowledged within 10 s");
	uint32_t after = path_mtu(c, ip, port);
	printf("path MTU %u before, %u after (link %u)\n", before, after, link);
	CHECK("the path MTU started from the first link's", before > link);
	CHECK("ICMP lowered it to the narrow link's, less IP and UDP headers",
	      after <= link - 28 && after >= link - 28 - 4);

	/* PLPMTUD (RFC 8899): the path drops to the base size, then probes climb back, one
	 * per interval (1200, 1232, then the largest the path had). */
	struct sctp_probeinterval pi;
	memset(&pi, 0, sizeof(pi));
	pi.spi_interval = 5000;
	CHECK("SCTP_PLPMTUD_PROBE_INTERVAL 5000 ms",
	      setsockopt(c, IPPROTO_SCTP, SCTP_PLPMTUD_PROBE_INTERVAL, &pi, sizeof(pi)) == 0);
	uint32_t base = path_mtu(c, ip, port);
	sleep(13);
	uint32_t probed = path_mtu(c, ip, port);
	printf("PLPMTUD: %u, then %u\n", base, probed);
	CHECK("probing starts from the base size", base == 1200);
	CHECK("acknowledged probes bring the path MTU back", probed == after);
	close(c);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "server") == 0)
		server(atoi(argv[2]));
	else if (argc == 5 && strcmp(argv[1], "client") == 0)
		client(argv[2], atoi(argv[3]), (uint32_t)atoi(argv[4]));
	else
		die("usage");
	return failures;
}
