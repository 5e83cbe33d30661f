/* The less common calls a program may make on an SCTP socket, each checked once against
 * what Linux SCTP gives: accept4 flags, ioctl FIONBIO and FIONREAD (the next message's
 * size, sctp_ioctl), fcntl64, the _FORTIFY_SOURCE variants of recv/recvfrom/read
 * (__recv_chk...; tests/shim_api_calls.rs checks the binary calls them), ppoll and pselect,
 * readv/writev, sendfile from a file. One-to-one sockets on loopback; one "ok"/"FAIL" line
 * per check. */
#undef _FORTIFY_SOURCE
#define _FORTIFY_SOURCE 2
#define _GNU_SOURCE
#include "sctp_common.h"
#include <fcntl.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "checks.h"

#define PORT 5550
#define FILE_BYTES 300000

extern int fcntl64(int fd, int cmd, ...);

/* A length the compiler cannot see: the fortified wrappers then call __recv_chk & co. */
static volatile size_t room = 64;

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* getsockopt of an int option; -1 on error. */
static int int_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);
	return getsockopt(fd, level, name, &v, &len) == 0 ? v : -1;
}

static int readable(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, ms) == 1;
}

int main(void)
{
	int l, c;
	listen_and_connect("127.0.0.1", PORT, &l, &c);
	int s = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK("accept4 SOCK_NONBLOCK|SOCK_CLOEXEC", s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK) &&
						       (fcntl(s, F_GETFD) & FD_CLOEXEC));
	char buf[64];

	int on = 1;
	CHECK("ioctl FIONBIO on", ioctl(c, FIONBIO, &on) == 0 && (fcntl64(c, F_GETFL) & O_NONBLOCK));
	REFUSED("a read with nothing queued is EAGAIN", EAGAIN, recv(c, buf, sizeof(buf), 0));
	int fl = fcntl64(c, F_GETFL);
	CHECK("fcntl64 F_SETFL clears O_NONBLOCK",
	      fcntl64(c, F_SETFL, fl & ~O_NONBLOCK) == 0 && !(fcntl(c, F_GETFL) & O_NONBLOCK));

	struct timespec zero = {0, 0};
	struct pollfd p = {c, POLLIN, 0};
	CHECK("ppoll: not readable yet", ppoll(&p, 1, &zero, NULL) == 0);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(c, &r);
	CHECK("pselect: not readable yet", pselect(c + 1, &r, NULL, NULL, &zero, NULL) == 0);

	if (send(s, "hello", 5, 0) != 5 || send(s, "seven!!", 7, 0) != 7 || send(s, "abc", 3, 0) != 3)
		die("server sends");
	struct timespec wait = {5, 0};
	sigset_t none;
	sigemptyset(&none);
	CHECK("ppoll: readable once a message is there",
	      ppoll(&p, 1, &wait, &none) == 1 && (p.revents & POLLIN));
	FD_ZERO(&r);
	FD_SET(c, &r);
	CHECK("pselect: readable", pselect(c + 1, &r, NULL, NULL, &wait, &none) == 1 && FD_ISSET(c, &r));
	int n = -1;
	CHECK("ioctl FIONREAD is the next message's size (5 of 5+7+3 queued)",
	      ioctl(c, FIONREAD, &n) == 0 && n == 5);
	CHECK("recv (__recv_chk) reads one message", recv(c, buf, room, 0) == 5 &&
							memcmp(buf, "hello", 5) == 0);
	CHECK("read (__read_chk) reads the next", read(c, buf, room) == 7);
	CHECK("recvfrom (__recvfrom_chk) the last",
	      recvfrom(c, buf, room, 0, NULL, NULL) == 3 && memcmp(buf, "abc", 3) == 0);

	struct iovec out[2] = {{"two ", 4}, {"pieces", 6}};
	CHECK("writev", writev(c, out, 2) == 10);
	char x[4], y[16];
	struct iovec in[2] = {{x, sizeof(x)}, {y, sizeof(y)}};
	CHECK("readv gets the message across both buffers", readable(s, 5000) && readv(s, in, 2) == 10 &&
								 memcmp(x, "two ", 4) == 0 &&
								 memcmp(y, "pieces", 6) == 0);
	struct iovec bad[2] = {{"fine ", 5}, {(void *)8, 6}};
	errno = 0;
	CHECK("writev with a bad buffer: EFAULT, and nothing is sent",
	      writev(c, bad, 2) < 0 && errno == EFAULT && !readable(s, 200));

	char path[] = "/tmp/sctpshim-sendfile-XXXXXX";
	int f = mkstemp(path);
	if (f < 0)
		die("mkstemp");
	unlink(path);
	static unsigned char data[FILE_BYTES], got[FILE_BYTES];
	for (int i = 0; i < FILE_BYTES; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	if (write(f, data, FILE_BYTES) != FILE_BYTES)
		die("file");
	off_t off = 0;
	ssize_t total = 0, k;
	size_t have = 0;
	/* The server drains as the client sends (the socket's send buffer is smaller). */
	while (total < FILE_BYTES) {
		k = sendfile(c, f, &off, FILE_BYTES - (size_t)total);
		if (k <= 0)
			break;
		total += k;
		while (have < (size_t)total && readable(s, 5000)) {
			ssize_t m = recv(s, got + have, sizeof(got) - have, 0);
			if (m <= 0)
				break;
			have += (size_t)m;
		}
	}
	CHECK("sendfile sends the whole file and advances the offset", total == FILE_BYTES && off == FILE_BYTES);
	while (have < FILE_BYTES && readable(s, 5000)) {
		ssize_t m = recv(s, got + have, sizeof(got) - have, 0);
		if (m <= 0)
			break;
		have += (size_t)m;
	}
	CHECK("the peer receives the file intact", have == FILE_BYTES && memcmp(got, data, FILE_BYTES) == 0);
	close(f);

	CHECK("SO_TYPE, SO_DOMAIN, SO_PROTOCOL",
	      int_opt(c, SOL_SOCKET, SO_TYPE) == SOCK_STREAM &&
		  int_opt(c, SOL_SOCKET, SO_DOMAIN) == AF_INET &&
		  int_opt(c, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_SCTP);
	/* Blocking calls give up after SO_RCVTIMEO / SO_SNDTIMEO with EAGAIN (Linux
	 * sctp_recvmsg / sctp_wait_for_sndbuf). The server side reads nothing from here on. */
	struct timeval tmo = {0, 200 * 1000}, got_tmo = {0, 0};
	socklen_t tlen = sizeof(got_tmo);
	if (setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) < 0 ||
	    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo)) < 0)
		die("timeouts");
	CHECK("SO_SNDTIMEO reads back",
	      getsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &got_tmo, &tlen) == 0 && got_tmo.tv_usec == 200000);
	double t0 = now_ms();
	errno = 0;
	ssize_t got_n = recv(c, buf, room, 0);
	double waited = now_ms() - t0;
	CHECK("a blocking recv with nothing queued gives EAGAIN after SO_RCVTIMEO",
	      got_n < 0 && errno == EAGAIN && waited >= 150 && waited < 5000);
	static char big[4096];
	int blocked = 0;
	for (int i = 0; i < 100000 && !blocked; i++) {
		t0 = now_ms();
		if (send(c, big, sizeof(big), 0) < 0)
			blocked = errno == EAGAIN && now_ms() - t0 >= 150 ? 1 : -1;
	}
	CHECK("a blocking send into a full association gives EAGAIN after SO_SNDTIMEO", blocked == 1);

	struct pollfd lp = {l, POLLIN, 0};
	CHECK("a listener with nothing to accept is not readable", poll(&lp, 1, 0) == 0);
	int c2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_SCTP);
	struct sockaddr_in la;
	socklen_t llen = sizeof(la);
	if (c2 < 0 || getsockname(l, (struct sockaddr *)&la, &llen) < 0 ||
	    (connect(c2, (struct sockaddr *)&la, sizeof(la)) < 0 && errno != EINPROGRESS))
		die("second client");
	CHECK("a listener with an association to accept is readable",
	      poll(&lp, 1, 2000) == 1 && (lp.revents & POLLIN));
	int s2 = accept(l, NULL, NULL);
	CHECK("and accept takes it", s2 >= 0);
	close(s2);
	close(c2);
	close(c);
	close(s);
	close(l);
	return failures;
}
