/* Helpers shared by the issue #5 test programs: fatal errors and IPv4 socket addresses. */
#ifndef MH_COMMON_H
#define MH_COMMON_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void die(const char *what) {
	perror(what);
	exit(1);
}

/* IP:port as a sockaddr_in; a bad address is fatal (exit status 2). */
static inline struct sockaddr_in sa(const char *ip, int port) {
	struct sockaddr_in s;
	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &s.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
	return s;
}

#endif
