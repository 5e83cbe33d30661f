/* The AUTH socket options with AUTH on (issue #5, RFC 4895, RFC 6458 8.3; Linux's rules), then
 * an association whose server requires DATA authenticated under endpoint pair key 1.
 *   mh_auth_opts PORT CPORT CLIENT_KEY
 * The server's key 1 is "shared-secret"; the client's is CLIENT_KEY. Prints "ok: ..." per check
 * ("FAIL: ..." and exit 1 otherwise), then "data arrived" or "no data" within 2 s, "done".
 * The client subscribes to SCTP_AUTHENTICATION_EVENT: Linux sends SCTP_AUTH_NO_AUTH after
 * COMM_UP only when AUTH is not in use. CLIENT_KEY "noauth": the client leaves AUTH off (then
 * the event comes, and DATA goes unauthenticated). */
#include <poll.h>
#include <unistd.h>

#include "mh_auth_common.h"

/* The chunk list of an AUTH_CHUNKS getsockopt, as "a,b,c" into out. */
static int chunks(int fd, int opt, sctp_assoc_t id, char *out) {
	char buf[sizeof(struct sctp_authchunks) + 256];
	struct sctp_authchunks *c = (struct sctp_authchunks *)buf;
	memset(buf, 0, sizeof(buf));
	c->gauth_assoc_id = id;
	socklen_t len = sizeof(buf);
	if (getsockopt(fd, IPPROTO_SCTP, opt, buf, &len) < 0)
		return -1;
	out[0] = 0;
	for (unsigned i = 0; i < c->gauth_number_of_chunks; i++)
		sprintf(out + strlen(out), "%s%u", i ? "," : "", c->gauth_chunks[i]);
	return 0;
}

int main(int argc, char **argv) {
	if (argc != 4) {
		fprintf(stderr, "usage: mh_auth_opts PORT CPORT CLIENT_KEY\n");
		return 2;
	}
	int port = atoi(argv[1]), cport = atoi(argv[2]);
	char list[512];

	int lfd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (lfd < 0)
		die("socket");
	char hbuf[sizeof(struct sctp_hmacalgo) + 8 * sizeof(uint16_t)];
	struct sctp_hmacalgo *h = (struct sctp_hmacalgo *)hbuf;
	socklen_t len = sizeof(hbuf);
	refused("hmac ident EACCES while AUTH is off", EACCES,
		getsockopt(lfd, IPPROTO_SCTP, SCTP_HMAC_IDENT, hbuf, &len));
	auth_on(lfd);
	len = sizeof(hbuf);
	check("hmac ident lists SHA-256 then SHA-1",
	      getsockopt(lfd, IPPROTO_SCTP, SCTP_HMAC_IDENT, hbuf, &len) == 0 &&
		      h->shmac_num_idents == 2 && h->shmac_idents[0] == 3 && h->shmac_idents[1] == 1);
	h->shmac_num_idents = 1;
	h->shmac_idents[0] = 3;
	refused("hmac ident without SHA-1 EINVAL", EINVAL,
		setsockopt(lfd, IPPROTO_SCTP, SCTP_HMAC_IDENT, hbuf, sizeof(*h) + 2));
	h->shmac_num_idents = 2;
	h->shmac_idents[0] = 2;
	h->shmac_idents[1] = 1;
	refused("hmac ident with an unknown id EOPNOTSUPP", EOPNOTSUPP,
		setsockopt(lfd, IPPROTO_SCTP, SCTP_HMAC_IDENT, hbuf, sizeof(*h) + 4));
	h->shmac_idents[0] = 1;
	h->shmac_idents[1] = 3;
	check("hmac ident set SHA-1, SHA-256",
	      setsockopt(lfd, IPPROTO_SCTP, SCTP_HMAC_IDENT, hbuf, sizeof(*h) + 4) == 0);
	len = sizeof(hbuf);
	check("hmac ident reads SHA-1, SHA-256",
	      getsockopt(lfd, IPPROTO_SCTP, SCTP_HMAC_IDENT, hbuf, &len) == 0 &&
		      h->shmac_num_idents == 2 && h->shmac_idents[0] == 1 && h->shmac_idents[1] == 3);

	check("local auth chunks: ASCONF ACK, ASCONF",
	      chunks(lfd, SCTP_LOCAL_AUTH_CHUNKS, 0, list) == 0 && strcmp(list, "128,193") == 0);
	struct sctp_authchunk ac = {0 /* DATA */};
	check("auth chunk DATA", setsockopt(lfd, IPPROTO_SCTP, SCTP_AUTH_CHUNK, &ac, sizeof(ac)) == 0);
	ac.sauth_chunk = 1; /* INIT */
	refused("auth chunk INIT EINVAL", EINVAL,
		setsockopt(lfd, IPPROTO_SCTP, SCTP_AUTH_CHUNK, &ac, sizeof(ac)));
	check("local auth chunks: DATA, ASCONF ACK, ASCONF",
	      chunks(lfd, SCTP_LOCAL_AUTH_CHUNKS, 0, list) == 0 && strcmp(list, "0,128,193") == 0);

	check("auth key 1", set_key(lfd, 0, 1, "shared-secret") == 0);
	refused("activate unknown key 5 EINVAL", EINVAL, keyid_op(lfd, SCTP_AUTH_ACTIVE_KEY, 0, 5));
	check("activate key 1", keyid_op(lfd, SCTP_AUTH_ACTIVE_KEY, 0, 1) == 0);
	struct sctp_authkeyid kid;
	memset(&kid, 0, sizeof(kid));
	len = sizeof(kid);
	check("active key reads 1",
	      getsockopt(lfd, IPPROTO_SCTP, SCTP_AUTH_ACTIVE_KEY, &kid, &len) == 0 &&
		      kid.scact_keynumber == 1);
	refused("delete the active key EINVAL", EINVAL, keyid_op(lfd, SCTP_AUTH_DELETE_KEY, 0, 1));
	refused("deactivate the active key EINVAL", EINVAL,
		keyid_op(lfd, SCTP_AUTH_DEACTIVATE_KEY, 0, 1));
	check("delete key 0", keyid_op(lfd, SCTP_AUTH_DELETE_KEY, 0, 0) == 0);
	refused("delete key 0 again EINVAL", EINVAL, keyid_op(lfd, SCTP_AUTH_DELETE_KEY, 0, 0));

	struct sockaddr_in s = sa("127.0.0.1", port);
	if (bind(lfd, (struct sockaddr *)&s, sizeof(s)) < 0)
		die("bind");
	if (listen(lfd, 1) < 0)
		die("listen");

	int cfd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (cfd < 0)
		die("socket");
	int client_auth = strcmp(argv[3], "noauth") != 0;
	if (client_auth) {
		auth_on(cfd);
		if (set_key(cfd, 0, 1, argv[3]) < 0 || keyid_op(cfd, SCTP_AUTH_ACTIVE_KEY, 0, 1) < 0)
			die("client key");
	}
	subscribe_auth_events(cfd);
	struct sockaddr_in c = sa("127.0.0.1", cport);
	if (bind(cfd, (struct sockaddr *)&c, sizeof(c)) < 0)
		die("bind client");
	if (connect(cfd, (struct sockaddr *)&s, sizeof(s)) < 0)
		die("connect");
	int sfd = accept(lfd, NULL, NULL);
	if (sfd < 0)
		die("accept");
	struct pollfd q = {cfd, POLLIN, 0};
	if (client_auth) {
		struct sctp_assoc_value av = {0, 0};
		len = sizeof(av);
		check("client reads AUTH on",
		      getsockopt(cfd, IPPROTO_SCTP, SCTP_AUTH_SUPPORTED, &av, &len) == 0 &&
			      av.assoc_value == 1);
		check("no SCTP_AUTH_NO_AUTH when AUTH is in use", poll(&q, 1, 300) == 0);
		check("client sees the server's chunk list",
		      chunks(cfd, SCTP_PEER_AUTH_CHUNKS, 0, list) == 0 &&
			      strcmp(list, "0,128,193") == 0);
	} else {
		union sctp_notification n;
		int flags = 0;
		check("SCTP_AUTH_NO_AUTH without AUTH",
		      poll(&q, 1, 2000) == 1 &&
			      sctp_recvmsg(cfd, &n, sizeof(n), NULL, NULL, NULL, &flags) > 0 &&
			      (flags & MSG_NOTIFICATION) &&
			      n.sn_header.sn_type == SCTP_AUTHENTICATION_EVENT &&
			      n.sn_authkey_event.auth_indication == SCTP_AUTH_NO_AUTH);
	}
	if (send(cfd, "authenticated", 13, 0) != 13)
		die("send");
	struct pollfd p = {sfd, POLLIN, 0};
	char buf[64];
	if (poll(&p, 1, 2000) == 1 && recv(sfd, buf, sizeof(buf), 0) == 13)
		printf("data arrived\n");
	else
		printf("no data\n");
	close(cfd);
	close(sfd);
	close(lfd);
	printf("done\n");
	return failed;
}
