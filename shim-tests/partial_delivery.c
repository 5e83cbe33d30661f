/* Partial delivery (RFC 6458 8.1.19, 8.1.20, 6.1.7) under the shim, on loopback in a private
 * network namespace. A forked child sends; the parent receives with SO_RCVBUF 64 KiB:
 * - the option rules of Linux (SCTP_PARTIAL_DELIVERY_POINT at most half of SO_RCVBUF's value,
 *   exact 4-byte values; SCTP_FRAGMENT_INTERLEAVE reads back 0 or 1), DISABLE_FRAGMENTS;
 * - a 16 MiB message on a one-to-one socket, read 100000 bytes at a time: no MSG_EOR before the
 *   last byte, SCTP_RCVINFO on every read, byte-exact, then a small message whole;
 * - the same on a one-to-many socket read with a buffer larger than the message: it still
 *   comes in several reads (pieces), the last with MSG_EOR;
 * - SCTP_PARTIAL_DELIVERY_POINT 4096 with the default buffer: a 64 KiB message in pieces;
 * - the sender aborting in the middle of a 16 MiB message: SCTP_PARTIAL_DELIVERY_EVENT with
 *   SCTP_PARTIAL_DELIVERY_ABORTED for its stream (subscribed with SCTP_EVENT);
 * - one-to-many with two associations: the other's messages wait for the last piece at
 *   SCTP_FRAGMENT_INTERLEAVE 0 and come between the pieces at 1.
 * Every check prints "ok WHAT" or "FAIL WHAT ..."; the exit status counts failures. */
#include "sctp_common.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (16 << 20)
#define RCVBUF 65536

static int failures;

#define CHECK(what, cond)                                                                          \
	do {                                                                                       \
		if (cond)                                                                          \
			printf("ok %s\n", what);                                                   \
		else {                                                                             \
			printf("FAIL %s (errno %d)\n", what, errno);                               \
			failures++;                                                                \
		}                                                                                  \
		fflush(stdout);                                                                    \
	} while (0)

static unsigned char pattern(size_t i, unsigned salt) {
	return (unsigned char)(((i * 2654435761u) >> 13) ^ salt);
}

static unsigned char *make(size_t len, unsigned salt) {
	unsigned char *b = malloc(len);
	if (!b) {
		perror("malloc");
		exit(2);
	}
	for (size_t i = 0; i < len; i++)
		b[i] = pattern(i, salt);
	return b;
}

static struct sockaddr_in loopback(int port) {
	struct sockaddr_in s;
	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_port = htons(port);
	s.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return s;
}

static int set_int(int fd, int level, int name, int v) {
	return setsockopt(fd, level, name, &v, sizeof(v));
}

static int get_int(int fd, int level, int name) {
	int v = -1;
	socklen_t len = sizeof(v);
	if (getsockopt(fd, level, name, &v, &len) < 0)
		return -1;
	return v;
}

/* A listener of `type` on `port` with SO_RCVBUF `rcvbuf` (0: default) and SCTP_RECVRCVINFO. */
static int listener(int type, int port, int rcvbuf) {
	int fd = socket(AF_INET, type, IPPROTO_SCTP);
	struct sockaddr_in a = loopback(port);
	if (fd < 0)
		die("socket");
	if (rcvbuf && set_int(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf) < 0)
		die("SO_RCVBUF");
	if (set_int(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, 1) < 0)
		die("SCTP_RECVRCVINFO");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0)
		die("bind/listen");
	return fd;
}

static int accept_or_die(int lfd) {
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	return fd;
}

/* What a forked child does. */
struct job {
	int type, port;
	size_t len;
	unsigned salt;
	int abort;
};

/* Child: connect (one-to-one) or address (one-to-many) 127.0.0.1:`port`, send `len` bytes of
 * pattern `salt` on stream 1 then (unless `abort`) "after" on stream 2, then wait for a byte
 * on `ctl` (its engine must live until the data is delivered) and close, with an ABORT
 * (SO_LINGER {1, 0}) when `abort`. */
static void sender(int ctl, const struct job *j) {
	int fd = socket(AF_INET, j->type, IPPROTO_SCTP);
	struct sockaddr_in a = loopback(j->port);
	unsigned char *msg = make(j->len, j->salt);
	char byte;
	if (fd < 0)
		die("child socket");
	set_int(fd, SOL_SOCKET, SO_SNDBUF, 32 << 20);
	if (j->type == SOCK_STREAM && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	if (sctp_sendmsg(fd, msg, j->len, (struct sockaddr *)&a, sizeof(a), 99, 0, 1, 0, 0) !=
	    (int)j->len)
		die("sctp_sendmsg big");
	if (!j->abort &&
	    sctp_sendmsg(fd, "after", 5, (struct sockaddr *)&a, sizeof(a), 7, 0, 2, 0, 0) != 5)
		die("sctp_sendmsg after");
	if (read(ctl, &byte, 1) != 1)
		die("child pipe");
	if (j->abort) {
		struct linger l = {1, 0};
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(fd);
}

/* Child: once a byte arrives on `ctl`, sends ten small messages on stream 2 to `port` from
 * a one-to-many socket, then waits for another byte. */
static void chatter(int ctl, const struct job *j) {
	int fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	struct sockaddr_in a = loopback(j->port);
	char byte;
	if (fd < 0 || read(ctl, &byte, 1) != 1)
		die("chatter");
	for (int i = 0; i < 10; i++)
		if (sctp_sendmsg(fd, "chat", 4, (struct sockaddr *)&a, sizeof(a), 5, 0, 2, 0, 0) != 4)
			die("chatter send");
	if (read(ctl, &byte, 1) != 1)
		die("chatter pipe");
	close(fd);
}

struct child {
	pid_t pid;
	int ctl;
};

/* Forks a child running `body`, driven through a pipe. */
static struct child fork_child(void (*body)(int ctl, const struct job *), struct job j) {
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[1]);
		body(p[0], &j);
		exit(0);
	}
	close(p[0]);
	struct child c = {pid, p[1]};
	return c;
}

static struct child spawn(int type, int port, size_t len, unsigned salt, int abort) {
	struct job j = {type, port, len, salt, abort};
	return fork_child(sender, j);
}

/* Tells the child to close. */
static void release(struct child c) {
	if (write(c.ctl, "x", 1) != 1)
		die("pipe write");
}

/* One recvmsg: payload into buf, MSG_* flags and the SCTP_RCVINFO (if any) out. */
static ssize_t receive(int fd, void *buf, size_t len, int *flags, struct sctp_rcvinfo *info,
		       int *has_info) {
	char control[256];
	struct iovec iov = {buf, len};
	struct msghdr m;
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = control;
	m.msg_controllen = sizeof(control);
	ssize_t n = recvmsg(fd, &m, 0);
	*flags = m.msg_flags;
	*has_info = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); n >= 0 && c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO) {
			memcpy(info, CMSG_DATA(c), sizeof(*info));
			*has_info = 1;
		}
	}
	return n;
}

struct tally {
	size_t total, reads;
	int eor_early, bad_info, mismatch, eor_last;
	sctp_assoc_t assoc;
};

/* Reads one message of `len` bytes (pattern `salt`, stream 1) `chunk` bytes at a time. */
static struct tally read_message(int fd, size_t len, unsigned salt, size_t chunk) {
	struct tally t;
	unsigned char *buf = malloc(chunk);
	memset(&t, 0, sizeof(t));
	t.assoc = -1;
	if (!buf)
		die("malloc");
	while (t.total < len) {
		int flags, has;
		struct sctp_rcvinfo info;
		ssize_t n = receive(fd, buf, chunk, &flags, &info, &has);
		if (n <= 0) {
			printf("read: %zd (errno %d) after %zu bytes\n", n, errno, t.total);
			break;
		}
		if (flags & MSG_NOTIFICATION)
			continue;
		t.reads++;
		if (!has || info.rcv_sid != 1 || info.rcv_ppid != 99)
			t.bad_info++;
		if (t.assoc == -1 && has)
			t.assoc = info.rcv_assoc_id;
		if (has && info.rcv_assoc_id != t.assoc)
			t.bad_info++;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(t.total + i, salt))
				t.mismatch++;
		t.total += n;
		if (flags & MSG_EOR) {
			if (t.total < len)
				t.eor_early++;
			else
				t.eor_last = 1;
		}
	}
	free(buf);
	return t;
}

static void check_message(const char *what, struct tally t, size_t len) {
	char line[160];
	snprintf(line, sizeof(line), "%s: %zu bytes in %zu reads, byte-exact", what, t.total,
		 t.reads);
	CHECK(line, t.total == len && t.mismatch == 0);
	snprintf(line, sizeof(line), "%s: MSG_EOR only on the last read", what);
	CHECK(line, t.eor_early == 0 && t.eor_last);
	snprintf(line, sizeof(line), "%s: SCTP_RCVINFO on every read", what);
	CHECK(line, t.bad_info == 0);
}

/* The small message after the big one: whole, MSG_EOR, stream 2. */
static void check_after(const char *what, int fd) {
	char buf[64], line[160];
	int flags, has;
	struct sctp_rcvinfo info;
	ssize_t n = receive(fd, buf, sizeof(buf), &flags, &info, &has);
	snprintf(line, sizeof(line), "%s: then a small message, whole", what);
	CHECK(line, n == 5 && memcmp(buf, "after", 5) == 0 && (flags & MSG_EOR) && has &&
			    info.rcv_sid == 2);
}

static void finish(struct child c, const char *what) {
	int status = 0;
	char line[160];
	release(c);
	close(c.ctl);
	waitpid(c.pid, &status, 0);
	snprintf(line, sizeof(line), "%s: sender exited cleanly", what);
	CHECK(line, WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void options(void) {
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	unsigned int v = 0;
	socklen_t len = sizeof(v);
	if (fd < 0 || set_int(fd, SOL_SOCKET, SO_RCVBUF, RCVBUF) < 0)
		die("options socket");
	int rcvbuf = get_int(fd, SOL_SOCKET, SO_RCVBUF);
	CHECK("SO_RCVBUF reads back doubled", rcvbuf == 2 * RCVBUF);
	CHECK("SCTP_PARTIAL_DELIVERY_POINT defaults to 0",
	      getsockopt(fd, IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT, &v, &len) == 0 && v == 0 &&
		      len == 4);
	v = rcvbuf / 2 + 1;
	errno = 0;
	CHECK("SCTP_PARTIAL_DELIVERY_POINT above half SO_RCVBUF: EINVAL",
	      setsockopt(fd, IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT, &v, 4) < 0 &&
		      errno == EINVAL);
	v = rcvbuf / 2;
	CHECK("SCTP_PARTIAL_DELIVERY_POINT half SO_RCVBUF accepted",
	      setsockopt(fd, IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT, &v, 4) == 0 &&
		      get_int(fd, IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT) == rcvbuf / 2);
	unsigned long long wide = 100;
	errno = 0;
	CHECK("SCTP_PARTIAL_DELIVERY_POINT with 8 bytes: EINVAL",
	      setsockopt(fd, IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT, &wide, 8) < 0 &&
		      errno == EINVAL);
	unsigned short narrow = 0;
	len = sizeof(narrow);
	errno = 0;
	CHECK("SCTP_PARTIAL_DELIVERY_POINT get into 2 bytes: EINVAL",
	      getsockopt(fd, IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT, &narrow, &len) < 0 &&
		      errno == EINVAL);
	CHECK("SCTP_FRAGMENT_INTERLEAVE defaults to 0",
	      get_int(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE) == 0);
	CHECK("SCTP_FRAGMENT_INTERLEAVE 2 reads back 1",
	      set_int(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, 2) == 0 &&
		      get_int(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE) == 1);
	errno = 0;
	CHECK("SCTP_FRAGMENT_INTERLEAVE with 2 bytes: EINVAL",
	      setsockopt(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &narrow, 2) < 0 &&
		      errno == EINVAL);
	CHECK("SCTP_FRAGMENT_INTERLEAVE 0",
	      set_int(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, 0) == 0 &&
		      get_int(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE) == 0);
	close(fd);
}

/* SCTP_DISABLE_FRAGMENTS still refuses a message larger than one chunk (EMSGSIZE), and
 * SCTP_MAXSEG still reads back. */
static void fragments(void) {
	int lfd = listener(SOCK_STREAM, 5404, 0);
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	struct sockaddr_in a = loopback(5404);
	static char big[200000];
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("fragments connect");
	int afd = accept_or_die(lfd);
	struct sctp_assoc_value seg = {0, 1200};
	socklen_t len = sizeof(seg);
	CHECK("SCTP_MAXSEG set and read back",
	      setsockopt(fd, IPPROTO_SCTP, SCTP_MAXSEG, &seg, sizeof(seg)) == 0 &&
		      getsockopt(fd, IPPROTO_SCTP, SCTP_MAXSEG, &seg, &len) == 0 &&
		      seg.assoc_value == 1200);
	set_int(fd, IPPROTO_SCTP, SCTP_DISABLE_FRAGMENTS, 1);
	errno = 0;
	CHECK("SCTP_DISABLE_FRAGMENTS: a 200000-byte message is EMSGSIZE",
	      send(fd, big, sizeof(big), 0) < 0 && errno == EMSGSIZE);
	set_int(fd, IPPROTO_SCTP, SCTP_DISABLE_FRAGMENTS, 0);
	CHECK("fragmenting again: the message is sent",
	      send(fd, big, sizeof(big), 0) == (ssize_t)sizeof(big));
	close(fd);
	close(afd);
	close(lfd);
}

/* One-to-one: a `len`-byte message through a listener on `port` (SO_RCVBUF `rcvbuf`, partial
 * delivery point `pd`), read `chunk` bytes at a time and checked, then the small one. */
static struct tally one_to_one_message(const char *what, int port, int rcvbuf, unsigned int pd,
				       size_t len, size_t chunk) {
	int lfd = listener(SOCK_STREAM, port, rcvbuf);
	char line[160];
	if (pd) {
		snprintf(line, sizeof(line), "%s: SCTP_PARTIAL_DELIVERY_POINT %u", what, pd);
		CHECK(line, setsockopt(lfd, IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT, &pd, 4) == 0);
	}
	struct child child = spawn(SOCK_STREAM, port, len, port & 0xff, 0);
	int fd = accept_or_die(lfd);
	struct tally t = read_message(fd, len, port & 0xff, chunk);
	check_message(what, t, len);
	check_after(what, fd);
	close(fd);
	close(lfd);
	finish(child, what);
	return t;
}

static void one_to_one(void) {
	one_to_one_message("one-to-one 16 MiB through SO_RCVBUF 64 KiB", 5401, RCVBUF, 0, BIG,
			   100000);
}

static void one_to_many(void) {
	int fd = listener(SOCK_SEQPACKET, 5402, RCVBUF);
	struct child child = spawn(SOCK_SEQPACKET, 5402, BIG, 0x42, 0);
	struct tally t = read_message(fd, BIG, 0x42, BIG + 4096);
	check_message("one-to-many 16 MiB through SO_RCVBUF 64 KiB", t, BIG);
	CHECK("one-to-many: a buffer larger than the message still reads pieces", t.reads > 1);
	check_after("one-to-many", fd);
	close(fd);
	finish(child, "one-to-many");
}

static void pd_point(void) {
	struct tally t =
		one_to_one_message("partial delivery point 4096: 64 KiB message", 5403, 0, 4096,
				   65536, 1 << 20);
	CHECK("partial delivery point 4096: the 64 KiB message came in pieces", t.reads > 1);
}

/* One-to-many, two associations: while one's 4 MiB message goes up in pieces, the other's
 * small messages wait at SCTP_FRAGMENT_INTERLEAVE 0 and may come between the pieces at 1. */
static void interleave(int level, int port) {
	const size_t len = 4 << 20;
	int fd = listener(SOCK_SEQPACKET, port, RCVBUF);
	set_int(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, level);
	struct child big = spawn(SOCK_SEQPACKET, port, len, 0x17, 0);
	struct job talk = {SOCK_SEQPACKET, port, 0, 0, 0};
	struct child chat = fork_child(chatter, talk);
	static unsigned char buf[1 << 17];
	sctp_assoc_t big_assoc = 0;
	size_t got = 0, mismatch = 0;
	int chats = 0, between = 0, after = 0, released = 0;
	while (chats < 10 || !after) {
		int flags, has;
		struct sctp_rcvinfo info;
		ssize_t n = receive(fd, buf, sizeof(buf), &flags, &info, &has);
		if (n <= 0 || !has)
			die("interleave read");
		if (info.rcv_sid == 1) {
			big_assoc = info.rcv_assoc_id;
			for (ssize_t i = 0; i < n; i++)
				mismatch += buf[i] != pattern(got + i, 0x17);
			got += n;
			if (!released) {
				release(chat);
				released = 1;
			}
		} else if (info.rcv_assoc_id == big_assoc && n == 5) {
			after = 1;
		} else {
			chats++;
			between += got > 0 && got < len;
		}
	}
	char line[160];
	snprintf(line, sizeof(line), "interleave %d: 4 MiB byte-exact beside another association",
		 level);
	CHECK(line, got == len && mismatch == 0);
	snprintf(line, sizeof(line), "interleave %d: %d of the other's messages between the pieces",
		 level, between);
	CHECK(line, level ? between > 0 : between == 0);
	close(fd);
	finish(chat, "interleave chatter");
	finish(big, "interleave sender");
}

static void interleave_0(void) {
	interleave(0, 5406);
}

static void interleave_1(void) {
	interleave(1, 5407);
}

static void aborted(void) {
	int lfd = listener(SOCK_STREAM, 5405, RCVBUF);
	struct child child = spawn(SOCK_STREAM, 5405, BIG, 0x84, 1);
	int fd = accept_or_die(lfd);
	subscribe(fd, SCTP_PARTIAL_DELIVERY_EVENT);
	static unsigned char buf[1 << 16];
	size_t got = 0;
	int eor = 0, event = 0, signalled = 0;
	struct sctp_pdapi_event pd;
	memset(&pd, 0, sizeof(pd));
	for (;;) {
		int flags, has;
		struct sctp_rcvinfo info;
		ssize_t n = receive(fd, buf, sizeof(buf), &flags, &info, &has);
		if (n <= 0)
			break;
		if (flags & MSG_NOTIFICATION) {
			union sctp_notification *sn = (union sctp_notification *)buf;
			if (sn->sn_header.sn_type == SCTP_PARTIAL_DELIVERY_EVENT) {
				memcpy(&pd, buf, sizeof(pd));
				event = 1;
				break;
			}
			continue;
		}
		got += n;
		eor |= (flags & MSG_EOR) != 0;
		if (!signalled && got >= (1 << 20)) {
			/* Well into the message: the sender aborts now. */
			release(child);
			signalled = 1;
		}
	}
	CHECK("abort mid-message: SCTP_PARTIAL_DELIVERY_EVENT", event && signalled);
	CHECK("abort mid-message: SCTP_PARTIAL_DELIVERY_ABORTED, stream 1, seq 0",
	      pd.pdapi_indication == SCTP_PARTIAL_DELIVERY_ABORTED && pd.pdapi_stream == 1 &&
		      pd.pdapi_seq == 0 && pd.pdapi_length == sizeof(pd));
	CHECK("abort mid-message: no MSG_EOR on the pieces", !eor && got < BIG);
	close(fd);
	close(lfd);
	close(child.ctl);
	int status = 0;
	waitpid(child.pid, &status, 0);
	CHECK("abort: sender exited cleanly", WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* With an argument, only the part of that name (for debugging). */
int main(int argc, char **argv) {
	static const struct {
		const char *name;
		void (*run)(void);
	} parts[] = {{"options", options},	   {"fragments", fragments}, {"one-to-one", one_to_one},
		     {"one-to-many", one_to_many}, {"pd-point", pd_point},   {"abort", aborted},
		     {"interleave-0", interleave_0},   {"interleave-1", interleave_1}};
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (argc < 2 || strcmp(argv[1], parts[i].name) == 0)
			parts[i].run();
	return failures;
}
