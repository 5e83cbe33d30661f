/* Multi-address endpoints (issue #5): bind + sctp_bindx(ADD) to several addresses, one-to-one
 * association, sctp_getpaddrs/sctp_getladdrs printed one address per line.
 *   mh_addrs server PORT ADDR...          listen on every ADDR:PORT, accept one, echo one message
 *   mh_addrs client PORT LPORT LADDR... -- PEER...   bind LADDR...:LPORT, sctp_connectx to PEER...:PORT
 * Lines: "peer A:P", "local A:P" for the association; "listening", "echo ok" on success. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what) {
	perror(what);
	exit(1);
}

static void sa(struct sockaddr_in *s, const char *ip, int port) {
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &s->sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
}

/* bind the first address, sctp_bindx(ADD) the others */
static void bind_all(int fd, char **ips, int n, int port) {
	struct sockaddr_in *a = calloc(n, sizeof(*a));
	for (int i = 0; i < n; i++)
		sa(&a[i], ips[i], port);
	if (bind(fd, (struct sockaddr *)&a[0], sizeof(a[0])) < 0)
		die("bind");
	if (n > 1 && sctp_bindx(fd, (struct sockaddr *)&a[1], n - 1, SCTP_BINDX_ADD_ADDR) < 0)
		die("sctp_bindx");
	free(a);
}

static void print_addrs(const char *tag, struct sockaddr *addrs, int n) {
	char *p = (char *)addrs;
	for (int i = 0; i < n; i++) {
		struct sockaddr_in *s = (struct sockaddr_in *)p;
		char buf[INET6_ADDRSTRLEN];
		if (s->sin_family == AF_INET) {
			inet_ntop(AF_INET, &s->sin_addr, buf, sizeof(buf));
			printf("%s %s:%d\n", tag, buf, ntohs(s->sin_port));
			p += sizeof(struct sockaddr_in);
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)p;
			inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf));
			printf("%s [%s]:%d\n", tag, buf, ntohs(s6->sin6_port));
			p += sizeof(struct sockaddr_in6);
		}
	}
}

static void report(int fd) {
	struct sockaddr *addrs;
	int n = sctp_getpaddrs(fd, 0, &addrs);
	if (n < 0)
		die("sctp_getpaddrs");
	print_addrs("peer", addrs, n);
	sctp_freepaddrs(addrs);
	n = sctp_getladdrs(fd, 0, &addrs);
	if (n < 0)
		die("sctp_getladdrs");
	print_addrs("local", addrs, n);
	sctp_freeladdrs(addrs);
	fflush(stdout);
}

int main(int argc, char **argv) {
	if (argc < 4)
		return 2;
	int port = atoi(argv[2]);
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		die("socket");
	char buf[64];
	if (strcmp(argv[1], "server") == 0) {
		bind_all(fd, argv + 3, argc - 3, port);
		if (listen(fd, 1) < 0)
			die("listen");
		printf("listening\n");
		fflush(stdout);
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			die("accept");
		report(c);
		ssize_t r = read(c, buf, sizeof(buf));
		if (r <= 0 || write(c, buf, r) != r)
			die("echo");
		/* wait for the client to close first */
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	} else {
		int lport = atoi(argv[3]);
		int i = 4;
		while (i < argc && strcmp(argv[i], "--") != 0)
			i++;
		if (i == argc)
			return 2;
		bind_all(fd, argv + 4, i - 4, lport);
		int np = argc - i - 1;
		struct sockaddr_in *peers = calloc(np, sizeof(*peers));
		for (int k = 0; k < np; k++)
			sa(&peers[k], argv[i + 1 + k], port);
		sctp_assoc_t id = 0;
		if (sctp_connectx(fd, (struct sockaddr *)peers, np, &id) < 0)
			die("sctp_connectx");
		report(fd);
		if (write(fd, "hello", 5) != 5)
			die("write");
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r != 5 || memcmp(buf, "hello", 5) != 0)
			die("echo reply");
		printf("echo ok\n");
	}
	close(fd);
	return 0;
}
