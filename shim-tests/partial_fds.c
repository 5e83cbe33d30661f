/* The rest of a partly read SCTP message belongs to the open file, not to the fd number
 * (Linux keeps it in the socket's receive queue):
 *   partial_fds server PORT   accepts 3 associations; sends each one 100-byte message whose
 *                             bytes are LETTER (A, B, C by order) then the byte offsets
 *   partial_fds client PORT   reads pieces through dup'd fds, after closing the first fd, after
 *                             dup2 over an fd with a pending rest and through a new socket on a
 *                             freed number, checking every byte; prints "ok".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sctp_common.h"

#define MSG 100

static unsigned char byte_at(char letter, int off)
{
	return off == 0 ? (unsigned char)letter : (unsigned char)off;
}

/* Read `len` bytes from `fd`; they must be bytes off..off+len of LETTER's message, with
 * MSG_EOR exactly when they end it. */
static void expect(int fd, char letter, int off, int len, const char *step)
{
	unsigned char b[MSG];
	struct iovec iov = { b, (size_t)len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &m, 0);
	if (n != len) {
		fprintf(stderr, "FAIL: %s: read %zd bytes, expected %d\n", step, n, len);
		exit(1);
	}
	for (int i = 0; i < len; i++)
		if (b[i] != byte_at(letter, off + i)) {
			fprintf(stderr, "FAIL: %s: byte %d is 0x%02x, expected %c's byte %d\n", step, i,
				b[i], letter, off + i);
			exit(1);
		}
	int eor = (m.msg_flags & MSG_EOR) != 0;
	if (eor != (off + len == MSG)) {
		fprintf(stderr, "FAIL: %s: MSG_EOR %d at %d..%d\n", step, eor, off, off + len);
		exit(1);
	}
	printf("%s: %c %d..%d\n", step, letter, off, off + len);
}

static int connected(int port)
{
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	return fd;
}

static void client(int port)
{
	int s1 = connected(port);
	expect(s1, 'A', 0, 10, "first piece");
	int d = dup(s1);
	if (d < 0)
		die("dup %d", s1);
	expect(d, 'A', 10, 10, "through the dup");
	int n1 = s1;
	close(s1);
	expect(d, 'A', 20, 10, "after closing the first fd");

	/* A new socket may take the freed number: it must not see A's rest. */
	int s2 = connected(port);
	printf("second socket on fd %d (first was %d)\n", s2, n1);
	expect(s2, 'B', 0, 10, "new socket");

	/* dup2 of the second socket over the dup (which has A's rest pending). */
	if (dup2(s2, d) != d)
		die("dup2");
	expect(d, 'B', 10, 90, "dup2 over a pending rest");

	/* Close every fd of the second socket with nothing pending, then a third socket. */
	close(d);
	close(s2);
	int s3 = connected(port);
	expect(s3, 'C', 0, MSG, "third socket");
	close(s3);
	printf("ok\n");
}

static void server(int port)
{
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	int l = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4) < 0)
		die("listen");
	printf("listening\n");
	fflush(stdout);
	int conns[3];
	for (int i = 0; i < 3; i++) {
		conns[i] = accept(l, NULL, NULL);
		if (conns[i] < 0)
			die("accept");
		unsigned char b[MSG];
		for (int k = 0; k < MSG; k++)
			b[k] = byte_at((char)('A' + i), k);
		if (send(conns[i], b, MSG, 0) != MSG)
			die("send");
	}
	for (int i = 0; i < 3; i++)
		close(conns[i]);
	printf("ok\n");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3)
		return 2;
	if (strcmp(argv[1], "server") == 0)
		server(atoi(argv[2]));
	else
		client(atoi(argv[2]));
	return 0;
}
