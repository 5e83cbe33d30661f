/* Shared by pollout_client.c and pollout_server.c: the byte pattern the client sends and the
 * server checks, argument parsing, and address set-up for TCP or SCTP over IPv4 or IPv6. */
#ifndef POLLOUT_COMMON_H
#define POLLOUT_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

/* The byte at stream offset `off`: not periodic within any small window, so a lost, duplicated
 * or reordered block shows up as a mismatch. */
static inline uint8_t pattern_byte(uint64_t off)
{
	uint64_t x = off ^ (off >> 9) ^ (off >> 19);
	return (uint8_t)(x * 157u + 11u);
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static int parse_proto(const char *s)
{
	if (strcmp(s, "tcp") == 0)
		return IPPROTO_TCP;
	if (strcmp(s, "sctp") == 0)
		return IPPROTO_SCTP;
	die("protocol must be tcp or sctp, not %s", s);
	return -1;
}

/* Loopback address of family "4" or "6" with `port`; returns its length. */
static socklen_t loopback_addr(const char *family, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strcmp(family, "4") == 0) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*sin);
	}
	if (strcmp(family, "6") == 0) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sin6->sin6_addr = in6addr_loopback;
		return sizeof(*sin6);
	}
	die("family must be 4 or 6, not %s", family);
	return 0;
}

#endif
