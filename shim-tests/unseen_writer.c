/* socket() queues the new socket's registration without waking the library's thread
 * (src/stack/handle.rs post_quiet); its socketpair end is watched at once, so records that a
 * writer the library does not see puts there (a process the descriptor was passed to by
 * SCM_RIGHTS, here a raw write(2) system call) are taken at once, not at the creator's next
 * call or exit:
 *  - right after socket(), a raw write's record leaves the socket's send queue (the engine
 *    read it) within 300 ms, while the creator makes no call of the library's.
 *
 *   unseen_writer
 */
#define _GNU_SOURCE
#include "checks.h"
#include "sctp_common.h"
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Bytes queued on `fd`'s send side, asked of the kernel without the library. */
static int queued(int fd)
{
	int q = -1;
	if (syscall(SYS_ioctl, fd, TIOCOUTQ, &q) < 0)
		die("TIOCOUTQ");
	return q;
}

int main(void)
{
	int s = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (s < 0)
		die("socket");
	if (syscall(SYS_write, s, "x", 1) != 1)
		die("raw write");
	int left = 1;
	for (int waited = 0; waited < 300 && (left = queued(s)) > 0; waited++)
		usleep(1000);
	CHECK("a record from a writer the library does not see is taken at once", left == 0);
	return failures;
}
