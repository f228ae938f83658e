/*
 * fuzz_live.c - one fuzz session against a live server, its oracles,
 * and the minimizer (fuzz.h).
 *
 * RFC 5321 4.2: "Every command MUST generate exactly one reply"; a
 * command ends with CRLF (2.3.8), DATA text with CRLF "." CRLF
 * (4.1.1.4), a BDAT chunk after its size in octets (RFC 3030 2).  The
 * client follows the server's state from its replies (354 opens the
 * text, 220 to STARTTLS ends the plaintext part, 221 and 421 end the
 * session, 3.8) to know which lines owe a reply.  A line that ends in
 * a bare LF or CR may or may not be a command to this server, so its
 * reply is waited for only briefly and never judged a hang.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/command.h"
#include "smtpconf/ehlo.h"
#include "smtpconf/escape.h"
#include "smtpconf/fuzz.h"
#include "smtpconf/server.h"
#include "session.h"

/* The MUST rows of the runner's reply checks (judge.c): a long line
 * and non-ASCII text are SHOULDs and no fuzz finding. */
#define MUST_VIOLATIONS	(SC_RV_BAD_CODE | SC_RV_BAD_SEPARATOR | \
			 SC_RV_CODE_MISMATCH | SC_RV_BARE_LF | \
			 SC_RV_BARE_CR | SC_RV_NUL | SC_RV_FLOOD | \
			 SC_RV_ENHANCED_CLASS)

/* What the server is reading, as far as the client can tell. */
enum mode { MODE_CMD, MODE_TEXT, MODE_CHUNK, MODE_OVER };

/* How sure we are that a line gets a reply. */
enum owed { OWED_NONE, OWED_UNSURE, OWED_ONE };

struct live {
	const struct sc_fuzz_options *o;
	struct sc_fuzz_outcome *out;
	struct session s;
	enum mode mode;
	unsigned long long chunk_left;	/* MODE_CHUNK: octets still due */
	int chunking, enhanced;		/* advertised in EHLO */
	enum sc_verb verb;		/* what the line being answered was */
	int last_code;
	int saw_eof;
	int prev_crlf;			/* MODE_TEXT: the last line ended in CRLF */
};

/* The oracles' names, by enum sc_fuzz_oracle. */
static const char *const oracle_names[] = {
	"none", "crash", "hang", "close", "grammar"
};

/* The states' names, by bit of enum sc_fuzz_state. */
static const char *const state_names[SC_FUZZ_NSTATES] = {
	"EHLO", "MAIL", "RCPT", "DATA", "BDAT", "AUTH", "STARTTLS", "queued"
};

/* A reply that moves the session into a state: verb, codes, state. */
static const struct state_rule {
	enum sc_verb verb;
	int lo, hi;
	unsigned state;
} state_rules[] = {
	{ SC_VERB_EHLO, 250, 250, SC_FST_EHLO },
	{ SC_VERB_HELO, 250, 250, SC_FST_EHLO },
	{ SC_VERB_MAIL, 250, 250, SC_FST_MAIL },
	{ SC_VERB_RCPT, 250, 251, SC_FST_RCPT },
	{ SC_VERB_DATA, 354, 354, SC_FST_DATA },
	{ SC_VERB_BDAT, 250, 250, SC_FST_BDAT },
	{ SC_VERB_AUTH, 334, 334, SC_FST_AUTH },
	{ SC_VERB_AUTH, 235, 235, SC_FST_AUTH },
	{ SC_VERB_STARTTLS, 220, 220, SC_FST_STARTTLS },
};

/* sc_fuzz_options_init - defaults from limits.h */
void sc_fuzz_options_init(struct sc_fuzz_options *o)
{
	memset(o, 0, sizeof(*o));
	sc_run_options_init(&o->run, NULL);
	o->hang_timeout_ms = SC_DEFAULT_HANG_TIMEOUT_MS;
	o->unsure_wait_ms = SC_FUZZ_UNSURE_WAIT_MS;
}

/* sc_fuzz_oracle_name - "crash", "hang", "close", "grammar", "none" */
const char *sc_fuzz_oracle_name(enum sc_fuzz_oracle k)
{
	return (unsigned)k < sizeof(oracle_names) / sizeof(oracle_names[0])
	       ? oracle_names[k] : "unknown";
}

/* sc_fuzz_state_name - "MAIL" for SC_FST_MAIL, ... */
const char *sc_fuzz_state_name(unsigned bit)
{
	unsigned i;

	for (i = 0; i < SC_FUZZ_NSTATES; i++)
		if (bit == 1u << i)
			return state_names[i];
	return "unknown";
}

/* fire - record the first oracle that fired, with its message */
static void fire(struct live *l, enum sc_fuzz_oracle k, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
static void fire(struct live *l, enum sc_fuzz_oracle k, const char *fmt,
		 ...)
{
	va_list ap;

	if (l->out->oracle != SC_FUZZ_NONE)
		return;
	l->out->oracle = k;
	l->out->fired_after = l->out->lines_sent;
	va_start(ap, fmt);
	vsnprintf(l->out->what, sizeof(l->out->what), fmt, ap);
	va_end(ap);
}

/* last_line_shown - the last line sent, escaped and clipped, for messages */
static void last_line_shown(const char *data, size_t len, size_t upto,
			    char *out, size_t n)
{
	size_t off = 0, k, i;
	struct sc_buf b;

	if (upto == 0) {
		snprintf(out, n, "the greeting");
		return;
	}
	for (i = 1; i < upto && off < len; i++)
		off += sc_command_line_len(data + off, len - off);
	k = off < len ? sc_command_line_len(data + off, len - off) : 0;
	sc_buf_init(&b, 0);
	sc_escape_display(&b, data + off, k, 80);
	snprintf(out, n, "line %zu `%s`", upto, sc_buf_cstr(&b));
	sc_buf_free(&b);
}

/* note_caps - what the EHLO reply promised that the model needs */
static void note_caps(struct live *l, const struct sc_reply *r)
{
	struct sc_capabilities caps;

	memset(&caps, 0, sizeof(caps));
	if (sc_ehlo_parse(r, &caps) != SC_OK)
		return;
	l->chunking = sc_caps_find(&caps, "CHUNKING") != NULL;
	l->enhanced = sc_caps_find(&caps, "ENHANCEDSTATUSCODES") != NULL;
}

/* note_state - the states this reply to verb moves into, and coverage */
static void note_state(struct live *l, enum sc_verb verb, int code,
		       int cover)
{
	size_t i, bit;

	for (i = 0; i < sizeof(state_rules) / sizeof(state_rules[0]); i++)
		if (state_rules[i].verb == verb &&
		    code >= state_rules[i].lo && code <= state_rules[i].hi)
			l->out->states |= state_rules[i].state;
	if (cover && code >= 200 && code < 600 && (unsigned)verb < 17) {
		bit = (size_t)verb * 400 + (size_t)(code - 200);
		l->out->cover[bit / 8] |= (unsigned char)(1u << (bit % 8));
	}
}

/*
 * on_reply - record one reply, judge its grammar, follow the state.
 * The first reply after a line is taken as its answer (first); only
 * the one a CRLF line owed (owed) counts for the coverage: an extra
 * reply, or one to a bare-LF line, may come a moment early or late,
 * and the loop's choices must not depend on timing.
 */
static void on_reply(struct live *l, struct sc_reply *r, int first,
		     int owed)
{
	struct sc_fuzz_outcome *out = l->out;
	enum sc_verb verb = first ? l->verb : SC_VERB_UNKNOWN;
	unsigned bad;

	if (out->nreplies < SC_FUZZ_MAX_REPLIES) {
		out->replies[out->nreplies].after = out->lines_sent;
		out->replies[out->nreplies++].code = r->code;
	}
	if (verb == SC_VERB_EHLO && r->code == 250)
		note_caps(l, r);
	if (l->enhanced)
		sc_reply_check_enhanced(r);
	bad = r->violations & MUST_VIOLATIONS;
	if (bad)
		fire(l, SC_FUZZ_GRAMMAR, "the reply breaks the reply "
		     "syntax: %s", sc_reply_violation_text(bad & -bad));
	note_state(l, verb, r->code, owed);
	l->last_code = r->code;
	/* The codes alone say where the server is, whatever command the
	 * client thinks they answer: any reply ends the text (4.1.1.4),
	 * 354 starts it (4.2.2), 220 after the greeting is STARTTLS's. */
	if (l->mode == MODE_TEXT) {
		l->mode = MODE_CMD;
		if (r->code == 250)
			out->states |= SC_FST_QUEUED;
	} else if (r->code == 354) {
		l->mode = MODE_TEXT;
		l->prev_crlf = 1;
	}
	if (r->code == 221 || r->code == 421 ||
	    (r->code == 220 && out->lines_sent > 0))
		l->mode = MODE_OVER;	/* closing, or TLS is due next */
}

/*
 * wait_replies - read until want replies came (or, for unsure, one),
 * within ms; then take whatever else is already there.  Returns -1
 * when the session cannot go on (closed, hung, broken).
 */
static int wait_replies(struct live *l, size_t want, unsigned ms, int hang)
{
	long long deadline = sc_now_ms() + ms;
	struct sc_reply r;
	struct sc_error err;
	enum wait_outcome w;
	size_t got = 0;

	for (;;) {
		sc_error_clear(&err);
		w = session_read_reply(&l->s, got < want ? deadline
				       : sc_now_ms(), &r, &err);
		if (w == WAIT_REPLY || w == WAIT_FLOOD) {
			on_reply(l, &r, got < want, got < want && hang);
			sc_reply_free(&r);
			got++;
			if (w == WAIT_FLOOD || l->out->oracle)
				return -1;
			continue;
		}
		sc_reply_free(&r);
		if (w == WAIT_EOF) {
			l->saw_eof = 1;
			return -1;
		}
		if (w == WAIT_ERROR)
			return err.status == SC_ERR_INTERRUPTED ? -2 : -1;
		/* A timeout: fine once the replies owed are in. */
		if (got >= want)
			return 0;
		if (hang)
			return -3;
		return 0;
	}
}

/* drain_tail - extra replies that come within ms */
static void drain_tail(struct live *l, unsigned ms)
{
	long long deadline = sc_now_ms() + ms;
	struct sc_reply r;
	struct sc_error err;
	enum wait_outcome w;

	do {
		sc_error_clear(&err);
		w = session_read_reply(&l->s, deadline, &r, &err);
		if (w == WAIT_REPLY || w == WAIT_FLOOD)
			on_reply(l, &r, 0, 0);
		if (w == WAIT_EOF)
			l->saw_eof = 1;
		sc_reply_free(&r);
	} while (w == WAIT_REPLY && !l->out->oracle);
}

/* line_owed - does this line end a command (or the text, or a chunk)? */
static enum owed line_owed(struct live *l, const char *p, size_t n)
{
	struct sc_command c;
	int lf = n > 0 && p[n - 1] == '\n';
	int crlf = lf && n > 1 && p[n - 2] == '\r', prev_crlf;
	enum owed ends = crlf ? OWED_ONE : lf ? OWED_UNSURE : OWED_NONE;

	if (l->mode == MODE_CHUNK) {
		if (l->chunk_left > n) {
			l->chunk_left -= n;
			return OWED_NONE;
		}
		p += l->chunk_left;
		n -= (size_t)l->chunk_left;
		l->mode = MODE_CMD;
		l->verb = SC_VERB_BDAT;
		/* RFC 3030 2: the chunk is exactly its octets, so the rest of
		 * the line is a command to a server that counts them (one
		 * that refused the BDAT may not): follow its state (another
		 * BDAT opens a chunk), but never judge a hang on it. */
		if (n > 0)
			line_owed(l, p, n);
		return OWED_UNSURE;
	}
	if (l->mode == MODE_TEXT) {
		prev_crlf = l->prev_crlf;
		l->prev_crlf = crlf;
		if (ends == OWED_NONE || p[0] != '.' || n != 2 + (size_t)crlf)
			return OWED_NONE;
		l->verb = SC_VERB_DATA;
		/* After a bare LF, only some servers are at a line start. */
		return crlf && prev_crlf ? OWED_ONE : OWED_UNSURE;
	}
	if (ends == OWED_NONE)
		return OWED_NONE;
	sc_command_parse(p, n, &c);
	l->verb = c.verb;
	/* RFC 3030 2: the reply to BDAT follows its chunk, but a server
	 * may refuse the command at once (BDAT without CHUNKING, out of
	 * sequence, malformed) and read the chunk or not: no hang is
	 * judged on any BDAT line; only a server that offers CHUNKING is
	 * not waited for before a well-formed chunk.  A size followed by
	 * junk still opens a chunk: Postfix reads "BDAT 6<NUL>" as a C
	 * string, BDAT 6, and waits for the 6 octets. */
	if (c.verb == SC_VERB_BDAT && c.chunk_size > 0) {
		l->mode = MODE_CHUNK;
		l->chunk_left = c.chunk_size;
		if (l->chunking && !(c.flaws & SC_CF_BAD_ARGS))
			return OWED_NONE;
		return OWED_UNSURE;
	}
	if (c.verb == SC_VERB_BDAT)
		return OWED_UNSURE;
	return ends;
}

/* greet - the greeting; -1 when the session cannot go on */
static int greet(struct live *l)
{
	int rc = wait_replies(l, 1, l->o->hang_timeout_ms, 1);

	if (rc == -3)
		fire(l, SC_FUZZ_HANG, "no greeting within %u ms",
		     l->o->hang_timeout_ms);
	if (rc == 0 && (l->last_code < 200 || l->last_code >= 300))
		return -1;	/* refused (554) or busy (421): not ours */
	return rc;
}

/* play - send each line, wait for what it owes; -2 on Ctrl-C */
static int play(struct live *l, const char *data, size_t len)
{
	struct sc_error err;
	size_t off = 0, n, before;
	enum owed owed = OWED_ONE;
	int rc = greet(l);
	char shown[160];

	while (rc == 0 && off < len && l->mode != MODE_OVER) {
		n = sc_command_line_len(data + off, len - off);
		owed = line_owed(l, data + off, n);
		sc_error_clear(&err);
		if (session_send(&l->s, data + off, n, sc_now_ms() +
				 l->o->hang_timeout_ms, &err) != SC_OK) {
			/* The server closed; read what it said first. */
			l->out->lines_sent++;
			wait_replies(l, 1, l->o->unsure_wait_ms, 0);
			l->saw_eof = 1;
			return 0;
		}
		l->out->lines_sent++;
		off += n;
		before = l->out->nreplies;
		rc = wait_replies(l, owed == OWED_NONE ? 0 : 1, owed ==
				  OWED_ONE ? l->o->hang_timeout_ms :
				  l->o->unsure_wait_ms, owed == OWED_ONE);
		/* No reply to a bare-LF line: the server took it as part
		 * of the next one, so it owes nothing for it. */
		if (owed == OWED_UNSURE && data[off - 1] == '\n' &&
		    (n < 2 || data[off - 2] != '\r')) {
			l->out->unsure_lines++;
			l->out->unsure_answered += l->out->nreplies > before;
		}
		if (rc == -3) {
			last_line_shown(data, len, l->out->lines_sent, shown,
					sizeof(shown));
			fire(l, SC_FUZZ_HANG, "no reply to %s within %u ms",
			     shown, l->o->hang_timeout_ms);
		}
	}
	if (rc == -2)
		return -2;
	/* Replies still on their way after the last line. */
	if (rc == 0 && l->mode != MODE_OVER)
		drain_tail(l, owed == OWED_ONE ? 0 : l->o->unsure_wait_ms);
	if (l->mode == MODE_OVER && l->last_code != 220 && !l->saw_eof)
		wait_replies(l, 1, l->o->run.close_timeout_ms, 0);
	return 0;
}

/* judge_end - crash first, then a close without 421 or 221 */
static void judge_end(struct live *l, const char *data, size_t len)
{
	struct sc_server *srv = l->o->run.server;
	char what[160], shown[160];

	if (srv != NULL) {
		/* A close or a hang may be a death not reaped yet. */
		if ((l->saw_eof && l->last_code != 221 &&
		     l->last_code != 421) || l->out->oracle != SC_FUZZ_NONE)
			sc_server_settle(srv, SC_SERVER_SETTLE_MS);
		else
			sc_server_poll(srv);
		if (sc_server_crashed(srv)) {
			sc_server_describe(srv, what, sizeof(what));
			l->out->oracle = SC_FUZZ_NONE;	/* the crash wins */
			fire(l, SC_FUZZ_CRASH, "server crashed: %s", what);
			return;
		}
	}
	if (!l->saw_eof || l->last_code == 221 || l->last_code == 421)
		return;
	last_line_shown(data, len, l->out->lines_sent, shown, sizeof(shown));
	fire(l, SC_FUZZ_CLOSE, "the server closed the connection after %s "
	     "without a 421 or 221 reply", shown);
}

/* sc_fuzz_run_session - play one session and judge it */
int sc_fuzz_run_session(const struct sc_fuzz_options *o, const char *data,
			size_t len, struct sc_fuzz_outcome *out,
			struct sc_error *err)
{
	struct live *l;
	int rc;

	memset(out, 0, sizeof(*out));
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	l->o = o;
	l->out = out;
	l->last_code = -1;
	session_init(&l->s, "fuzz");
	rc = session_connect(&l->s, &o->run, sc_now_ms() +
			     o->run.connect_timeout_ms, err);
	if (rc != SC_OK) {
		judge_end(l, data, len);
		free(l);
		return out->oracle == SC_FUZZ_CRASH ? SC_OK : rc;
	}
	rc = play(l, data, len);
	session_close(&l->s);
	if (rc == -2) {
		free(l);
		return sc_error_set(err, SC_ERR_INTERRUPTED, "interrupted");
	}
	judge_end(l, data, len);
	free(l);
	return SC_OK;
}
