/* AUTH keys changed on a live association (issue #5, RFC 4895, RFC 6458 8.1.21-8.1.23 and
 * 8.3.3, as Linux applies them): on an established one-to-one socket the key options act on
 * the association, whatever the id. The server requires DATA authenticated and subscribes to
 * SCTP_AUTHENTICATION_EVENT.
 *   mh_auth_live PORT CPORT
 * Prints "ok: ..." per check ("FAIL: ..." and exit 1 otherwise), then "done". */
#include <poll.h>
#include <unistd.h>

#include "mh_auth_common.h"

static int active_key(int fd) {
	struct sctp_authkeyid k;
	memset(&k, 0, sizeof(k));
	socklen_t len = sizeof(k);
	if (getsockopt(fd, IPPROTO_SCTP, SCTP_AUTH_ACTIVE_KEY, &k, &len) < 0)
		return -1;
	return k.scact_keynumber;
}

/* The next message within 2 s: 'N' notification (authkey event into *ev), 'D' data (into
 * data), 0 nothing. */
static int next(int fd, struct sctp_authkey_event *ev, char *data, size_t n) {
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, 2000) != 1)
		return 0;
	union sctp_notification buf;
	int flags = 0;
	ssize_t r = sctp_recvmsg(fd, &buf, sizeof(buf), NULL, NULL, NULL, &flags);
	if (r <= 0)
		return 0;
	if (flags & MSG_NOTIFICATION) {
		if (buf.sn_header.sn_type != SCTP_AUTHENTICATION_EVENT)
			return 'X';
		*ev = buf.sn_authkey_event;
		return 'N';
	}
	size_t m = (size_t)r < n - 1 ? (size_t)r : n - 1;
	memcpy(data, &buf, m);
	data[m] = 0;
	return 'D';
}

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: mh_auth_live PORT CPORT\n");
		return 2;
	}
	int port = atoi(argv[1]), cport = atoi(argv[2]);

	/* One-to-many socket, no association: the SCTP_*_ASSOC ids and an unknown id. */
	int ufd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (ufd < 0)
		die("socket");
	auth_on(ufd);
	check("one-to-many key for current associations", set_key(ufd, SCTP_CURRENT_ASSOC, 3, "c") == 0);
	check("one-to-many key for all", set_key(ufd, SCTP_ALL_ASSOC, 3, "a") == 0);
	refused("one-to-many key for an unknown association EINVAL", EINVAL, set_key(ufd, 4242, 3, "x"));
	refused("one-to-many active key of an unknown association EINVAL", EINVAL,
		keyid_op(ufd, SCTP_AUTH_ACTIVE_KEY, 4242, 3));
	check("one-to-many activate key 3 for the future",
	      keyid_op(ufd, SCTP_AUTH_ACTIVE_KEY, SCTP_FUTURE_ASSOC, 3) == 0 && active_key(ufd) == 3);
	close(ufd);

	int lfd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (lfd < 0)
		die("socket");
	auth_on(lfd);
	struct sctp_authchunk ac = {0 /* DATA */};
	if (setsockopt(lfd, IPPROTO_SCTP, SCTP_AUTH_CHUNK, &ac, sizeof(ac)) < 0)
		die("SCTP_AUTH_CHUNK");
	subscribe_auth_events(lfd);
	struct sockaddr_in s = sa("127.0.0.1", port);
	if (bind(lfd, (struct sockaddr *)&s, sizeof(s)) < 0 || listen(lfd, 1) < 0)
		die("bind/listen");
	int cfd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (cfd < 0)
		die("socket");
	auth_on(cfd);
	struct sockaddr_in c = sa("127.0.0.1", cport);
	if (bind(cfd, (struct sockaddr *)&c, sizeof(c)) < 0 ||
	    connect(cfd, (struct sockaddr *)&s, sizeof(s)) < 0)
		die("bind/connect");
	int sfd = accept(lfd, NULL, NULL);
	if (sfd < 0)
		die("accept");

	struct sctp_authkey_event ae;
	char data[64];
	if (send(cfd, "one", 3, 0) != 3)
		die("send");
	check("data signed with key 0, no event", next(sfd, &ae, data, sizeof(data)) == 'D' &&
						      strcmp(data, "one") == 0);

	/* Both ends add key 2 to the association; the client signs with it. */
	check("client key 2 on the association", set_key(cfd, 0, 2, "live-key") == 0);
	check("server key 2 on the association", set_key(sfd, 0, 2, "live-key") == 0);
	check("client activates key 2", keyid_op(cfd, SCTP_AUTH_ACTIVE_KEY, 0, 2) == 0);
	check("client active key reads 2", active_key(cfd) == 2);
	check("server active key still 0", active_key(sfd) == 0);
	if (send(cfd, "two", 3, 0) != 3)
		die("send");
	int k = next(sfd, &ae, data, sizeof(data));
	check("server: SCTP_AUTH_NEW_KEY for key 2",
	      k == 'N' && ae.auth_indication == SCTP_AUTH_NEW_KEY && ae.auth_keynumber == 2 &&
		      ae.auth_length == sizeof(ae));
	check("then the data", next(sfd, &ae, data, sizeof(data)) == 'D' && strcmp(data, "two") == 0);

	/* The server moves to key 2 and frees key 0. */
	refused("server deactivates its active key 0 EINVAL", EINVAL,
		keyid_op(sfd, SCTP_AUTH_DEACTIVATE_KEY, 0, 0));
	check("server activates key 2", keyid_op(sfd, SCTP_AUTH_ACTIVE_KEY, 0, 2) == 0);
	check("server deactivates key 0", keyid_op(sfd, SCTP_AUTH_DEACTIVATE_KEY, 0, 0) == 0);
	k = next(sfd, &ae, data, sizeof(data));
	check("server: SCTP_AUTH_FREE_KEY for key 0",
	      k == 'N' && ae.auth_indication == SCTP_AUTH_FREE_KEY && ae.auth_keynumber == 0);
	refused("server activates the deactivated key 0 EINVAL", EINVAL,
		keyid_op(sfd, SCTP_AUTH_ACTIVE_KEY, 0, 0));
	check("client deletes key 0", keyid_op(cfd, SCTP_AUTH_DELETE_KEY, 0, 0) == 0);
	refused("client activates the deleted key 0 EINVAL", EINVAL,
		keyid_op(cfd, SCTP_AUTH_ACTIVE_KEY, 0, 0));
	if (send(cfd, "three", 5, 0) != 5)
		die("send");
	check("data under the common key 2, no event", next(sfd, &ae, data, sizeof(data)) == 'D' &&
							     strcmp(data, "three") == 0);

	/* A key only the client has: the server cannot verify, the data does not arrive. */
	check("client key 9 and activates it", set_key(cfd, 0, 9, "only-mine") == 0 &&
						      keyid_op(cfd, SCTP_AUTH_ACTIVE_KEY, 0, 9) == 0);
	if (send(cfd, "four", 4, 0) != 4)
		die("send");
	check("unverifiable data does not arrive", next(sfd, &ae, data, sizeof(data)) == 0);
	close(cfd);
	close(sfd);
	close(lfd);
	printf("done\n");
	return failed;
}
