/* Data written before exit is delivered (Linux keeps the association in the kernel):
 *   exit_send recv PORT OUTFILE   accept one association, read it slowly into OUTFILE until
 *                                 EOF; prints "received N bytes"
 *   exit_send send PORT INFILE    connect, write INFILE with blocking writes, then return
 *                                 from main at once (no close, no shutdown); prints "sent N"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sctp_common.h"

static int receiver(int port, const char *path)
{
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	int l = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0)
		die("listen");
	printf("listening\n");
	fflush(stdout);
	int c = accept(l, NULL, NULL);
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (c < 0 || out < 0)
		die("accept/open");
	static char buf[16384];
	long total = 0;
	ssize_t n;
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n)
			die("write");
		total += n;
		usleep(2000);
	}
	if (n < 0)
		die("read");
	close(out);
	printf("received %ld bytes\n", total);
	return 0;
}

static int sender(int port, const char *path)
{
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	int s = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	int in = open(path, O_RDONLY);
	if (s < 0 || in < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	static char buf[65536];
	long total = 0;
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(s, buf, (size_t)n) != n)
			die("write");
		total += n;
	}
	printf("sent %ld\n", total);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 4)
		return 2;
	if (strcmp(argv[1], "recv") == 0)
		return receiver(atoi(argv[2]), argv[3]);
	return sender(atoi(argv[2]), argv[3]);
}
