/* Helpers of the AUTH test programs (mh_auth_opts.c, mh_auth_live.c): checks printed as
 * "ok: WHAT" / "FAIL: WHAT", and the AUTH socket options. */
#ifndef MH_AUTH_COMMON_H
#define MH_AUTH_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mh_common.h"

static int failed;

static void check(const char *what, int ok) {
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failed = 1;
}

/* The call must have failed with errno `err`. */
static void refused(const char *what, int err, int rc) {
	int ok = rc < 0 && errno == err;
	printf("%s: %s (rc %d errno %d, want %d)\n", ok ? "ok" : "FAIL", what, rc, rc < 0 ? errno : 0,
	       err);
	if (!ok)
		failed = 1;
}

/* SCTP_AUTH_KEY: key `key_id` = `key` for association id `id`. */
static int set_key(int fd, sctp_assoc_t id, unsigned short key_id, const char *key) {
	char buf[sizeof(struct sctp_authkey) + 64];
	struct sctp_authkey *k = (struct sctp_authkey *)buf;
	memset(buf, 0, sizeof(buf));
	k->sca_assoc_id = id;
	k->sca_keynumber = key_id;
	k->sca_keylength = strlen(key);
	memcpy(k->sca_key, key, strlen(key));
	return setsockopt(fd, IPPROTO_SCTP, SCTP_AUTH_KEY, buf, sizeof(*k) + strlen(key));
}

/* SCTP_AUTH_ACTIVE_KEY / _DELETE_KEY / _DEACTIVATE_KEY set. */
static int keyid_op(int fd, int opt, sctp_assoc_t id, unsigned short key_id) {
	struct sctp_authkeyid k;
	memset(&k, 0, sizeof(k));
	k.scact_assoc_id = id;
	k.scact_keynumber = key_id;
	return setsockopt(fd, IPPROTO_SCTP, opt, &k, sizeof(k));
}

static void auth_on(int fd) {
	struct sctp_assoc_value av = {0, 1};
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_AUTH_SUPPORTED, &av, sizeof(av)) < 0)
		die("SCTP_AUTH_SUPPORTED");
}

/* SCTP_EVENTS: SCTP_AUTHENTICATION_EVENT only. */
static void subscribe_auth_events(int fd) {
	struct sctp_event_subscribe ev;
	memset(&ev, 0, sizeof(ev));
	ev.sctp_authentication_event = 1;
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0)
		die("SCTP_EVENTS");
}

#endif
