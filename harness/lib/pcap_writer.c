/*
 * pcap_writer.c - a capture file of the sessions smtpconf holds.
 *
 * Each observed connection becomes a TCP stream in the file: the
 * handshake when it connects, one segment per MSS of every read and
 * write (with the time it happened), a pure ACK from the receiving
 * side after each, and FIN or RST at the end.  The file is written by
 * libpcap (pcap_open_dead + pcap_dump) to a temporary name beside the
 * target and renamed into place on close, like every other report,
 * so a reader never sees half a capture.  The tap callbacks cannot
 * fail the session: the first error is kept and returned on close.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <pcap/pcap.h>
#include "smtpconf/limits.h"
#include "smtpconf/pcap.h"

/* What mkstemp(3) replaces, after the capture's own name. */
#define PCAP_TMP_SUFFIX	".tmpXXXXXX"
#define PCAP_FILE_MODE	0644

struct pcap_conn;

struct sc_pcap {
	pcap_t *dead;
	pcap_dumper_t *dump;
	FILE *fp;
	char *path, *tmp;
	struct pcap_conn *conns;	/* open connections, to detach on close */
	struct sc_error err;		/* first failure, reported on close */
};

/* One observed connection. */
struct pcap_conn {
	struct sc_pcap *p;		/* NULL once the capture closed */
	struct pcap_conn *next;
	struct sc_tcp_flow flow;
	int up;				/* the handshake is written */
};

/* fail - keep the first error of the capture */
static void fail(struct sc_pcap *p, enum sc_status st, const char *what)
{
	if (p->err.status == SC_OK)
		sc_error_set(&p->err, st, "capture %s: %s", p->path, what);
}

/* emit - one frame with the given time */
static void emit(struct pcap_conn *c, enum sc_tcp_side from, unsigned flags,
		 const void *data, size_t len, const struct timespec *ts)
{
	unsigned char frame[SC_PCAP_FRAME_MAX];
	struct pcap_pkthdr h;
	size_t n;

	n = sc_tcp_frame(&c->flow, from, flags, data, len, frame,
			 sizeof(frame));
	if (n == 0) {
		fail(c->p, SC_ERR_LIMIT, "segment larger than a frame");
		return;
	}
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = ts->tv_sec;
	h.ts.tv_usec = ts->tv_nsec / 1000;
	h.caplen = h.len = (bpf_u_int32)n;
	pcap_dump((u_char *)c->p->dump, &h, frame);
}

/* emit_data - data from one side, split at the MSS, then the peer's ACK */
static void emit_data(struct pcap_conn *c, enum sc_tcp_side from,
		      const unsigned char *data, size_t len,
		      const struct timespec *ts)
{
	size_t chunk;

	while (len > 0) {
		chunk = len < c->flow.mss ? len : c->flow.mss;
		emit(c, from, SC_TCP_ACK | SC_TCP_PSH, data, chunk, ts);
		data += chunk;
		len -= chunk;
	}
	emit(c, !from, SC_TCP_ACK, NULL, 0, ts);
}

/* live - the connection, when it still belongs to an open capture */
static struct pcap_conn *live(void *ctx)
{
	struct pcap_conn *c = ctx;

	return c->p != NULL && c->up && !c->flow.reset ? c : NULL;
}

/* tap_connect - the three-way handshake (RFC 9293 3.5) */
static void tap_connect(void *ctx, const struct sockaddr *local,
			const struct sockaddr *peer, const struct timespec *ts)
{
	struct pcap_conn *c = ctx;

	if (c->p == NULL || c->up)
		return;
	if (sc_tcp_flow_init(&c->flow, local, peer, &c->p->err) != SC_OK)
		return;
	c->up = 1;
	emit(c, SC_SIDE_CLIENT, SC_TCP_SYN, NULL, 0, ts);
	emit(c, SC_SIDE_SERVER, SC_TCP_SYN | SC_TCP_ACK, NULL, 0, ts);
	emit(c, SC_SIDE_CLIENT, SC_TCP_ACK, NULL, 0, ts);
}

/* tap_send - what send(2) accepted */
static void tap_send(void *ctx, const void *data, size_t len,
		     const struct timespec *ts)
{
	struct pcap_conn *c = live(ctx);

	if (c != NULL && !c->flow.fin[SC_SIDE_CLIENT] && len > 0)
		emit_data(c, SC_SIDE_CLIENT, data, len, ts);
}

/* tap_recv - what recv(2) returned; 0 bytes is the server's FIN */
static void tap_recv(void *ctx, const void *data, size_t len,
		     const struct timespec *ts)
{
	struct pcap_conn *c = live(ctx);

	if (c == NULL || c->flow.fin[SC_SIDE_SERVER])
		return;
	if (len > 0) {
		emit_data(c, SC_SIDE_SERVER, data, len, ts);
		return;
	}
	emit(c, SC_SIDE_SERVER, SC_TCP_FIN | SC_TCP_ACK, NULL, 0, ts);
	emit(c, SC_SIDE_CLIENT, SC_TCP_ACK, NULL, 0, ts);
}

/* tap_reset - the server reset the connection */
static void tap_reset(void *ctx, const struct timespec *ts)
{
	struct pcap_conn *c = live(ctx);

	if (c != NULL)
		emit(c, SC_SIDE_SERVER, SC_TCP_RST | SC_TCP_ACK, NULL, 0, ts);
}

/* unlink_conn - drop c from its capture's list */
static void unlink_conn(struct pcap_conn *c)
{
	struct pcap_conn **pp;

	if (c->p == NULL)
		return;
	for (pp = &c->p->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
}

/* tap_close - our FIN and the server's ACK of it, then free */
static void tap_close(void *ctx, const struct timespec *ts)
{
	struct pcap_conn *c = ctx, *l = live(ctx);

	if (l != NULL && !l->flow.fin[SC_SIDE_CLIENT]) {
		emit(l, SC_SIDE_CLIENT, SC_TCP_FIN | SC_TCP_ACK, NULL, 0, ts);
		emit(l, SC_SIDE_SERVER, SC_TCP_ACK, NULL, 0, ts);
	}
	unlink_conn(c);
	free(c);
}

/* sc_pcap_tap - an observer that records one connection into p */
int sc_pcap_tap(struct sc_pcap *p, struct sc_tcp_tap *out,
		struct sc_error *err)
{
	struct pcap_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	c->p = p;
	c->next = p->conns;
	p->conns = c;
	memset(out, 0, sizeof(*out));
	out->connect = tap_connect;
	out->send = tap_send;
	out->recv = tap_recv;
	out->reset = tap_reset;
	out->close = tap_close;
	out->ctx = c;
	return SC_OK;
}

/* pcap_free - release everything but the files */
static void pcap_free(struct sc_pcap *p)
{
	struct pcap_conn *c;

	for (c = p->conns; c != NULL; c = c->next)
		c->p = NULL;
	if (p->dead != NULL)
		pcap_close(p->dead);
	free(p->path);
	free(p->tmp);
	free(p);
}

/* open_tmp - the temporary file beside path, as a stdio stream */
static int open_tmp(struct sc_pcap *p, struct sc_error *err)
{
	size_t len = strlen(p->path);
	int fd;

	p->tmp = malloc(len + sizeof(PCAP_TMP_SUFFIX));
	if (p->tmp == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	memcpy(p->tmp, p->path, len);
	memcpy(p->tmp + len, PCAP_TMP_SUFFIX, sizeof(PCAP_TMP_SUFFIX));
	fd = mkstemp(p->tmp);
	if (fd < 0)
		return sc_error_set(err, SC_ERR_IO, "cannot create %s: %s",
				    p->tmp, strerror(errno));
	p->fp = fdopen(fd, "wb");
	if (p->fp == NULL) {
		close(fd);
		unlink(p->tmp);
		return sc_error_set(err, SC_ERR_IO, "cannot open %s: %s",
				    p->tmp, strerror(errno));
	}
	return SC_OK;
}

/* sc_pcap_open - start a capture that will appear at path on close */
int sc_pcap_open(const char *path, struct sc_pcap **out,
		 struct sc_error *err)
{
	struct sc_pcap *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (p == NULL || (p->path = strdup(path)) == NULL) {
		free(p);
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	}
	p->dead = pcap_open_dead(DLT_EN10MB, SC_PCAP_SNAPLEN);
	if (p->dead == NULL) {
		pcap_free(p);
		return sc_error_set(err, SC_ERR_NOMEM, "pcap_open_dead failed");
	}
	if (open_tmp(p, err) != SC_OK) {
		pcap_free(p);
		return err->status;
	}
	p->dump = pcap_dump_fopen(p->dead, p->fp);
	if (p->dump == NULL) {
		sc_error_set(err, SC_ERR_IO, "%s: %s", path,
			     pcap_geterr(p->dead));
		fclose(p->fp);
		unlink(p->tmp);
		pcap_free(p);
		return err->status;
	}
	*out = p;
	return SC_OK;
}

/* commit - flush to disk and rename the temporary file into place */
static void commit(struct sc_pcap *p)
{
	FILE *fp = pcap_dump_file(p->dump);

	if (pcap_dump_flush(p->dump) < 0 || ferror(fp))
		fail(p, SC_ERR_IO, strerror(errno ? errno : EIO));
	else if (fsync(fileno(fp)) < 0 ||
		 fchmod(fileno(fp), PCAP_FILE_MODE) < 0)
		fail(p, SC_ERR_IO, strerror(errno));
	pcap_dump_close(p->dump);
	if (p->err.status == SC_OK && rename(p->tmp, p->path) < 0)
		fail(p, SC_ERR_IO, strerror(errno));
	if (p->err.status != SC_OK)
		unlink(p->tmp);
}

/* sc_pcap_close - flush, rename into place, free; the first error seen */
int sc_pcap_close(struct sc_pcap *p, struct sc_error *err)
{
	int rc;

	if (p == NULL)
		return SC_OK;
	errno = 0;
	commit(p);
	rc = p->err.status;
	if (rc != SC_OK)
		*err = p->err;
	pcap_free(p);
	return rc;
}
