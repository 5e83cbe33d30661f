/* Shared by the small SCTP test programs: failing with the errno, IPv4 addresses, a signal
 * handler, a notification subscription and a connected one-to-one pair on loopback. */
#ifndef SCTP_COMMON_H
#define SCTP_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <signal.h>
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

/* Catch signal `sig` with `handler`, with `flags` (SA_RESTART or 0). */
static inline void catch_signal(int sig, void (*handler)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		die("sigaction");
}

/* Turn notification `type` on for socket `fd` (SCTP_EVENT). */
static inline void subscribe(int fd, unsigned short type)
{
	struct sctp_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.se_type = type;
	ev.se_on = 1;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev)) < 0)
		die("SCTP_EVENT");
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
