/* Forks back to back, from two threads at once, while this process's engine runs: each child
 * starts its own engine, sends one message to the parent's one-to-many socket and exits.
 * Every fork parks the parent's engine (stack/park.rs); a park that overlapped the release
 * of the previous one used to leave the engine parked forever, and a child that inherited
 * the parked thread as a waiter crashed at its own first wait. Prints one "ok"/"FAIL" line
 * per check; the exit status counts failures. */
#include "sctp_common.h"
#include <netinet/sctp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "checks.h"

#define PORT 5460
#define PER_THREAD 20
#define THREADS 2

static void child(int n) {
	struct sockaddr_in a = addr_of("127.0.0.1", PORT);
	int fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	char msg[16];
	int len = snprintf(msg, sizeof(msg), "child %d", n);
	if (fd < 0 || sctp_sendmsg(fd, msg, len, (struct sockaddr *)&a, sizeof(a), 0, 0, 0, 0, 0) != len)
		_exit(3);
	close(fd);
	exit(0);
}

static pid_t pids[THREADS][PER_THREAD];

static void *forker(void *arg) {
	int t = (int)(long)arg;
	for (int i = 0; i < PER_THREAD; i++) {
		pid_t pid = fork();
		if (pid == 0)
			child(t * PER_THREAD + i);
		pids[t][i] = pid;
	}
	return NULL;
}

int main(void) {
	struct sockaddr_in a = addr_of("127.0.0.1", PORT);
	int fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	struct timeval limit = {30, 0};
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)) < 0) {
		perror("server socket");
		return 2;
	}
	pthread_t th[THREADS];
	for (long t = 0; t < THREADS; t++)
		pthread_create(&th[t], NULL, forker, (void *)t);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);

	char seen[THREADS * PER_THREAD] = {0};
	int got = 0, odd = 0;
	while (got < THREADS * PER_THREAD) {
		char buf[64];
		int flags = 0;
		ssize_t n = sctp_recvmsg(fd, buf, sizeof(buf) - 1, NULL, NULL, NULL, &flags);
		if (n < 0)
			break;
		if (flags & MSG_NOTIFICATION)
			continue;
		buf[n] = 0;
		int k = -1;
		if (sscanf(buf, "child %d", &k) != 1 || k < 0 || k >= THREADS * PER_THREAD || seen[k])
			odd++;
		else
			seen[k] = 1;
		got++;
	}
	char line[128];
	snprintf(line, sizeof(line), "%d messages from %d children, each once", got - odd,
		 THREADS * PER_THREAD);
	CHECK(line, got == THREADS * PER_THREAD && odd == 0);

	int clean = 0;
	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < PER_THREAD; i++) {
			int status = 0;
			if (pids[t][i] > 0 && waitpid(pids[t][i], &status, 0) == pids[t][i] &&
			    WIFEXITED(status) && WEXITSTATUS(status) == 0)
				clean++;
			else
				printf("child %d: status %#x\n", t * PER_THREAD + i, status);
		}
	snprintf(line, sizeof(line), "%d of %d children exited cleanly", clean, THREADS * PER_THREAD);
	CHECK(line, clean == THREADS * PER_THREAD);
	close(fd);
	return failures;
}
