/* exec_echo PORT PROGRAM [ARGS...]: accept one SCTP association, put it on fds 0 and 1 and
 * execve PROGRAM with an EMPTY environment: the shim must put itself back into LD_PRELOAD (the
 * new image inherits SCTP fds) and keep the association going through the exec. An exec that
 * fails first (a missing program) must leave this process's SCTP working (getpeername). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0) {
		perror("listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	int c = accept(l, NULL, NULL);
	if (c < 0 || dup2(c, 0) != 0 || dup2(c, 1) != 1) {
		perror("accept/dup2");
		return 1;
	}
	close(c);
	char *empty[] = { NULL };
	char *missing[] = { "/nonexistent/sctpshim-test", NULL };
	if (execve(missing[0], missing, empty) != -1 || errno != ENOENT) {
		perror("execve of a missing program");
		return 1;
	}
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	if (getpeername(0, (struct sockaddr *)&peer, &plen) < 0 || peer.sin_family != AF_INET) {
		perror("getpeername after a failed execve");
		return 1;
	}
	execve(argv[2], argv + 2, empty);
	fprintf(stderr, "execve %s: %s\n", argv[2], strerror(errno));
	return 1;
}
