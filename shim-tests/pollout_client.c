/* pollout_client PROTO FAMILY PORT ROUNDS
 *
 * Connects a SOCK_STREAM socket of PROTO (tcp or sctp) to the loopback server, makes it
 * non-blocking, and for each round:
 *   1. writes the pattern until EAGAIN (the send path is full);
 *   2. checks that poll() with a 0 timeout does not report POLLOUT; if it does, a write must
 *      then succeed (POLLOUT must never be reported while a write would block), and filling
 *      resumes until a full, non-writable socket is seen;
 *   3. waits for writability with poll, select, epoll (level-triggered) or epoll (edge-triggered,
 *      armed while full), one mode per round in turn, while the server drains slowly;
 *   4. checks that a write now succeeds.
 * Then it sends a last block blocking, closes, and prints "sent N bytes". Exit 0, or
 * "FAIL: ..." and 1. */
#include "pollout_common.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

#define WAIT_MS 20000
#define MAX_REFILLS 100000

enum mode { MODE_POLL, MODE_SELECT, MODE_EPOLL, MODE_EPOLL_ET, MODE_COUNT };
static const char *const mode_names[] = { "poll", "select", "epoll", "epoll-et" };

static uint8_t chunk[8192];
static uint64_t sent;

/* One write of the pattern at the current offset; returns write()'s result. */
static ssize_t write_pattern(int sk)
{
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = pattern_byte(sent + i);
	ssize_t n = write(sk, chunk, sizeof(chunk));
	if (n > 0)
		sent += (uint64_t)n;
	return n;
}

/* Writes until EAGAIN; returns the bytes written. */
static uint64_t fill(int sk)
{
	uint64_t before = sent;
	for (;;) {
		ssize_t n = write_pattern(sk);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return sent - before;
		die("write at offset %llu: %s", (unsigned long long)sent,
		    n == 0 ? "returned 0" : strerror(errno));
	}
}

static int writable_now(int sk)
{
	struct pollfd p = { .fd = sk, .events = POLLOUT };
	int r = poll(&p, 1, 0);
	if (r < 0)
		die("poll(0): %s", strerror(errno));
	if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
		die("poll(0) revents 0x%x on a healthy connection", p.revents);
	return (p.revents & POLLOUT) != 0;
}

/* Fills the socket and returns once it is full and poll() agrees it is not writable. */
static uint64_t fill_until_blocked(int sk, int *refills)
{
	uint64_t total = fill(sk);
	for (*refills = 0; writable_now(sk); (*refills)++) {
		if (*refills >= MAX_REFILLS)
			die("never saw a full socket that poll() reports not writable");
		ssize_t n = write_pattern(sk);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			die("poll() reports POLLOUT but write() gives EAGAIN");
		if (n <= 0)
			die("write after POLLOUT: %s", n == 0 ? "returned 0" : strerror(errno));
		total += (uint64_t)n + fill(sk);
	}
	return total;
}

static void wait_writable(int sk, enum mode mode)
{
	int r;
	switch (mode) {
	case MODE_POLL: {
		struct pollfd p = { .fd = sk, .events = POLLOUT };
		do
			r = poll(&p, 1, WAIT_MS);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			die("poll: %s", strerror(errno));
		if (r == 0 || !(p.revents & POLLOUT))
			die("poll: not writable within %d ms (revents 0x%x)", WAIT_MS, p.revents);
		return;
	}
	case MODE_SELECT: {
		if (sk >= FD_SETSIZE)
			die("fd %d too large for select", sk);
		fd_set wfds;
		struct timeval tv;
		do {
			FD_ZERO(&wfds);
			FD_SET(sk, &wfds);
			tv.tv_sec = WAIT_MS / 1000;
			tv.tv_usec = 0;
			r = select(sk + 1, NULL, &wfds, NULL, &tv);
		} while (r < 0 && errno == EINTR);
		if (r < 0)
			die("select: %s", strerror(errno));
		if (r == 0 || !FD_ISSET(sk, &wfds))
			die("select: not writable within %d ms", WAIT_MS);
		return;
	}
	case MODE_EPOLL:
	case MODE_EPOLL_ET: {
		int ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0)
			die("epoll_create1: %s", strerror(errno));
		struct epoll_event ev = { .events = EPOLLOUT, .data.fd = sk };
		if (mode == MODE_EPOLL_ET)
			ev.events |= EPOLLET;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, sk, &ev) < 0)
			die("epoll_ctl: %s", strerror(errno));
		struct epoll_event got;
		do
			r = epoll_wait(ep, &got, 1, WAIT_MS);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			die("epoll_wait: %s", strerror(errno));
		if (r == 0 || got.data.fd != sk || !(got.events & EPOLLOUT))
			die("%s: not writable within %d ms", mode_names[mode], WAIT_MS);
		close(ep);
		return;
	}
	case MODE_COUNT:
		break;
	}
	die("bad mode");
}

int main(int argc, char **argv)
{
	if (argc != 5)
		die("usage: %s tcp|sctp 4|6 PORT ROUNDS", argv[0]);
	int proto = parse_proto(argv[1]);
	struct sockaddr_storage addr;
	socklen_t len = loopback_addr(argv[2], atoi(argv[3]), &addr);
	int rounds = atoi(argv[4]);

	int sk = socket(addr.ss_family, SOCK_STREAM, proto);
	if (sk < 0)
		die("socket: %s", strerror(errno));
	int sndbuf = 128 * 1024;
	if (setsockopt(sk, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) < 0)
		die("SO_SNDBUF: %s", strerror(errno));
	if (connect(sk, (struct sockaddr *)&addr, len) < 0)
		die("connect: %s", strerror(errno));
	int flags = fcntl(sk, F_GETFL);
	if (flags < 0 || fcntl(sk, F_SETFL, flags | O_NONBLOCK) < 0)
		die("fcntl O_NONBLOCK: %s", strerror(errno));

	for (int round = 0; round < rounds; round++) {
		enum mode mode = (enum mode)(round % MODE_COUNT);
		int refills;
		uint64_t filled = fill_until_blocked(sk, &refills);
		wait_writable(sk, mode);
		ssize_t n = write_pattern(sk);
		if (n <= 0)
			die("round %d: %s reported writable but write gave %s", round, mode_names[mode],
			    n == 0 ? "0" : strerror(errno));
		printf("round %d (%s): filled %llu bytes (%d refills), blocked, writable again\n",
		       round, mode_names[mode], (unsigned long long)filled, refills);
		fflush(stdout);
	}

	if (fcntl(sk, F_SETFL, flags) < 0)
		die("fcntl blocking: %s", strerror(errno));
	if (write_pattern(sk) <= 0)
		die("final blocking write: %s", strerror(errno));
	if (close(sk) < 0)
		die("close: %s", strerror(errno));
	printf("sent %llu bytes\n", (unsigned long long)sent);
	return 0;
}
