/* Reads and writes SCTP notification and cmsg bytes with the system headers' own structs and
 * glibc's CMSG_* macros, for tests/abi_roundtrip.rs (which checks src/shim/notify.rs and
 * src/shim/cmsg.rs against it).
 *
 *   abi_roundtrip notify FILE   FILE holds records "u32 length, bytes"; prints each notification
 *                               field by field through union sctp_notification, one line each.
 *   abi_roundtrip recvcmsg FILE FILE is a recvmsg control buffer; walks it with CMSG_FIRSTHDR /
 *                               CMSG_NXTHDR and prints each cmsg and its SCTP struct fields.
 *   abi_roundtrip sendcmsg      writes to stdout two control buffers as lksctp-tools builds them
 *                               (sctp_sendmsg: one SNDRCV; sctp_sendv: SNDINFO, PRINFO, AUTHINFO,
 *                               DSTADDRV4, DSTADDRV6), each preceded by its u32 length.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

static unsigned char buf[1 << 16];

static size_t read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		exit(2);
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return n;
}

static void print_addr(const struct sockaddr_storage *ss)
{
	char text[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		printf(" addr=%s port=%u", text, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
		printf(" addr=%s port=%u", text, ntohs(sin6->sin6_port));
	}
	printf(" family=%u", ss->ss_family);
}

static void print_notification(const union sctp_notification *n, uint32_t len)
{
	printf("type=%u flags=%u length=%u bytes=%u", n->sn_header.sn_type, n->sn_header.sn_flags,
	       n->sn_header.sn_length, len);
	switch (n->sn_header.sn_type) {
	case SCTP_ASSOC_CHANGE: {
		const struct sctp_assoc_change *s = &n->sn_assoc_change;
		printf(" state=%u error=%u out=%u in=%u id=%d info=%zu", s->sac_state, s->sac_error,
		       s->sac_outbound_streams, s->sac_inbound_streams, s->sac_assoc_id,
		       (size_t)(len - sizeof(*s)));
		break;
	}
	case SCTP_PEER_ADDR_CHANGE: {
		const struct sctp_paddr_change *s = &n->sn_paddr_change;
		struct sockaddr_storage ss;
		memcpy(&ss, &s->spc_aaddr, sizeof(ss));
		printf(" state=%d error=%d id=%d", s->spc_state, s->spc_error, s->spc_assoc_id);
		print_addr(&ss);
		break;
	}
	case SCTP_SEND_FAILED: {
		const struct sctp_send_failed *s = &n->sn_send_failed;
		printf(" error=%u stream=%u sflags=%u ppid=%u context=%u sid=%d id=%d data=%zu first=%u",
		       s->ssf_error, s->ssf_info.sinfo_stream, s->ssf_info.sinfo_flags,
		       s->ssf_info.sinfo_ppid, s->ssf_info.sinfo_context, s->ssf_info.sinfo_assoc_id,
		       s->ssf_assoc_id, (size_t)(len - sizeof(*s)), s->ssf_data[0]);
		break;
	}
	case SCTP_SEND_FAILED_EVENT: {
		const struct sctp_send_failed_event *s = &n->sn_send_failed_event;
		printf(" error=%u stream=%u sflags=%u ppid=%u context=%u sid=%d id=%d data=%zu first=%u",
		       s->ssf_error, s->ssfe_info.snd_sid, s->ssfe_info.snd_flags, s->ssfe_info.snd_ppid,
		       s->ssfe_info.snd_context, s->ssfe_info.snd_assoc_id, s->ssf_assoc_id,
		       (size_t)(len - sizeof(*s)), s->ssf_data[0]);
		break;
	}
	case SCTP_REMOTE_ERROR: {
		const struct sctp_remote_error *s = &n->sn_remote_error;
		printf(" cause=%u id=%d data=%zu", ntohs(s->sre_error), s->sre_assoc_id,
		       (size_t)(len - sizeof(*s)));
		break;
	}
	case SCTP_SHUTDOWN_EVENT:
		printf(" id=%d", n->sn_shutdown_event.sse_assoc_id);
		break;
	case SCTP_ADAPTATION_INDICATION:
		printf(" ind=%u id=%d", n->sn_adaptation_event.sai_adaptation_ind,
		       n->sn_adaptation_event.sai_assoc_id);
		break;
	case SCTP_PARTIAL_DELIVERY_EVENT:
		printf(" ind=%u id=%d stream=%u seq=%u", n->sn_pdapi_event.pdapi_indication,
		       n->sn_pdapi_event.pdapi_assoc_id, n->sn_pdapi_event.pdapi_stream,
		       n->sn_pdapi_event.pdapi_seq);
		break;
	case SCTP_AUTHENTICATION_EVENT:
		printf(" key=%u alt=%u ind=%u id=%d", n->sn_authkey_event.auth_keynumber,
		       n->sn_authkey_event.auth_altkeynumber, n->sn_authkey_event.auth_indication,
		       n->sn_authkey_event.auth_assoc_id);
		break;
	case SCTP_SENDER_DRY_EVENT:
		printf(" id=%d", n->sn_sender_dry_event.sender_dry_assoc_id);
		break;
	case SCTP_STREAM_RESET_EVENT: {
		const struct sctp_stream_reset_event *s = &n->sn_strreset_event;
		size_t i, count = (len - sizeof(*s)) / sizeof(uint16_t);
		printf(" id=%d streams=", s->strreset_assoc_id);
		for (i = 0; i < count; i++)
			printf("%s%u", i ? "," : "", ntohs(s->strreset_stream_list[i]));
		break;
	}
	case SCTP_ASSOC_RESET_EVENT:
		printf(" id=%d local=%u remote=%u", n->sn_assocreset_event.assocreset_assoc_id,
		       n->sn_assocreset_event.assocreset_local_tsn,
		       n->sn_assocreset_event.assocreset_remote_tsn);
		break;
	case SCTP_STREAM_CHANGE_EVENT:
		printf(" id=%d in=%u out=%u", n->sn_strchange_event.strchange_assoc_id,
		       n->sn_strchange_event.strchange_instrms, n->sn_strchange_event.strchange_outstrms);
		break;
	}
	printf("\n");
}

static int notify(const char *path)
{
	size_t n = read_file(path), off = 0;
	static union {
		union sctp_notification n;
		unsigned char raw[1 << 16];
	} rec;

	while (off + 4 <= n) {
		uint32_t len;
		memcpy(&len, buf + off, 4);
		off += 4;
		if (len > n - off || len > sizeof(rec))
			return 3;
		memset(&rec, 0, sizeof(rec));
		memcpy(rec.raw, buf + off, len);
		off += len;
		print_notification(&rec.n, len);
	}
	return 0;
}

static int recvcmsg(const char *path)
{
	static union {
		struct cmsghdr align;
		unsigned char raw[1 << 12];
	} control;
	struct msghdr msg;
	struct cmsghdr *c;
	size_t n = read_file(path);

	if (n > sizeof(control))
		return 3;
	memcpy(control.raw, buf, n);
	memset(&msg, 0, sizeof(msg));
	msg.msg_control = control.raw;
	msg.msg_controllen = n;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		printf("level=%d type=%d len=%zu", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len);
		if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_NXTINFO &&
		    c->cmsg_len == CMSG_LEN(sizeof(struct sctp_nxtinfo))) {
			struct sctp_nxtinfo *x = (struct sctp_nxtinfo *)CMSG_DATA(c);
			printf(" sid=%u flags=%u ppid=%u length=%u id=%d", x->nxt_sid, x->nxt_flags,
			       x->nxt_ppid, x->nxt_length, x->nxt_assoc_id);
		} else if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO &&
			   c->cmsg_len == CMSG_LEN(sizeof(struct sctp_rcvinfo))) {
			struct sctp_rcvinfo *x = (struct sctp_rcvinfo *)CMSG_DATA(c);
			printf(" sid=%u ssn=%u flags=%u ppid=%u tsn=%u cumtsn=%u context=%u id=%d",
			       x->rcv_sid, x->rcv_ssn, x->rcv_flags, x->rcv_ppid, x->rcv_tsn,
			       x->rcv_cumtsn, x->rcv_context, x->rcv_assoc_id);
		} else if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_SNDRCV &&
			   c->cmsg_len == CMSG_LEN(sizeof(struct sctp_sndrcvinfo))) {
			struct sctp_sndrcvinfo *x = (struct sctp_sndrcvinfo *)CMSG_DATA(c);
			printf(" sid=%u ssn=%u flags=%u ppid=%u tsn=%u cumtsn=%u context=%u id=%d",
			       x->sinfo_stream, x->sinfo_ssn, x->sinfo_flags, x->sinfo_ppid,
			       x->sinfo_tsn, x->sinfo_cumtsn, x->sinfo_context, x->sinfo_assoc_id);
		}
		printf("\n");
	}
	return 0;
}

static void put_buffer(const void *p, uint32_t len)
{
	fwrite(&len, 4, 1, stdout);
	fwrite(p, 1, len, stdout);
}

static int sendcmsg(void)
{
	/* As lksctp-tools' sctp_sendmsg(): one SNDRCV cmsg. */
	char one[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
	/* As sctp_sendv() with SCTP_SENDV_SPA (all three infos) plus two extra addresses. */
	char many[CMSG_SPACE(sizeof(struct sctp_sndinfo)) + CMSG_SPACE(sizeof(struct sctp_prinfo)) +
		  CMSG_SPACE(sizeof(struct sctp_authinfo)) + CMSG_SPACE(sizeof(struct in_addr)) +
		  CMSG_SPACE(sizeof(struct in6_addr))];
	struct msghdr msg;
	struct cmsghdr *c;
	struct sctp_sndrcvinfo *s;
	struct sctp_sndinfo *si;
	struct sctp_prinfo *pr;
	struct sctp_authinfo *au;

	memset(one, 0, sizeof(one));
	memset(&msg, 0, sizeof(msg));
	msg.msg_control = one;
	msg.msg_controllen = sizeof(one);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_SNDRCV;
	c->cmsg_len = CMSG_LEN(sizeof(struct sctp_sndrcvinfo));
	s = (struct sctp_sndrcvinfo *)CMSG_DATA(c);
	s->sinfo_stream = 4;
	s->sinfo_flags = SCTP_UNORDERED | SCTP_ADDR_OVER;
	s->sinfo_ppid = 0x11223344;
	s->sinfo_context = 55;
	s->sinfo_timetolive = 2000;
	s->sinfo_assoc_id = 66;
	put_buffer(one, sizeof(one));

	memset(many, 0, sizeof(many));
	msg.msg_control = many;
	msg.msg_controllen = sizeof(many);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_SNDINFO;
	c->cmsg_len = CMSG_LEN(sizeof(*si));
	si = (struct sctp_sndinfo *)CMSG_DATA(c);
	si->snd_sid = 1;
	si->snd_flags = SCTP_UNORDERED;
	si->snd_ppid = 77;
	si->snd_context = 88;
	si->snd_assoc_id = 99;
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_PRINFO;
	c->cmsg_len = CMSG_LEN(sizeof(*pr));
	pr = (struct sctp_prinfo *)CMSG_DATA(c);
	pr->pr_policy = SCTP_PR_SCTP_RTX;
	pr->pr_value = 10;
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_AUTHINFO;
	c->cmsg_len = CMSG_LEN(sizeof(*au));
	au = (struct sctp_authinfo *)CMSG_DATA(c);
	au->auth_keynumber = 5;
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_DSTADDRV4;
	c->cmsg_len = CMSG_LEN(sizeof(struct in_addr));
	inet_pton(AF_INET, "172.16.1.1", CMSG_DATA(c));
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_DSTADDRV6;
	c->cmsg_len = CMSG_LEN(sizeof(struct in6_addr));
	inet_pton(AF_INET6, "2020::1", CMSG_DATA(c));
	put_buffer(many, sizeof(many));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "notify"))
		return notify(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "recvcmsg"))
		return recvcmsg(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "sendcmsg"))
		return sendcmsg();
	fprintf(stderr, "usage: abi_roundtrip notify|recvcmsg FILE | sendcmsg\n");
	return 2;
}
