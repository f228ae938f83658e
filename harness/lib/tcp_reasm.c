/*
 * tcp_reasm.c - TCP reassembly of a capture, per connection and
 * direction (RFC 9293 3.4 and 3.10.7.4: data is delivered in sequence
 * order; a segment's bytes already delivered are duplicates).
 *
 * Retransmissions and overlaps are trimmed to what is new; segments
 * ahead of a gap wait (bounded) until the gap fills.  A gap that never
 * fills ends that direction's stream there, with a note saying how
 * many bytes are missing: a scenario built past a hole would replay a
 * dialogue nobody had.  A port pair reused after a FIN or RST with a
 * new SYN starts a new connection.  Every bound is in limits.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/import.h"
#include "smtpconf/limits.h"
#include "smtpconf/pcap.h"

/* A segment that arrived ahead of a gap. */
struct held {
	uint32_t seq;
	size_t len;
	long long ts_us;
	unsigned char *data;
};

/* One direction's reassembly. */
struct half {
	int have_isn;
	uint32_t next;			/* next sequence number wanted */
	int fin;			/* FIN seen at fin_seq */
	uint32_t fin_seq;
	size_t bytes;			/* delivered */
	int full;			/* SC_IMPORT_STREAM_BYTES reached */
	int stalled;			/* a gap stopped this direction */
	long long last_us;		/* when its last bytes were delivered */
	struct held *held;
	size_t nheld;
};

struct conn_priv {
	struct half h[2];
	size_t *total;			/* bytes kept by all connections */
};

struct sc_reasm {
	struct sc_tcp_conn **conns;
	size_t count, cap;
	size_t held_bytes;		/* all directions together */
	size_t total;			/* delivered bytes kept, all together */
};

/* note - append a note for users to the connection */
static void note(struct sc_tcp_conn *c, const char *text)
{
	size_t used = strlen(c->note);

	if (strstr(c->note, text) != NULL)
		return;
	snprintf(c->note + used, sizeof(c->note) - used, "%s%s",
		 used ? "; " : "", text);
}

/* sc_reasm_new - an empty reassembler */
int sc_reasm_new(struct sc_reasm **out, struct sc_error *err)
{
	*out = calloc(1, sizeof(**out));
	return *out ? SC_OK : sc_error_set(err, SC_ERR_NOMEM, "out of memory");
}

/* side_of - 0 or 1 when s belongs to c in that direction, else -1 */
static int side_of(const struct sc_tcp_conn *c, const struct sc_tcp_seg *s)
{
	size_t alen = s->family == AF_INET ? 4 : 16;
	int d;

	if (c->family != s->family)
		return -1;
	for (d = 0; d < 2; d++)
		if (c->port[d] == s->sport && c->port[!d] == s->dport &&
		    memcmp(c->addr[d], s->src, alen) == 0 &&
		    memcmp(c->addr[!d], s->dst, alen) == 0)
			return d;
	return -1;
}

/* finished - both sides closed, or reset: a new SYN is a new connection */
static int finished(const struct sc_tcp_conn *c)
{
	const struct conn_priv *p = c->priv;

	return c->reset || (p->h[0].fin && p->h[1].fin);
}

/* find - the live connection of s, newest first; side in *side */
static struct sc_tcp_conn *find(struct sc_reasm *r,
				const struct sc_tcp_seg *s, int *side)
{
	size_t i = r->count;
	int d;

	while (i-- > 0) {
		d = side_of(r->conns[i], s);
		if (d < 0)
			continue;
		if ((s->flags & (SC_TCP_SYN | SC_TCP_ACK)) == SC_TCP_SYN &&
		    finished(r->conns[i]))
			return NULL;
		*side = d;
		return r->conns[i];
	}
	return NULL;
}

/* add_conn - a new connection whose side 0 sent s */
static struct sc_tcp_conn *add_conn(struct sc_reasm *r,
				    const struct sc_tcp_seg *s,
				    long long ts_us, struct sc_error *err)
{
	struct sc_tcp_conn *c, **grown;

	if (r->count >= SC_IMPORT_MAX_STREAMS) {
		sc_error_set(err, SC_ERR_LIMIT, "more than %d TCP "
			     "connections", SC_IMPORT_MAX_STREAMS);
		return NULL;
	}
	if (r->count == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		grown = realloc(r->conns, r->cap * sizeof(*grown));
		if (grown == NULL)
			goto nomem;
		r->conns = grown;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->priv = calloc(1, sizeof(struct conn_priv))) ==
	    NULL) {
		free(c);
		goto nomem;
	}
	((struct conn_priv *)c->priv)->total = &r->total;
	c->index = (unsigned)r->count + 1;
	c->family = s->family;
	memcpy(c->addr[0], s->src, 16);
	memcpy(c->addr[1], s->dst, 16);
	c->port[0] = s->sport;
	c->port[1] = s->dport;
	c->syn_from = -1;
	c->first_us = ts_us;
	sc_buf_init(&c->data, 2 * (size_t)SC_IMPORT_STREAM_BYTES + 1);
	r->conns[r->count++] = c;
	return c;
nomem:
	sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	return NULL;
}

/* cut - a direction stops being kept; the import stops there too */
static void cut(struct sc_tcp_conn *c, struct half *h, long long ts_us)
{
	h->full = 1;
	if (c->gap_us == 0 || ts_us < c->gap_us)
		c->gap_us = ts_us ? ts_us : 1;
	note(c, "the import's size limit was reached: the session is "
	     "imported up to there");
}

/* deliver - in-order bytes of side d become an event (merged) */
static int deliver(struct sc_tcp_conn *c, int d, const unsigned char *data,
		   size_t len, long long ts_us)
{
	struct conn_priv *priv = c->priv;
	struct half *h = &priv->h[d];
	struct sc_conn_event *e, *grown;

	h->next += (uint32_t)len;
	h->last_us = ts_us;
	if (h->full)
		return SC_OK;
	if (h->bytes + len > SC_IMPORT_STREAM_BYTES ||
	    *priv->total + len > SC_IMPORT_TOTAL_BYTES) {
		cut(c, h, ts_us);
		return SC_OK;
	}
	if (len == 0)
		return SC_OK;
	e = c->nev ? &c->ev[c->nev - 1] : NULL;
	if (e == NULL || e->from != d || e->off + e->len != c->data.len) {
		if (c->nev == c->evcap) {
			c->evcap = c->evcap ? c->evcap * 2 : 16;
			grown = realloc(c->ev, c->evcap * sizeof(*grown));
			if (grown == NULL)
				return SC_ERR_NOMEM;
			c->ev = grown;
		}
		e = &c->ev[c->nev++];
		e->from = d;
		e->off = c->data.len;
		e->len = 0;
		e->ts_us = ts_us;
	}
	if (sc_buf_append(&c->data, data, len) != 0 || c->data.failed)
		return SC_ERR_NOMEM;
	e->len += len;
	h->bytes += len;
	*priv->total += len;
	return SC_OK;
}

/* reach_fin - the FIN of side d counts once everything before it came */
static void reach_fin(struct sc_tcp_conn *c, int d, long long ts_us)
{
	struct half *h = &((struct conn_priv *)c->priv)->h[d];

	if (h->fin && h->next == h->fin_seq && c->fin_us[d] == 0)
		c->fin_us[d] = ts_us ? ts_us : 1;
}

/* take - deliver the new part of [seq, seq+len); 1 if any was new */
static int take(struct sc_tcp_conn *c, int d, uint32_t seq,
		const unsigned char *data, size_t len, long long ts_us,
		int *rc)
{
	struct half *h = &((struct conn_priv *)c->priv)->h[d];
	int32_t ahead = (int32_t)(seq - h->next);
	size_t skip;

	if (ahead > 0)
		return 0;
	skip = (size_t)-(int64_t)ahead;
	if (skip >= len)
		return 1;	/* all old: a retransmission */
	*rc = deliver(c, d, data + skip, len - skip, ts_us);
	return 1;
}

/* drain - deliver held segments the stream has caught up with */
static int drain(struct sc_reasm *r, struct sc_tcp_conn *c, int d)
{
	struct half *h = &((struct conn_priv *)c->priv)->h[d];
	int progress = 1, rc = SC_OK;
	size_t i;

	while (progress && rc == SC_OK) {
		progress = 0;
		for (i = 0; i < h->nheld; i++) {
			struct held *x = &h->held[i];

			if (!take(c, d, x->seq, x->data, x->len, x->ts_us,
				  &rc))
				continue;
			r->held_bytes -= x->len;
			free(x->data);
			h->held[i] = h->held[--h->nheld];
			progress = 1;
			break;
		}
	}
	return rc;
}

/* hold - keep a segment that came ahead of a gap */
static int hold(struct sc_reasm *r, struct sc_tcp_conn *c, int d,
		const struct sc_tcp_seg *s, long long ts_us,
		struct sc_error *err)
{
	struct half *h = &((struct conn_priv *)c->priv)->h[d];
	struct held *grown, *x;

	if (h->nheld >= SC_IMPORT_MAX_HELD ||
	    r->held_bytes + s->len > SC_IMPORT_HELD_BYTES)
		return sc_error_set(err, SC_ERR_LIMIT, "too many segments "
				    "out of order (more than %d, or %d "
				    "bytes)", SC_IMPORT_MAX_HELD,
				    SC_IMPORT_HELD_BYTES);
	grown = realloc(h->held, (h->nheld + 1) * sizeof(*grown));
	if (grown == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	h->held = grown;
	x = &h->held[h->nheld];
	x->data = malloc(s->len);
	if (x->data == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	memcpy(x->data, s->data, s->len);
	x->seq = s->seq;
	x->len = s->len;
	x->ts_us = ts_us;
	h->nheld++;
	r->held_bytes += s->len;
	return SC_OK;
}

/* segment - the sequence space of one segment: SYN, data, FIN */
static int segment(struct sc_reasm *r, struct sc_tcp_conn *c, int d,
		   const struct sc_tcp_seg *s, long long ts_us,
		   struct sc_error *err)
{
	struct half *h = &((struct conn_priv *)c->priv)->h[d];
	uint32_t seq = s->seq;
	int rc = SC_OK;

	if (s->flags & SC_TCP_SYN) {
		if (!(s->flags & SC_TCP_ACK))
			c->syn_from = d;
		h->have_isn = 1;
		h->next = s->seq + 1;
		seq++;
	}
	if (!h->have_isn) {
		/* The handshake was not captured: start where we are. */
		h->have_isn = 1;
		h->next = seq;
		note(c, "the capture starts after the connection opened");
	}
	if (s->len < s->wire_len)
		note(c, "frames cut short by the capture's snap length");
	if (s->flags & SC_TCP_FIN && !h->fin) {
		h->fin = 1;
		h->fin_seq = seq + (uint32_t)s->wire_len;
	}
	if (s->len > 0 && !h->stalled &&
	    !take(c, d, seq, s->data, s->len, ts_us, &rc))
		rc = hold(r, c, d, s, ts_us, err);
	if (rc == SC_OK)
		rc = drain(r, c, d);
	if (rc == SC_ERR_NOMEM)
		sc_error_set(err, rc, "out of memory");
	reach_fin(c, d, ts_us);
	return rc;
}

/* sc_reasm_add - one segment at time ts_us */
int sc_reasm_add(struct sc_reasm *r, const struct sc_tcp_seg *s,
		 long long ts_us, struct sc_error *err)
{
	struct sc_tcp_conn *c;
	int d = 0;

	c = find(r, s, &d);
	if (c == NULL) {
		/* A stray RST or ACK of a connection we never saw
		 * carries nothing to import. */
		if (s->len == 0 && !(s->flags & SC_TCP_SYN))
			return SC_OK;
		c = add_conn(r, s, ts_us, err);
		if (c == NULL)
			return err->status;
		d = 0;
	}
	if (s->flags & SC_TCP_RST) {
		c->reset = 1;
		return SC_OK;
	}
	return segment(r, c, d, s, ts_us, err);
}

/* missing - bytes between what was delivered and what came next: the
 * lowest held segment, or the FIN */
static uint32_t missing(const struct half *h)
{
	uint32_t lowest = h->fin ? h->fin_seq : h->next;
	size_t i;

	for (i = 0; i < h->nheld; i++)
		if (!h->fin || (int32_t)(h->held[i].seq - lowest) < 0)
			lowest = h->held[i].seq;
	return lowest - h->next;
}

/*
 * stall - end a direction at its first gap, saying how much is
 * missing.  What the peer sent after this side's last delivered bytes
 * may answer what was lost, so the import stops right after them.
 */
static void stall(struct sc_reasm *r, struct sc_tcp_conn *c, int d)
{
	struct half *h = &((struct conn_priv *)c->priv)->h[d];
	uint32_t lost = missing(h);
	long long at = h->last_us + 1;
	char text[160];
	size_t i;

	if (lost == 0 || (int32_t)lost < 0)
		return;
	if (c->gap_us == 0 || at < c->gap_us)
		c->gap_us = at;
	snprintf(text, sizeof(text), "%u bytes missing from the %s's stream "
		 "after byte %zu: the session is imported up to there",
		 (unsigned)lost, d == 0 ? "first speaker" : "second speaker",
		 h->bytes);
	note(c, text);
	for (i = 0; i < h->nheld; i++) {
		r->held_bytes -= h->held[i].len;
		free(h->held[i].data);
	}
	free(h->held);
	h->held = NULL;
	h->nheld = 0;
	h->stalled = 1;
}

/* sc_reasm_finish - flush what waits behind gaps (noted); the connections */
struct sc_tcp_conn **sc_reasm_finish(struct sc_reasm *r, size_t *count)
{
	size_t i;

	for (i = 0; i < r->count; i++) {
		stall(r, r->conns[i], 0);
		stall(r, r->conns[i], 1);
	}
	*count = r->count;
	return r->conns;
}

/* sc_reasm_free - release everything */
void sc_reasm_free(struct sc_reasm *r)
{
	struct conn_priv *p;
	size_t i, j;
	int d;

	if (r == NULL)
		return;
	for (i = 0; i < r->count; i++) {
		p = r->conns[i]->priv;
		for (d = 0; d < 2; d++) {
			for (j = 0; j < p->h[d].nheld; j++)
				free(p->h[d].held[j].data);
			free(p->h[d].held);
		}
		free(p);
		sc_buf_free(&r->conns[i]->data);
		free(r->conns[i]->ev);
		free(r->conns[i]);
	}
	free(r->conns);
	free(r);
}
