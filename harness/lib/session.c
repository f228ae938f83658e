/*
 * session.c - reading replies from one connection, bounded in bytes
 * (the reply parser's limits) and in time (absolute deadlines).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "session.h"

/* session_init - a new, unconnected session */
void session_init(struct session *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	strncpy(s->name, name, sizeof(s->name) - 1);
	s->state = SESSION_NEW;
	s->helo_pending = -1;
	sc_reply_parser_init(&s->parser);
}

/* session_tap - attach the run's observer (--pcap) to a new connection */
static int session_tap(struct session *s, const struct sc_run_options *o,
		       struct sc_error *err)
{
	struct timespec never = { 0, 0 };
	struct sc_tcp_tap tap;
	int rc;

	memset(&tap, 0, sizeof(tap));
	rc = o->tap(o->tap_ctx, s->name, &tap, err);
	if (rc == SC_OK && tap.ctx != NULL &&
	    (rc = sc_tcp_tap_attach(&s->t, &tap, err)) != SC_OK &&
	    tap.close != NULL)
		tap.close(tap.ctx, &never);
	if (rc != SC_OK)
		s->t.ops->close(&s->t);
	return rc;
}

/* verb_is - the line starts with verb (any case), then SP or its end */
static int verb_is(const char *line, size_t len, const char *verb)
{
	size_t n = strlen(verb);

	return len >= n && strncasecmp(line, verb, n) == 0 &&
	       (len == n || line[n] == ' ' || line[n] == '\r');
}

/*
 * The notes below remember which reply will answer a HELO or EHLO in
 * a send: the k-th reply from now, k being the number of command lines
 * before it (a pipelined group ends with EHLO, RFC 2920 3.1).  Only
 * the first HELO/EHLO of a send counts.
 */

/* session_note_begin - a new send: nothing of it seen yet */
void session_note_begin(struct session *s)
{
	memset(&s->scan, 0, sizeof(s->scan));
	s->scan.at_start = 1;
}

/* note_line_start - judge the gathered start of the current line */
static void note_line_start(struct session *s)
{
	const char *p = s->scan.start;
	size_t n = s->scan.n;

	s->scan.at_start = 0;
	if (verb_is(p, n, "EHLO") || verb_is(p, n, "HELO")) {
		s->helo_pending = s->scan.lines;
		s->helo_is_ehlo = (p[0] | 0x20) == 'e';
		s->scan.done = 1;
	}
}

/* session_note_block - the next bytes of the send */
void session_note_block(struct session *s, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;

	while (p < end && !s->scan.done) {
		if (s->scan.at_start) {
			while (p < end && *p != '\n' &&
			       s->scan.n < sizeof(s->scan.start))
				s->scan.start[s->scan.n++] = *p++;
			if (p == end && s->scan.n < sizeof(s->scan.start))
				return;	/* the line goes on in the next block */
			note_line_start(s);
			continue;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return;
		p = nl + 1;
		s->scan.lines++;
		s->scan.n = 0;
		s->scan.at_start = 1;
	}
}

/* session_note_end - the send is over: its last line ends here */
void session_note_end(struct session *s)
{
	if (!s->scan.done && s->scan.at_start && s->scan.n > 0)
		note_line_start(s);
}

/* session_connect - open the transport through the run options */
int session_connect(struct session *s, const struct sc_run_options *o,
		    long long deadline_ms, struct sc_error *err)
{
	int rc;

	s->owed = 1;	/* the greeting */
	if (o->connect != NULL)
		rc = o->connect(o->connect_ctx, s->name, deadline_ms, &s->t,
				err);
	else
		rc = sc_tcp_connect(o->host, o->port, deadline_ms,
				    o->interrupted, &s->t, err);
	if (rc == SC_OK && o->connect == NULL && o->tap != NULL)
		rc = session_tap(s, o, err);
	if (rc == SC_OK)
		s->state = SESSION_OPEN;
	return rc;
}

/* session_send - write all bytes before the deadline */
int session_send(struct session *s, const char *data, size_t len,
		 long long deadline_ms, struct sc_error *err)
{
	if (s->state != SESSION_OPEN)
		return sc_error_set(err, SC_ERR_EOF, "connection is closed");
	s->nsent++;
	s->owed = 1;
	return s->t.ops->write(&s->t, data, len, deadline_ms, err);
}

/* fill_input - read more bytes into inbuf; returns bytes, 0 EOF, -1 error */
static long fill_input(struct session *s, long long deadline_ms,
		       struct sc_error *err)
{
	long n;

	if (s->state == SESSION_PEER_CLOSED)
		return 0;
	if (s->inpos == s->inlen)
		s->inpos = s->inlen = 0;
	n = (long)s->t.ops->read(&s->t, s->inbuf + s->inlen,
				 sizeof(s->inbuf) - s->inlen, deadline_ms,
				 err);
	/* A reset is a close too: what arrived before it still counts,
	 * and the report says how the connection ended. */
	if (n < 0 && err->status == SC_ERR_EOF) {
		snprintf(s->lost, sizeof(s->lost), "%.150s", err->msg);
		n = 0;
	}
	if (n == 0)
		s->state = SESSION_PEER_CLOSED;
	if (n > 0) {
		s->inlen += (size_t)n;
		s->last_rx_ms = sc_now_ms();
	}
	return n;
}

/* feed_buffered - give the parser what is buffered */
static enum sc_feed_result feed_buffered(struct session *s,
					 struct sc_reply *out)
{
	size_t used = 0;
	enum sc_feed_result fr;

	fr = sc_reply_feed(&s->parser, s->inbuf + s->inpos,
			   s->inlen - s->inpos, &used, out);
	s->inpos += used;
	return fr;
}

/* session_read_reply - next complete reply, or why none (see session.h) */
enum wait_outcome session_read_reply(struct session *s, long long deadline_ms,
				     struct sc_reply *out, struct sc_error *err)
{
	enum sc_feed_result fr;
	long n;

	memset(out, 0, sizeof(*out));
	out->code = -1;
	if (s->has_held) {
		*out = s->held;
		s->has_held = 0;
		return WAIT_REPLY;
	}
	if (s->state == SESSION_NEW || s->state == SESSION_CLOSED)
		return sc_error_set(err, SC_ERR_EOF, "not connected"),
		       WAIT_ERROR;
	for (;;) {
		fr = feed_buffered(s, out);
		if (fr == SC_FEED_DONE) {
			s->nreplies++;
			s->owed = 0;
			return WAIT_REPLY;
		}
		if (fr == SC_FEED_ERROR)
			return WAIT_FLOOD;
		n = fill_input(s, deadline_ms, err);
		if (n == 0) {
			sc_reply_parser_take_partial(&s->parser, out);
			return WAIT_EOF;
		}
		if (n < 0 && err->status == SC_ERR_TIMEOUT) {
			/* What came of the reply tells a hang from a
			 * slow answer. */
			sc_reply_parser_take_partial(&s->parser, out);
			return WAIT_TIMEOUT;
		}
		if (n < 0)
			return WAIT_ERROR;
	}
}

/* session_wait_close - wait for EOF; WAIT_REPLY when data came instead (in *out) */
enum wait_outcome session_wait_close(struct session *s, long long deadline_ms,
				     struct sc_reply *out, struct sc_error *err)
{
	enum wait_outcome w = session_read_reply(s, deadline_ms, out, err);

	if (w == WAIT_EOF && out->wire_len == 0 && out->nlines == 0)
		return WAIT_EOF;
	if (w == WAIT_EOF)
		return WAIT_REPLY;	/* bytes, then the close */
	return w;
}

/*
 * session_pending - bytes from the server waiting unread right now:
 * what is buffered, else what one read with no wait brings (kept in
 * the buffer for the next reply).  0 when nothing is there yet.
 */
size_t session_pending(struct session *s)
{
	struct sc_error err;

	if (s->has_held)
		return s->held.wire_len ? s->held.wire_len : 1;
	if (s->inlen > s->inpos)
		return s->inlen - s->inpos;
	if (s->state != SESSION_OPEN)
		return 0;
	sc_error_clear(&err);
	if (fill_input(s, sc_now_ms(), &err) <= 0)
		return 0;
	return s->inlen - s->inpos;
}

/* session_hold - keep a reply read ahead for the next session_read_reply */
void session_hold(struct session *s, struct sc_reply *r)
{
	if (s->has_held)
		sc_reply_free(&s->held);
	s->held = *r;
	s->has_held = 1;
	memset(r, 0, sizeof(*r));
	r->code = -1;
}

/* session_close - close our side (idempotent) */
void session_close(struct session *s)
{
	if (s->state == SESSION_OPEN || s->state == SESSION_PEER_CLOSED)
		s->t.ops->close(&s->t);
	if (s->state != SESSION_NEW)
		s->state = SESSION_CLOSED;
	sc_reply_parser_free(&s->parser);
	sc_reply_parser_init(&s->parser);
	if (s->greeting_pending)
		sc_reply_free(&s->greeting);
	s->greeting_pending = 0;
	if (s->has_held)
		sc_reply_free(&s->held);
	s->has_held = 0;
}
