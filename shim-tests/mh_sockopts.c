/* Path and AUTH socket options against Linux's rules (issue #5). One process: a listener bound
 * to 127.0.0.1 and 127.0.0.2, a client bound to 127.0.1.1 and 127.0.1.2, one association.
 * Every check prints "ok WHAT" or "FAIL WHAT ..." and the exit status counts failures. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checks.h"

static struct sockaddr_in sin_of(const char *ip, int port) {
	struct sockaddr_in s;
	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_port = htons(port);
	inet_pton(AF_INET, ip, &s.sin_addr);
	return s;
}

static void put_addr(void *storage, const char *ip, int port) {
	struct sockaddr_in s = sin_of(ip, port);
	memcpy(storage, &s, sizeof(s));
}

static int bound(const char *a, const char *b, int port) {
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	struct sockaddr_in addrs[2] = {sin_of(a, port), sin_of(b, port)};
	if (fd < 0 || sctp_bindx(fd, (struct sockaddr *)addrs, 2, SCTP_BINDX_ADD_ADDR) < 0) {
		perror("socket/bindx");
		exit(2);
	}
	return fd;
}

int main(void) {
	int lfd = bound("127.0.0.1", "127.0.0.2", 5421);
	int cfd = bound("127.0.1.1", "127.0.1.2", 5422);
	struct sctp_event_subscribe ev;
	memset(&ev, 0, sizeof(ev));
	ev.sctp_address_event = 1;
	if (setsockopt(cfd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0 || listen(lfd, 1) < 0)
		return 2;

	/* socket level, before any association */
	struct sctp_paddrparams pp;
	socklen_t len = sizeof(pp);
	memset(&pp, 0, sizeof(pp));
	pp.spp_address.ss_family = AF_INET;
	CHECK("paddrparams socket defaults",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) == 0 &&
		  len == sizeof(pp) &&
		  pp.spp_flags == (SPP_HB_ENABLE | SPP_PMTUD_ENABLE | SPP_SACKDELAY_ENABLE));
	pp.spp_hbinterval = 1000;
	pp.spp_pathmaxrxt = 7;
	pp.spp_sackdelay = 100;
	pp.spp_flags = SPP_HB_ENABLE | SPP_SACKDELAY_ENABLE;
	CHECK("paddrparams set socket",
	      setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)) == 0);
	REFUSED("paddrparams optlen-1", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp) - 1));
	pp.spp_flags = SPP_HB_ENABLE | SPP_HB_DISABLE;
	REFUSED("paddrparams HB enable+disable", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)));
	pp.spp_flags = SPP_PMTUD_ENABLE | SPP_PMTUD_DISABLE;
	REFUSED("paddrparams PMTUD enable+disable", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)));
	pp.spp_flags = SPP_SACKDELAY_ENABLE | SPP_SACKDELAY_DISABLE;
	REFUSED("paddrparams SACKDELAY enable+disable", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)));
	pp.spp_flags = 0;
	pp.spp_sackdelay = 501;
	REFUSED("paddrparams sackdelay 501", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)));
	pp.spp_sackdelay = 0;
	pp.spp_pathmtu = 511;
	REFUSED("paddrparams pathmtu 511", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)));
	pp.spp_pathmtu = 0;
	pp.spp_flags = SPP_HB_DEMAND;
	REFUSED("paddrparams HB_DEMAND without association", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)));

	struct sockaddr_in peers[2] = {sin_of("127.0.0.1", 5421), sin_of("127.0.0.2", 5421)};
	sctp_assoc_t id = 0;
	errno = 0;
	if (sctp_connectx(cfd, (struct sockaddr *)peers, 2, &id) < 0) {
		perror("sctp_connectx");
		return 2;
	}
	int afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		return 2;

	/* the association took the socket's values */
	memset(&pp, 0, sizeof(pp));
	pp.spp_address.ss_family = AF_INET;
	len = sizeof(pp);
	CHECK("paddrparams association inherits",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) == 0 &&
		  pp.spp_hbinterval == 1000 && pp.spp_pathmaxrxt == 7 && pp.spp_sackdelay == 100);
	/* one address */
	memset(&pp, 0, sizeof(pp));
	put_addr(&pp.spp_address, "127.0.0.2", 5421);
	pp.spp_hbinterval = 2500;
	pp.spp_pathmaxrxt = 3;
	pp.spp_flags = SPP_HB_ENABLE;
	CHECK("paddrparams set one path",
	      setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)) == 0);
	memset(&pp, 0, sizeof(pp));
	put_addr(&pp.spp_address, "127.0.0.2", 5421);
	len = sizeof(pp);
	CHECK("paddrparams get one path",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) == 0 &&
		  pp.spp_hbinterval == 2500 && pp.spp_pathmaxrxt == 3);
	memset(&pp, 0, sizeof(pp));
	put_addr(&pp.spp_address, "127.0.0.1", 5421);
	len = sizeof(pp);
	CHECK("paddrparams other path unchanged",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) == 0 &&
		  pp.spp_hbinterval == 1000 && pp.spp_pathmaxrxt == 7);
	/* spp_pathmtu is a fixed path MTU: Linux takes it only with SPP_PMTUD_DISABLE. */
	uint32_t mtu0 = pp.spp_pathmtu;
	memset(&pp, 0, sizeof(pp));
	put_addr(&pp.spp_address, "127.0.0.1", 5421);
	pp.spp_pathmtu = 1400;
	setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp));
	len = sizeof(pp);
	CHECK("paddrparams pathmtu without PMTUD_DISABLE is ignored",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) == 0 &&
		  pp.spp_pathmtu == mtu0 && mtu0 != 1400);
	pp.spp_pathmtu = 1400;
	pp.spp_flags = SPP_PMTUD_DISABLE;
	CHECK("paddrparams pathmtu with PMTUD_DISABLE sets it",
	      setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)) == 0 &&
		  getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) == 0 &&
		  pp.spp_pathmtu == 1400 && (pp.spp_flags & SPP_PMTUD_DISABLE));
	memset(&pp, 0, sizeof(pp));
	put_addr(&pp.spp_address, "127.0.0.2", 5421);
	len = sizeof(pp);
	CHECK("paddrparams PMTUD flags are per path",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) == 0 &&
		  (pp.spp_flags & SPP_PMTUD_ENABLE) && !(pp.spp_flags & SPP_PMTUD_DISABLE));
	/* Delayed SACK per path too (Linux trans->sackdelay / SPP_SACKDELAY). */
	memset(&pp, 0, sizeof(pp));
	put_addr(&pp.spp_address, "127.0.0.2", 5421);
	pp.spp_sackdelay = 300;
	pp.spp_flags = SPP_SACKDELAY_DISABLE;
	CHECK("paddrparams sack delay and SACKDELAY_DISABLE on one path",
	      setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)) == 0 &&
		  getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) == 0 &&
		  pp.spp_sackdelay == 300 && (pp.spp_flags & SPP_SACKDELAY_DISABLE));
	memset(&pp, 0, sizeof(pp));
	put_addr(&pp.spp_address, "127.0.0.1", 5421);
	CHECK("paddrparams the other path keeps the association's",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len) == 0 &&
		  pp.spp_sackdelay == 100 && (pp.spp_flags & SPP_SACKDELAY_ENABLE));
	memset(&pp, 0, sizeof(pp));
	put_addr(&pp.spp_address, "127.0.9.9", 5421);
	REFUSED("paddrparams non-peer address", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)));

	/* thresholds */
	struct sctp_paddrthlds_v2 th;
	memset(&th, 0, sizeof(th));
	th.spt_pathmaxrxt = 4;
	th.spt_pathpfthld = 2;
	th.spt_pathcpthld = 0xffff;
	CHECK("thlds_v2 set association",
	      setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS_V2, &th, sizeof(th)) == 0);
	memset(&th, 0, sizeof(th));
	len = sizeof(th);
	CHECK("thlds_v2 get association",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS_V2, &th, &len) == 0 &&
		  th.spt_pathmaxrxt == 4 && th.spt_pathpfthld == 2 && th.spt_pathcpthld == 0xffff);
	th.spt_pathpfthld = 5;
	th.spt_pathcpthld = 3;
	REFUSED("thlds_v2 pf above cp", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS_V2, &th, sizeof(th)));
	struct sctp_paddrthlds t1;
	memset(&t1, 0, sizeof(t1));
	put_addr(&t1.spt_address, "127.0.9.9", 5421);
	REFUSED("thlds non-peer address", ENOENT,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS, &t1, sizeof(t1)));
	/* one path: its own PF and switchover thresholds; the others keep theirs */
	memset(&th, 0, sizeof(th));
	put_addr(&th.spt_address, "127.0.0.2", 5421);
	th.spt_pathmaxrxt = 6;
	th.spt_pathpfthld = 1;
	th.spt_pathcpthld = 3;
	CHECK("thlds_v2 set one path",
	      setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS_V2, &th, sizeof(th)) == 0);
	memset(&th, 0, sizeof(th));
	put_addr(&th.spt_address, "127.0.0.2", 5421);
	len = sizeof(th);
	CHECK("thlds_v2 get one path",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS_V2, &th, &len) == 0 &&
		  th.spt_pathmaxrxt == 6 && th.spt_pathpfthld == 1 && th.spt_pathcpthld == 3);
	memset(&th, 0, sizeof(th));
	put_addr(&th.spt_address, "127.0.0.1", 5421);
	len = sizeof(th);
	CHECK("thlds_v2 other path unchanged",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS_V2, &th, &len) == 0 &&
		  th.spt_pathmaxrxt == 4 && th.spt_pathpfthld == 2 && th.spt_pathcpthld == 0xffff);
	/* v1 on the association: every path's PF threshold, switchover thresholds kept */
	memset(&t1, 0, sizeof(t1));
	t1.spt_pathpfthld = 3;
	CHECK("thlds v1 set association",
	      setsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS, &t1, sizeof(t1)) == 0);
	memset(&th, 0, sizeof(th));
	put_addr(&th.spt_address, "127.0.0.2", 5421);
	len = sizeof(th);
	CHECK("thlds v1 reaches every path",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS_V2, &th, &len) == 0 &&
		  th.spt_pathmaxrxt == 6 && th.spt_pathpfthld == 3 && th.spt_pathcpthld == 3);

	/* PF state exposure (Linux pf_expose: 0 unset, 1 disable, 2 enable) */
	struct sctp_assoc_value pfx = {.assoc_id = 0, .assoc_value = 9};
	len = sizeof(pfx);
	CHECK("pf_expose default unset",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, &pfx, &len) == 0 &&
		  pfx.assoc_value == 0 && len == sizeof(pfx));
	pfx.assoc_value = 2;
	CHECK("pf_expose set", setsockopt(cfd, IPPROTO_SCTP, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE,
					  &pfx, sizeof(pfx)) == 0);
	pfx.assoc_value = 0;
	len = sizeof(pfx);
	CHECK("pf_expose get",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, &pfx, &len) == 0 &&
		  pfx.assoc_value == 2);
	pfx.assoc_value = 3;
	REFUSED("pf_expose above enable", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, &pfx, sizeof(pfx)));
	pfx.assoc_value = 1;
	REFUSED("pf_expose short", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, &pfx, 4));

	/* peer address info */
	struct sctp_paddrinfo pi;
	memset(&pi, 0, sizeof(pi));
	struct sockaddr_in want = sin_of("127.0.0.1", 5421);
	memcpy((char *)&pi + offsetof(struct sctp_paddrinfo, spinfo_address), &want, sizeof(want));
	len = sizeof(pi);
	CHECK("paddrinfo primary active",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &len) == 0 &&
		  pi.spinfo_state == SCTP_ACTIVE && pi.spinfo_assoc_id == id && pi.spinfo_mtu > 0 &&
		  pi.spinfo_rto > 0);
	want = sin_of("127.0.9.9", 5421);
	memcpy((char *)&pi + offsetof(struct sctp_paddrinfo, spinfo_address), &want, sizeof(want));
	len = sizeof(pi);
	REFUSED("paddrinfo non-peer address", EINVAL,
		getsockopt(cfd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &len));

	/* primary address: set to the second, read back, MADE_PRIM notified */
	struct sctp_prim prim;
	memset(&prim, 0, sizeof(prim));
	want = sin_of("127.0.0.2", 5421);
	memcpy((char *)&prim + offsetof(struct sctp_prim, ssp_addr), &want, sizeof(want));
	CHECK("primary set", setsockopt(cfd, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &prim, sizeof(prim)) == 0);
	memset(&prim, 0, sizeof(prim));
	len = sizeof(prim);
	struct sockaddr_in got;
	int r = getsockopt(cfd, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &prim, &len);
	memcpy(&got, (char *)&prim + offsetof(struct sctp_prim, ssp_addr), sizeof(got));
	CHECK("primary get", r == 0 && got.sin_addr.s_addr == want.sin_addr.s_addr &&
				     got.sin_port == htons(5421));
	want = sin_of("127.0.9.9", 5421);
	memcpy((char *)&prim + offsetof(struct sctp_prim, ssp_addr), &want, sizeof(want));
	REFUSED("primary non-peer address", EINVAL,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &prim, sizeof(prim)));
	int made_prim = 0;
	for (int k = 0; k < 50 && !made_prim; k++) {
		char buf[512];
		struct pollfd p = {cfd, POLLIN, 0};
		if (poll(&p, 1, 100) <= 0)
			continue;
		int flags = 0;
		ssize_t n = sctp_recvmsg(cfd, buf, sizeof(buf), NULL, NULL, NULL, &flags);
		if (n <= 0 || !(flags & MSG_NOTIFICATION))
			continue;
		struct sctp_paddr_change *c = (struct sctp_paddr_change *)buf;
		struct sockaddr_in a;
		memcpy(&a, &c->spc_aaddr, sizeof(a));
		if (c->spc_type == SCTP_PEER_ADDR_CHANGE && c->spc_state == SCTP_ADDR_MADE_PRIM &&
		    a.sin_addr.s_addr == inet_addr("127.0.0.2"))
			made_prim = 1;
	}
	CHECK("MADE_PRIM notification", made_prim);

	/* AUTH is off: EACCES (Linux, lksctp-tools#69) */
	struct sctp_authchunk ac = {.sauth_chunk = 0};
	REFUSED("auth chunk EACCES", EACCES,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_AUTH_CHUNK, &ac, sizeof(ac)));
	char keybuf[sizeof(struct sctp_authkey) + 4];
	memset(keybuf, 0, sizeof(keybuf));
	((struct sctp_authkey *)keybuf)->sca_keylength = 4;
	REFUSED("auth key EACCES", EACCES,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_AUTH_KEY, keybuf, sizeof(keybuf)));
	struct sctp_authkeyid kid = {0};
	REFUSED("auth active key EACCES", EACCES,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_AUTH_ACTIVE_KEY, &kid, sizeof(kid)));
	REFUSED("auth delete key EACCES", EACCES,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_AUTH_DELETE_KEY, &kid, sizeof(kid)));
	REFUSED("auth deactivate key EACCES", EACCES,
		setsockopt(cfd, IPPROTO_SCTP, SCTP_AUTH_DEACTIVATE_KEY, &kid, sizeof(kid)));
	len = sizeof(kid);
	REFUSED("auth key get EOPNOTSUPP", EOPNOTSUPP,
		getsockopt(cfd, IPPROTO_SCTP, SCTP_AUTH_KEY, &kid, &len));
	struct sctp_assoc_value av = {0, 1};
	len = sizeof(av);
	CHECK("auth supported reads 0",
	      getsockopt(cfd, IPPROTO_SCTP, SCTP_AUTH_SUPPORTED, &av, &len) == 0 && av.assoc_value == 0);

	struct sctp_setpeerprim spp;
	memset(&spp, 0, sizeof(spp));
	want = sin_of("127.0.1.2", 5422);
	memcpy((char *)&spp + offsetof(struct sctp_setpeerprim, sspp_addr), &want, sizeof(want));
	REFUSED("set peer primary EPERM without ASCONF", EPERM,
		setsockopt(afd, IPPROTO_SCTP, SCTP_SET_PEER_PRIMARY_ADDR, &spp, sizeof(spp)));

	/* sctp_bindx on a bound socket (Linux sctp_do_bind, sctp_bindx_rem): another port or an
	 * address bound already EINVAL; removal goes address by address and stops with EBUSY at
	 * the last one; removing an unbound address EINVAL */
	int bfd = bound("127.0.2.1", "127.0.2.2", 5431);
	struct sockaddr_in x = sin_of("127.0.2.3", 5432);
	REFUSED("bindx add other port", EINVAL,
		sctp_bindx(bfd, (struct sockaddr *)&x, 1, SCTP_BINDX_ADD_ADDR));
	x = sin_of("127.0.2.2", 5431);
	REFUSED("bindx add bound address", EINVAL,
		sctp_bindx(bfd, (struct sockaddr *)&x, 1, SCTP_BINDX_ADD_ADDR));
	x = sin_of("127.0.2.3", 0);
	CHECK("bindx add port 0", sctp_bindx(bfd, (struct sockaddr *)&x, 1, SCTP_BINDX_ADD_ADDR) == 0);
	struct sockaddr_in all[3] = {sin_of("127.0.2.1", 5431), sin_of("127.0.2.2", 5431),
				     sin_of("127.0.2.3", 5431)};
	x = sin_of("127.0.2.9", 5431);
	REFUSED("bindx remove unbound address", EINVAL,
		sctp_bindx(bfd, (struct sockaddr *)&x, 1, SCTP_BINDX_REM_ADDR));
	REFUSED("bindx remove every address", EBUSY,
		sctp_bindx(bfd, (struct sockaddr *)all, 3, SCTP_BINDX_REM_ADDR));
	struct sockaddr *la;
	int nla = sctp_getladdrs(bfd, 0, &la);
	CHECK("getladdrs after remove", nla == 1 && ((struct sockaddr_in *)la)->sin_addr.s_addr ==
							   inet_addr("127.0.2.3"));
	if (nla > 0)
		sctp_freeladdrs(la);
	/* the removed addresses' port is free again (their UDP sockets are closed) */
	int probe = socket(AF_INET, SOCK_DGRAM, 0);
	x = sin_of("127.0.2.1", 5431);
	CHECK("removed address's port released", bind(probe, (struct sockaddr *)&x, sizeof(x)) == 0);
	close(probe);
	close(bfd);

	close(afd);
	close(cfd);
	close(lfd);
	printf("%d failures\n", failures);
	return failures;
}
