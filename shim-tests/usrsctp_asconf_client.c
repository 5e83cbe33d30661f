/* ASCONF interop client (issue #5): run under the shim with SCTPSHIM_AUTH_ENABLE=1 and
 * SCTPSHIM_ADDIP_ENABLE=1 against usrsctp's echo_server (AUTH and ASCONF on by default there).
 *   usrsctp_asconf_client SERVER PORT LADDR NEWADDR LPORT
 * Binds LADDR:LPORT, connects, checks one echo, sctp_bindx(ADD NEWADDR) on the live association,
 * waits for the ASCONF exchange (usrsctp verifies our AUTH, we verify its), checks another
 * echo, then closes. Prints "echo 1 ok", "added", "echo 2 ok". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mh_common.h"

static void echo(int fd, const char *text, int n) {
	if (send(fd, text, strlen(text), 0) < 0)
		die("send");
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, 10000) != 1) {
		fprintf(stderr, "no echo\n");
		exit(1);
	}
	char buf[256];
	ssize_t got = recv(fd, buf, sizeof(buf) - 1, 0);
	if (got != (ssize_t)strlen(text) || memcmp(buf, text, got) != 0) {
		fprintf(stderr, "bad echo (%zd bytes)\n", got);
		exit(1);
	}
	printf("echo %d ok\n", n);
	fflush(stdout);
}

int main(int argc, char **argv) {
	if (argc != 6) {
		fprintf(stderr, "usage: usrsctp_asconf_client SERVER PORT LADDR NEWADDR LPORT\n");
		return 2;
	}
	int lport = atoi(argv[5]);
	struct sockaddr_in srv = sa(argv[1], atoi(argv[2])), l = sa(argv[3], lport),
			   add = sa(argv[4], lport);
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&l, sizeof(l)) < 0)
		die("bind");
	if (connect(fd, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		die("connect");
	struct sctp_assoc_value av = {0, 0};
	socklen_t len = sizeof(av);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_ASCONF_SUPPORTED, &av, &len) < 0)
		die("SCTP_ASCONF_SUPPORTED");
	printf("socket asconf %u\n", av.assoc_value);
	echo(fd, "before", 1);
	if (sctp_bindx(fd, (struct sockaddr *)&add, 1, SCTP_BINDX_ADD_ADDR) < 0)
		die("sctp_bindx");
	printf("added\n");
	fflush(stdout);
	/* Longer than a retransmission timeout: an ASCONF or ACK refused would show again. */
	sleep(3);
	echo(fd, "after", 2);
	close(fd);
	return 0;
}
