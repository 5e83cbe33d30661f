/* Path failover over two links (issue #5). One-to-one association between multi-homed
 * endpoints; the client streams a deterministic byte pattern, the server checks every byte.
 * Both log their SCTP_PEER_ADDR_CHANGE notifications ("event STATE ADDR"). The server prints
 * "paddrinfo EACCES" when SCTP_GET_PEER_ADDR_INFO of the client's first address is refused
 * (a PF path, with SCTPSHIM_PF_EXPOSE=1).
 *   mh_failover server PORT ADDR...
 *   mh_failover client PORT BYTES HB_MS PATHMAXRXT PF LADDR... -- PEER...
 * The client sets SCTP_RTOINFO and SCTP_PEER_ADDR_PARAMS / SCTP_PEER_ADDR_THLDS on the socket
 * before connecting, prints "progress P" every 10% sent, and at the end waits up to 20 s
 * until SCTP_GET_PEER_ADDR_INFO reports the first PEER active again ("path ADDR active"). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
	perror(what);
	exit(1);
}

static int parse(const char *ip, int port, struct sockaddr_storage *ss) {
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	fprintf(stderr, "bad address %s\n", ip);
	exit(2);
}

/* packed list of addresses for sctp_bindx / sctp_connectx */
static struct sockaddr *pack(char **ips, int n, int port) {
	char *buf = calloc(n, sizeof(struct sockaddr_in6)), *p = buf;
	for (int i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		int len = parse(ips[i], port, &ss);
		memcpy(p, &ss, len);
		p += len;
	}
	return (struct sockaddr *)buf;
}

static const char *ntop(const struct sockaddr_storage *ss, char *buf) {
	if (ss->ss_family == AF_INET)
		return inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr, buf, INET6_ADDRSTRLEN);
	return inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ss)->sin6_addr, buf, INET6_ADDRSTRLEN);
}

static double now_s(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double t0;

static void log_event(const char *buf, ssize_t n) {
	const union sctp_notification *sn = (const void *)buf;
	if (n < 8 || sn->sn_header.sn_type != SCTP_PEER_ADDR_CHANGE)
		return;
	const struct sctp_paddr_change *c = &sn->sn_paddr_change;
	static const char *names[] = {"AVAILABLE", "UNREACHABLE", "REMOVED", "ADDED",
				      "MADE_PRIM", "CONFIRMED", "POTENTIALLY_FAILED"};
	char a[INET6_ADDRSTRLEN];
	struct sockaddr_storage ss;
	memcpy(&ss, &c->spc_aaddr, sizeof(ss));
	printf("event %s %s at %.2f\n", c->spc_state <= 6 ? names[c->spc_state] : "?", ntop(&ss, a),
	       now_s() - t0);
	fflush(stdout);
}

static void subscribe(int fd) {
	struct sctp_event ev = {.se_type = SCTP_PEER_ADDR_CHANGE, .se_on = 1};
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev)) < 0) {
		struct sctp_event_subscribe es;
		memset(&es, 0, sizeof(es));
		es.sctp_address_event = 1;
		es.sctp_data_io_event = 1;
		if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &es, sizeof(es)) < 0)
			die("SCTP_EVENTS");
	}
}

/* reads one message; logs notifications; returns the data length (0 on EOF, -1 EAGAIN) */
static ssize_t recv_one(int fd, char *buf, size_t size, int flags) {
	for (;;) {
		struct iovec iov = {buf, size};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n = recvmsg(fd, &m, flags);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return -1;
		if (n < 0)
			die("recvmsg");
		if (!(m.msg_flags & MSG_NOTIFICATION))
			return n;
		log_event(buf, n);
	}
}

static unsigned char pattern(unsigned long i) {
	return (unsigned char)(i * 7 + i / 251);
}

/* SCTP_GET_PEER_ADDR_INFO of `addr`: 1 when it is refused with EACCES (a PF path whose state
 * is not exposed, SCTPSHIM_PF_EXPOSE=1), else 0. */
static int paddrinfo_hidden(int fd, const struct sockaddr_storage *addr) {
	struct sctp_paddrinfo pi;
	memset(&pi, 0, sizeof(pi));
	memcpy((char *)&pi + offsetof(struct sctp_paddrinfo, spinfo_address), addr, sizeof(*addr));
	socklen_t len = sizeof(pi);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &len) == 0)
		return 0;
	if (errno != EACCES)
		die("SCTP_GET_PEER_ADDR_INFO");
	return 1;
}

static int server(int argc, char **argv) {
	int port = atoi(argv[2]);
	int n = argc - 3;
	struct sockaddr_storage first;
	int fam = parse(argv[3], port, &first) == sizeof(struct sockaddr_in) ? AF_INET : AF_INET6;
	int fd = socket(fam, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		die("socket");
	if (sctp_bindx(fd, pack(argv + 3, n, port), n, SCTP_BINDX_ADD_ADDR) < 0)
		die("sctp_bindx");
	subscribe(fd);
	if (listen(fd, 1) < 0)
		die("listen");
	printf("listening\n");
	fflush(stdout);
	int c = accept(fd, NULL, NULL);
	if (c < 0)
		die("accept");
	t0 = now_s();
	/* the client's first address: the primary the association started with */
	struct sctp_prim prim;
	memset(&prim, 0, sizeof(prim));
	socklen_t plen = sizeof(prim);
	if (getsockopt(c, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &prim, &plen) < 0)
		die("SCTP_PRIMARY_ADDR");
	struct sockaddr_storage peer;
	memcpy(&peer, (char *)&prim + offsetof(struct sctp_prim, ssp_addr), sizeof(peer));
	int hidden = 0;
	static char buf[1 << 16];
	unsigned long got = 0;
	ssize_t r;
	while ((r = recv_one(c, buf, sizeof(buf), 0)) > 0) {
		if (r == 4 && memcmp(buf, "DONE", 4) == 0)
			break;
		if (!hidden && paddrinfo_hidden(c, &peer)) {
			hidden = 1;
			printf("paddrinfo EACCES at %.2f\n", now_s() - t0);
		}
		for (ssize_t i = 0; i < r; i++)
			if ((unsigned char)buf[i] != pattern(got + i)) {
				printf("corrupt at byte %lu\n", got + i);
				return 1;
			}
		got += r;
	}
	printf("received %lu bytes, pattern ok\n", got);
	fflush(stdout);
	if (write(c, "ok", 2) != 2)
		die("write");
	while (recv_one(c, buf, sizeof(buf), 0) > 0)
		;
	return 0;
}

static int client(int argc, char **argv) {
	int port = atoi(argv[2]);
	unsigned long total = strtoul(argv[3], NULL, 10);
	int hb = atoi(argv[4]), maxrxt = atoi(argv[5]), pf = atoi(argv[6]);
	int i = 7;
	while (i < argc && strcmp(argv[i], "--") != 0)
		i++;
	if (i >= argc - 1)
		return 2;
	int nl = i - 7, np = argc - i - 1;
	char **peers = argv + i + 1;
	struct sockaddr_storage first;
	int fam = parse(argv[7], 0, &first) == sizeof(struct sockaddr_in) ? AF_INET : AF_INET6;
	int fd = socket(fam, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		die("socket");
	if (sctp_bindx(fd, pack(argv + 7, nl, 0), nl, SCTP_BINDX_ADD_ADDR) < 0)
		die("sctp_bindx");
	struct sctp_rtoinfo rto = {.srto_initial = 300, .srto_max = 400, .srto_min = 100};
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto)) < 0)
		die("SCTP_RTOINFO");
	struct sctp_paddrparams pp;
	memset(&pp, 0, sizeof(pp));
	pp.spp_address.ss_family = fam;
	pp.spp_hbinterval = hb;
	pp.spp_pathmaxrxt = maxrxt;
	pp.spp_flags = SPP_HB_ENABLE;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)) < 0)
		die("SCTP_PEER_ADDR_PARAMS");
	struct sctp_paddrthlds th;
	memset(&th, 0, sizeof(th));
	th.spt_pathmaxrxt = maxrxt;
	th.spt_pathpfthld = pf;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS, &th, sizeof(th)) < 0)
		die("SCTP_PEER_ADDR_THLDS");
	/* PF transitions are reported only when exposed (Linux SCTP_PF_EXPOSE_ENABLE, 2) */
	struct sctp_assoc_value expose = {.assoc_id = SCTP_FUTURE_ASSOC, .assoc_value = 2};
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, &expose,
		       sizeof(expose)) < 0)
		die("SCTP_EXPOSE_POTENTIALLY_FAILED_STATE");
	subscribe(fd);
	sctp_assoc_t id;
	/* libsctp's sctp_connectx tests errno even after success (ENOPROTOOPT: fall back) */
	errno = 0;
	if (sctp_connectx(fd, pack(peers, np, port), np, &id) < 0)
		die("sctp_connectx");
	t0 = now_s();
	/* the association took the socket's values */
	socklen_t len = sizeof(pp);
	memset(&pp, 0, sizeof(pp));
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) < 0)
		die("get SCTP_PEER_ADDR_PARAMS");
	printf("params hb %u pathmaxrxt %u\n", pp.spp_hbinterval, pp.spp_pathmaxrxt);
	printf("connected\n");
	fflush(stdout);
	static char buf[1 << 16];
	const unsigned long chunk = 4000;
	unsigned long sent = 0;
	int tenth = 0;
	while (sent < total) {
		unsigned long n = total - sent < chunk ? total - sent : chunk;
		for (unsigned long k = 0; k < n; k++)
			buf[k] = pattern(sent + k);
		if (write(fd, buf, n) != (ssize_t)n)
			die("write");
		sent += n;
		while (recv_one(fd, buf + chunk, sizeof(buf) - chunk, MSG_DONTWAIT) >= 0)
			;
		if (sent * 10 / total > (unsigned long)tenth) {
			tenth = sent * 10 / total;
			printf("progress %d0 at %.2f\n", tenth, now_s() - t0);
			fflush(stdout);
		}
		usleep(2000);
	}
	if (write(fd, "DONE", 4) != 4)
		die("write");
	ssize_t r = recv_one(fd, buf, sizeof(buf), 0);
	if (r != 2 || memcmp(buf, "ok", 2) != 0)
		die("reply");
	printf("transfer done at %.2f\n", now_s() - t0);
	fflush(stdout);
	/* wait until the first peer address is active again */
	struct sctp_paddrinfo pi;
	for (int k = 0; k < 200; k++) {
		while (recv_one(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			;
		memset(&pi, 0, sizeof(pi));
		struct sockaddr_storage want;
		parse(peers[0], port, &want);
		memcpy((char *)&pi + offsetof(struct sctp_paddrinfo, spinfo_address), &want, sizeof(want));
		len = sizeof(pi);
		if (getsockopt(fd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &len) < 0)
			die("SCTP_GET_PEER_ADDR_INFO");
		if (pi.spinfo_state == SCTP_ACTIVE) {
			printf("path %s active at %.2f\n", peers[0], now_s() - t0);
			break;
		}
		usleep(100000);
	}
	struct sctp_prim prim;
	memset(&prim, 0, sizeof(prim));
	len = sizeof(prim);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &prim, &len) < 0)
		die("SCTP_PRIMARY_ADDR");
	char a[INET6_ADDRSTRLEN];
	struct sockaddr_storage ps;
	memcpy(&ps, (char *)&prim + offsetof(struct sctp_prim, ssp_addr), sizeof(ps));
	printf("primary %s\n", ntop(&ps, a));
	fflush(stdout);
	close(fd);
	return 0;
}

int main(int argc, char **argv) {
	if (argc < 4)
		return 2;
	if (strcmp(argv[1], "server") == 0)
		return server(argc, argv);
	return client(argc, argv);
}
