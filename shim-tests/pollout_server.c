/* pollout_server PROTO FAMILY PORT BURST_BYTES PAUSE_MS
 *
 * Accepts one SOCK_STREAM connection of PROTO (tcp or sctp) over IPv4 or IPv6 loopback and reads
 * it in slow bursts (BURST_BYTES, then a PAUSE_MS sleep) until EOF, checking every byte against
 * the client's pattern. Prints "received N bytes, pattern ok" and exits 0, or "FAIL: ..." and 1.
 * The small receive buffer keeps the client's send path full most of the time. */
#include "pollout_common.h"

#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	if (argc != 6)
		die("usage: %s tcp|sctp 4|6 PORT BURST_BYTES PAUSE_MS", argv[0]);
	int proto = parse_proto(argv[1]);
	struct sockaddr_storage addr;
	socklen_t len = loopback_addr(argv[2], atoi(argv[3]), &addr);
	long burst = atol(argv[4]);
	long pause_ms = atol(argv[5]);

	int lsk = socket(addr.ss_family, SOCK_STREAM, proto);
	if (lsk < 0)
		die("socket: %s", strerror(errno));
	int one = 1, rcvbuf = 128 * 1024;
	if (setsockopt(lsk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("SO_REUSEADDR: %s", strerror(errno));
	if (setsockopt(lsk, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
		die("SO_RCVBUF: %s", strerror(errno));
	if (bind(lsk, (struct sockaddr *)&addr, len) < 0)
		die("bind: %s", strerror(errno));
	if (listen(lsk, 1) < 0)
		die("listen: %s", strerror(errno));
	printf("listening\n");
	fflush(stdout);

	int sk = accept(lsk, NULL, NULL);
	if (sk < 0)
		die("accept: %s", strerror(errno));

	static uint8_t buf[16384];
	uint64_t off = 0;
	long in_burst = 0;
	for (;;) {
		ssize_t n = read(sk, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("read at offset %llu: %s", (unsigned long long)off, strerror(errno));
		}
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			uint8_t want = pattern_byte(off + (uint64_t)i);
			if (buf[i] != want)
				die("byte %llu is 0x%02x, expected 0x%02x",
				    (unsigned long long)(off + (uint64_t)i), buf[i], want);
		}
		off += (uint64_t)n;
		in_burst += n;
		if (in_burst >= burst) {
			in_burst = 0;
			sleep_ms(pause_ms);
		}
	}
	printf("received %llu bytes, pattern ok\n", (unsigned long long)off);
	close(sk);
	close(lsk);
	return 0;
}
