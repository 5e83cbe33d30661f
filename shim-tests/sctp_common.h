/* Shared by the small SCTP test programs (nb_connect.c, partial_fds.c, exit_send.c): failing
 * with the errno, and IPv4 addresses. */
#ifndef SCTP_COMMON_H
#define SCTP_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Print "FAIL: <message> (errno N text)" and exit 1. */
static void die(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %d %s)\n", e, strerror(e));
	exit(1);
}

/* The IPv4 address `ip` (dotted quad) with `port`. */
static struct sockaddr_in addr_of(const char *ip, int port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1)
		die("bad address %s", ip);
	return a;
}

/* A one-to-one SCTP listener on `ip`:`port` (*l) and a client connected to it (*c). */
static inline void listen_and_connect(const char *ip, int port, int *l, int *c)
{
	struct sockaddr_in a = addr_of(ip, port);
	*l = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	*c = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (*l < 0 || *c < 0 || bind(*l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(*l, 1) < 0 ||
	    connect(*c, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("listen and connect");
}

#endif
