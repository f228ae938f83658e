/*
 * judge.c - turning what the server did into a verdict.
 *
 * Each failure names the rule, its RFC clause and level, what was
 * expected and what was observed, with the meaning of both codes from
 * the knowledge table (codes.c).  Server bytes are only ever shown
 * through sc_escape_display.
 */
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/codes.h"
#include "smtpconf/escape.h"
#include "smtpconf/server.h"
#include "runner_int.h"

/*
 * Levels of the always-on reply checks.  RFC 5321 2.3.8: "Conforming
 * implementations MUST NOT recognize or generate any other character
 * or character sequence as a line terminator."  4.2: "SMTP servers
 * MUST NOT send reply codes whose first digits are other than 2, 3, 4,
 * or 5"; 4.2.1: "In a multiline reply, the reply code on each of the
 * lines MUST be the same."  4.5.3.1: objects larger than the limits
 * (512-octet reply lines) "SHOULD be avoided".  The textstring grammar
 * of 4.2 allows only HT and printable US-ASCII; SMTPUTF8 (RFC 6531)
 * widens it with UTF-8, so non-ASCII text is held to SHOULD, but not
 * with controls (ESC, BEL, DEL...), which stay a grammar breach.
 */
static const struct violation_level {
	unsigned bit;
	enum sc_level level;
} violation_levels[] = {
	{ SC_RV_BAD_CODE, SC_LEVEL_MUST },
	{ SC_RV_BAD_SEPARATOR, SC_LEVEL_MUST },
	{ SC_RV_CODE_MISMATCH, SC_LEVEL_MUST },
	{ SC_RV_BARE_LF, SC_LEVEL_MUST },
	{ SC_RV_BARE_CR, SC_LEVEL_MUST },
	{ SC_RV_NUL, SC_LEVEL_MUST },
	{ SC_RV_CONTROL, SC_LEVEL_MUST },
	{ SC_RV_FLOOD, SC_LEVEL_MUST },
	{ SC_RV_ENHANCED_CLASS, SC_LEVEL_MUST },
	{ SC_RV_ENHANCED_MISSING, SC_LEVEL_MUST },
	{ SC_RV_LINE_TOO_LONG, SC_LEVEL_SHOULD },
	{ SC_RV_NON_ASCII, SC_LEVEL_SHOULD },
	{ 0, SC_LEVEL_MAY }
};

/* tx_add - append a transcript entry for this step */
void tx_add(struct run_ctx *c, enum sc_tx_kind kind, const struct sc_step *st,
	    const char *bytes, size_t len, size_t wire_len)
{
	sc_result_add_tx(c->res, kind, c->cur->name, bytes, len, wire_len,
			 sc_now_ms() - c->t0, st ? st->line : 0);
}

/*
 * tx_reply - append a reply as it stood on the wire: the parser keeps
 * lines without terminators, so each line gets its CRLF back here (a
 * bare-LF reply is flagged by the syntax check, not by this form).
 */
static void tx_reply(struct run_ctx *c, const struct sc_step *st,
		     const struct sc_reply *r)
{
	struct sc_buf b;
	size_t i;

	sc_buf_init(&b, SC_TRANSCRIPT_ENTRY_KEEP + 16);
	for (i = 0; i < r->nlines; i++) {
		sc_buf_append(&b, r->raw + r->lines[i].off, r->lines[i].len);
		sc_buf_puts(&b, "\r\n");
	}
	tx_add(c, SC_TX_REPLY, st, sc_buf_cstr(&b), b.len, r->wire_len);
	sc_buf_free(&b);
}

/* tx_event - append a formatted event to the transcript */
void tx_event(struct run_ctx *c, const struct sc_step *st, const char *fmt,
	      ...)
{
	char msg[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	tx_add(c, SC_TX_EVENT, st, msg, (size_t)n, (size_t)n);
}

/* remember_command - keep the display form of the last send for messages */
void remember_command(struct run_ctx *c, const struct sc_step *st,
		      const char *bytes, size_t len)
{
	struct sc_buf b;
	size_t n = len;

	/* Show the command without its line terminator. */
	while (n > 0 && (bytes[n - 1] == '\n' || bytes[n - 1] == '\r'))
		n--;
	sc_buf_init(&b, 0);
	sc_escape_display(&b, bytes, n, 60);
	snprintf(c->last_cmd, sizeof(c->last_cmd), "%s", sc_buf_cstr(&b));
	sc_buf_free(&b);
	c->last_cmd_line = st->line;
}

/* mark_failed_tx - flag the newest transcript entry as the failure point */
static void mark_failed_tx(struct run_ctx *c)
{
	if (c->res->ntx > 0)
		c->res->tx[c->res->ntx - 1].failed = 1;
}

/* set_reason - format and store the result's reason */
__attribute__((format(printf, 2, 0)))
static void set_reason(struct run_ctx *c, const char *fmt, va_list ap)
{
	struct sc_buf b;

	sc_buf_init(&b, 0);
	sc_buf_vprintf(&b, fmt, ap);
	free(c->res->reason);
	c->res->reason = sc_buf_steal(&b);
}

/* run_fail - record that the server broke a rule at this step */
void run_fail(struct run_ctx *c, const struct sc_step *st,
	      enum sc_level level, const char *fmt, ...)
{
	va_list ap;

	c->res->verdict = SC_VERDICT_FAIL;
	c->res->fail_level = level;
	c->res->fail_line = st ? st->line : 0;
	va_start(ap, fmt);
	set_reason(c, fmt, ap);
	va_end(ap);
	mark_failed_tx(c);
}

/* run_error - record that the check could not run */
void run_error(struct run_ctx *c, const struct sc_step *st,
	       enum sc_status status, const char *fmt, ...)
{
	va_list ap;

	c->res->verdict = SC_VERDICT_ERROR;
	c->res->fail_line = st ? st->line : 0;
	va_start(ap, fmt);
	set_reason(c, fmt, ap);
	va_end(ap);
	(void)status;
}

/* run_skip - the scenario turned out not to apply to this server */
__attribute__((format(printf, 3, 4)))
static void run_skip(struct run_ctx *c, const struct sc_step *st,
		     const char *fmt, ...)
{
	va_list ap;

	c->res->verdict = SC_VERDICT_SKIP;
	c->res->fail_line = st->line;
	va_start(ap, fmt);
	set_reason(c, fmt, ap);
	va_end(ap);
}

/* run_interrupted - the user stopped the run: this scenario did not finish */
int run_interrupted(struct run_ctx *c, const struct sc_step *st)
{
	c->res->verdict = SC_VERDICT_NOTRUN;
	c->res->fail_line = st ? st->line : 0;
	free(c->res->reason);
	c->res->reason = strdup("interrupted before the scenario finished");
	return STEP_STOP;
}

/* describe_pattern - "500 (Syntax error, command unrecognized)" or "5xx (...)" */
static void describe_pattern(const struct sc_code_pattern *p, struct sc_buf *b)
{
	const struct sc_code_info *info;
	int code;

	sc_buf_append(b, p->d, 3);
	if (p->d[0] == 'x')
		return;
	if (p->d[1] != 'x' && p->d[2] != 'x') {
		code = (p->d[0] - '0') * 100 + (p->d[1] - '0') * 10 +
		       (p->d[2] - '0');
		info = sc_code_lookup(code);
		if (info != NULL)
			sc_buf_printf(b, " (%s)", info->text);
		return;
	}
	sc_buf_printf(b, " (%s)", sc_code_class_meaning(p->d[0] - '0'));
}

/* describe_expect - the expected codes in words */
static char *describe_expect(const struct sc_expect *e)
{
	struct sc_buf b;
	size_t i;

	sc_buf_init(&b, 0);
	if (e->negate)
		sc_buf_puts(&b, "anything but ");
	for (i = 0; i < e->nalts; i++) {
		if (i > 0)
			sc_buf_puts(&b, i + 1 == e->nalts ? " or " : ", ");
		describe_pattern(&e->alts[i], &b);
	}
	if (e->enhanced[0])
		sc_buf_printf(&b, " with enhanced code %s", e->enhanced);
	if (e->text_regex)
		sc_buf_printf(&b, " with text %smatching /%s/",
			      e->text_negate ? "not " : "", e->text_regex);
	return sc_buf_steal(&b);
}

/* describe_reply - "502 Command not implemented: <server text>" */
static char *describe_reply(const struct sc_reply *r)
{
	struct sc_buf b;
	char code[160];
	const char *text;
	size_t len = 0;

	sc_buf_init(&b, 0);
	if (r->code < 0) {
		sc_buf_puts(&b, "an unparseable reply: ");
		sc_escape_display(&b, r->raw ? r->raw : "", r->raw_len,
				  SC_DISPLAY_CLIP);
		return sc_buf_steal(&b);
	}
	sc_code_describe(r->code, code, sizeof(code));
	sc_buf_puts(&b, code);
	text = r->nlines ? sc_reply_text(r, 0, &len) : NULL;
	if (text != NULL && len > 0) {
		sc_buf_puts(&b, ", server said \"");
		sc_escape_display(&b, text, len, 120);
		sc_buf_puts(&b, r->nlines > 1 ? "\" ..." : "\"");
	}
	return sc_buf_steal(&b);
}

/* set_expected_observed - store both sides of a mismatch */
static void set_expected_observed(struct run_ctx *c, const struct sc_expect *e,
				  const struct sc_reply *r, const char *obs)
{
	free(c->res->expected);
	free(c->res->observed);
	c->res->expected = e ? describe_expect(e) : NULL;
	c->res->observed = r ? describe_reply(r) : obs ? strdup(obs) : NULL;
}

/* after_what - "after `XYZZY` (line 9)" or "at connect" for messages */
static void after_what(const struct run_ctx *c, char *out, size_t n)
{
	if (c->last_cmd_line)
		snprintf(out, n, "after `%s` (line %u)", c->last_cmd,
			 c->last_cmd_line);
	else
		snprintf(out, n, "on connect");
}

/* text_matches - case-insensitive ERE match against the reply's text */
static int text_matches(const struct sc_expect *e, const struct sc_reply *r)
{
	struct sc_buf all;
	regex_t re;
	const char *t;
	size_t i, len;
	int ok;

	if (e->text_regex == NULL)
		return 1;
	if (regcomp(&re, e->text_regex, REG_EXTENDED | REG_ICASE |
		    REG_NOSUB) != 0)
		return 0;
	sc_buf_init(&all, 0);
	for (i = 0; i < r->nlines; i++) {
		t = sc_reply_text(r, i, &len);
		if (i)
			sc_buf_putc(&all, '\n');
		/* A NUL would end the match early: show it as a space. */
		for (; len > 0; len--, t++)
			sc_buf_putc(&all, *t ? *t : ' ');
	}
	ok = regexec(&re, sc_buf_cstr(&all), 0, NULL, 0) == 0;
	if (e->text_negate)
		ok = !ok;
	regfree(&re);
	sc_buf_free(&all);
	return ok;
}

/* enhanced_matches - "5.x.x" style pattern against the reply's enhanced code */
static int enhanced_matches(const char *pat, const char *have)
{
	const char *p = pat, *h = have;

	if (pat[0] == '\0')
		return 1;
	while (*p && *h) {
		if (*p == 'x') {
			p++;
			while (*h >= '0' && *h <= '9')
				h++;
			continue;
		}
		if (*p != *h)
			return 0;
		p++;
		h++;
	}
	return *p == '\0' && *h == '\0';
}

/* expect_matches - do code, enhanced code and text all fit? */
static int expect_matches(const struct sc_expect *e, const struct sc_reply *r)
{
	size_t i;
	int hit = 0;

	for (i = 0; i < e->nalts && !hit; i++)
		hit = sc_code_pattern_match(&e->alts[i], r->code);
	if (e->negate)
		hit = !hit && r->code >= 0;
	return hit && enhanced_matches(e->enhanced, r->enhanced) &&
	       text_matches(e, r);
}

/* line_has_enhanced - the reply line's text opens with an x.y.z code */
static int line_has_enhanced(const struct sc_reply *r, size_t i)
{
	size_t len = 0, n = 0;
	const char *t = sc_reply_text(r, i, &len);

	while (t != NULL && n < len && t[n] != ' ')
		n++;
	return t != NULL && sc_enhanced_valid(t, n);
}

/*
 * check_enhanced_present - RFC 2034 4: once EHLO was answered by a
 * server that lists ENHANCEDSTATUSCODES, every 2xx, 4xx and 5xx reply
 * line carries an enhanced code, except the replies to HELO and EHLO
 * (the session says which reply that is).  Before EHLO nothing is
 * asked: clients that never sent EHLO cannot know of the extension.
 */
static void check_enhanced_present(struct session *s, struct sc_reply *r)
{
	int exempt = s->helo_pending == 0;
	size_t i;

	if (s->helo_pending >= 0)
		s->helo_pending--;
	if (exempt) {
		s->ehlo_done = s->helo_is_ehlo && r->code == 250;
		return;
	}
	if (!s->ehlo_done || r->code < 200 || r->code / 100 == 3)
		return;
	for (i = 0; i < r->nlines; i++)
		if (!line_has_enhanced(r, i)) {
			r->violations |= SC_RV_ENHANCED_MISSING;
			return;
		}
}

/* violation_failure - fail on the first broken reply-grammar rule, if any */
static int violation_failure(struct run_ctx *c, const struct sc_step *st,
			     struct session *s, struct sc_reply *r)
{
	const struct violation_level *v;
	char after[200];

	if (c->caps && sc_caps_find(c->caps, "ENHANCEDSTATUSCODES")) {
		sc_reply_check_enhanced(r);
		check_enhanced_present(s, r);
	}
	if (c->caps && sc_caps_find(c->caps, "SMTPUTF8"))
		r->violations &= ~(unsigned)SC_RV_NON_ASCII;
	for (v = violation_levels; v->bit != 0; v++) {
		if (!(r->violations & v->bit))
			continue;
		after_what(c, after, sizeof(after));
		set_expected_observed(c, &st->expect, r, NULL);
		run_fail(c, st, v->level, "The reply %s breaks the reply "
			 "syntax: %s", after, sc_reply_violation_text(v->bit));
		return 1;
	}
	return 0;
}

/*
 * end_session_by_421 - on-421: end-session: a 421 followed by the close
 * ends this session without a verdict (RFC 5321 3.8 allows it at any
 * time); its remaining steps are skipped, other sessions go on.
 */
static int end_session_by_421(struct run_ctx *c, const struct sc_step *st,
			      struct session *s)
{
	tx_event(c, st, "server closed the service (421): session '%s' ends "
		 "here (on-421: end-session)", s->name);
	free(c->res->expected);
	free(c->res->observed);
	c->res->expected = NULL;
	c->res->observed = NULL;
	session_close(s);
	s->closed_line = st->line;
	s->ended_by_421 = 1;
	return STEP_NEXT;
}

/* unexpected_421 - the server is closing the service where the scenario did not expect it */
static int unexpected_421(struct run_ctx *c, const struct sc_step *st,
			  struct session *s, const struct sc_reply *r)
{
	struct sc_reply extra;
	struct sc_error err;
	enum wait_outcome w;
	char after[200];

	after_what(c, after, sizeof(after));
	set_expected_observed(c, &st->expect, r, NULL);
	sc_error_clear(&err);
	w = session_wait_close(s, step_deadline(c, c->o->close_timeout_ms),
			       &extra, &err);
	sc_reply_free(&extra);
	if (w == WAIT_EOF && c->s->on_421_ends_session)
		return end_session_by_421(c, st, s);
	if (w == WAIT_EOF) {
		tx_event(c, st, "server closed the connection");
		run_fail(c, st, c->s->level, "The server closed the service "
			 "(421) %s, so the rule under test could not be "
			 "checked; expected %s.", after,
			 c->res->expected ? c->res->expected : "?");
		return STEP_STOP;
	}
	run_fail(c, st, SC_LEVEL_MUST, "The server replied 421 %s but did "
		 "not close the connection within %u ms. RFC 5321 3.8: a "
		 "server may close only after 221 to QUIT or after "
		 "\"returning a 421 response code\"; 421 announces that "
		 "it is closing the transmission channel.", after,
		 c->o->close_timeout_ms);
	return STEP_STOP;
}

/*
 * early_hint - when the server had bytes waiting before the last
 * command went out, though every reply owed had been read, the reply
 * judged may answer an earlier command: say so after the verdict.
 */
static void early_hint(const struct run_ctx *c, const struct session *s,
		       char *out, size_t n)
{
	out[0] = '\0';
	if (s->early_bytes == 0 || c->last_cmd_line == 0)
		return;
	snprintf(out, n, " Before `%s` was sent, %zu bytes from the server "
		 "were already waiting though every reply owed had been "
		 "read, so this reply may answer an earlier command (RFC "
		 "5321 4.2: \"Every command MUST generate exactly one "
		 "reply.\")", c->last_cmd, s->early_bytes);
}

/* mismatch - the reply is well-formed but not what the scenario expects */
static int mismatch(struct run_ctx *c, const struct sc_step *st,
		    const struct session *s, const struct sc_reply *r)
{
	const struct sc_code_info *got = sc_code_lookup(r->code);
	char after[200], hint[400];

	after_what(c, after, sizeof(after));
	early_hint(c, s, hint, sizeof(hint));
	set_expected_observed(c, &st->expect, r, NULL);
	run_fail(c, st, c->s->level, "%s the server replied %s; expected "
		 "%s.%s%s%s%s%s%s%s%s", after, c->res->observed,
		 c->res->expected,
		 got ? " " : "", got ? got->meaning : "",
		 st->note ? " Note: " : "", st->note ? st->note : "",
		 st->note ? "." : "", c->s->why ? " " : "",
		 c->s->why ? c->s->why : "", hint);
	return STEP_STOP;
}

/*
 * premise_unmet - a reply the scenario marked `premise` was another:
 * the server does not take the path the scenario's rule is about (it
 * accepts MAIL without EHLO, say), which breaks no rule, so the
 * scenario has nothing to check on it and is skipped, not failed.
 */
static int premise_unmet(struct run_ctx *c, const struct sc_step *st,
			 const struct sc_reply *r)
{
	char after[200];

	after_what(c, after, sizeof(after));
	set_expected_observed(c, &st->expect, r, NULL);
	run_skip(c, st, "premise not met at line %u: %s the server replied "
		 "%s, not %s, so this scenario has nothing to check on this "
		 "server%s%s%s", st->line, after, c->res->observed,
		 c->res->expected, st->note ? " (" : "",
		 st->note ? st->note : "", st->note ? ")" : "");
	return STEP_STOP;
}

/*
 * judge_unsolicited - the server sent data after its greeting, before
 * the first command: a reply nobody asked for, which would otherwise
 * be taken for the answer to that command.
 */
int judge_unsolicited(struct run_ctx *c, const struct sc_step *st,
		      enum wait_outcome w, struct sc_reply *r,
		      struct sc_error *err)
{
	if (w == WAIT_ERROR && err->status == SC_ERR_INTERRUPTED)
		return run_interrupted(c, st);
	if (r->wire_len > 0)
		tx_reply(c, st, r);
	free(c->res->expected);
	free(c->res->observed);
	c->res->expected = strdup("nothing until the first command");
	c->res->observed = r->nlines ? describe_reply(r)
			   : strdup("unsolicited bytes");
	run_fail(c, st, SC_LEVEL_MUST, "The server sent %s after its "
		 "greeting, before the first command (line %u) was sent: a "
		 "reply to no command, which a client would take for the "
		 "answer to its next one. RFC 5321 4.2: \"Every command MUST "
		 "generate exactly one reply\"; 4.2.1: \"SMTP uses a "
		 "one-command, one-response model\".", w == WAIT_FLOOD ?
		 "a flood of data" : "more data", st->line);
	return STEP_STOP;
}

/*
 * closed_in_shutdown - the server closed without 421 after we shut it
 * down.  RFC 5321 3.8 makes this a SHOULD, not the MUST of a close in
 * normal operation, so the scenario's own level applies.
 */
static int closed_in_shutdown(struct run_ctx *c, const struct sc_step *st,
			      const struct sc_reply *r)
{
	run_fail(c, st, c->s->level, "The server closed the connection "
		 "after it was told to shut down (line %u) without a 421 "
		 "reply%s. RFC 5321 3.8: \"An SMTP server that is forcibly "
		 "shut down via external means SHOULD attempt to send a "
		 "line containing a 421 response code to the SMTP client "
		 "before exiting.\"", c->shutdown_line, r->wire_len ?
		 " (it sent a partial reply first)" : "");
	return STEP_STOP;
}

/*
 * no_reply_level - the level of a missing reply or a close: MUST (RFC
 * 5321 4.2, 3.8), except in a MAY scenario, which steps outside the
 * protocol on purpose (pipelining to a server that did not offer it)
 * and so can only note what the server does, never fail a run.
 */
static enum sc_level no_reply_level(const struct run_ctx *c)
{
	return c->s->level == SC_LEVEL_MAY ? SC_LEVEL_MAY : SC_LEVEL_MUST;
}

/* abandon - close a session the server stopped answering on */
static void abandon(struct run_ctx *c, const struct sc_step *st,
		    struct session *s)
{
	tx_event(c, st, "session '%s' abandoned: smtpconf closed the "
		 "connection", s->name);
	session_close(s);
	s->closed_line = st->line;
}

/* partial_text - "a partial reply, 7 bytes: \"250 2.0\"" for observed */
static char *partial_text(const struct sc_reply *r)
{
	struct sc_buf b;

	sc_buf_init(&b, 0);
	sc_buf_printf(&b, "a partial reply, %zu bytes: \"", r->wire_len);
	sc_escape_display(&b, r->raw ? r->raw : "", r->raw_len, 120);
	sc_buf_puts(&b, "\", then nothing more");
	return sc_buf_steal(&b);
}

/*
 * judge_timeout - nothing complete before the step deadline.  Not one
 * byte of the reply: the server hung (RFC 5321 4.2: "Every command
 * MUST generate exactly one reply").  Part of one and nothing in the
 * second half of the wait: it stalled mid-reply, a failure too.  Part
 * of one and bytes still coming: a slow server, which the step timeout
 * could not judge (an error, not a failure).  In every case the
 * session is abandoned: we close it, so the server sees a clean end.
 */
static int judge_timeout(struct run_ctx *c, const struct sc_step *st,
			 struct session *s, struct sc_reply *r)
{
	long long quiet = sc_now_ms() - s->last_rx_ms;
	char after[200];

	after_what(c, after, sizeof(after));
	free(c->res->expected);
	free(c->res->observed);
	c->res->expected = describe_expect(&st->expect);
	if (r->wire_len == 0 && s->idled) {
		/* Waiting for the server's own timeout: silence is no hang. */
		c->res->observed = strdup("nothing: the session stayed open");
		tx_event(c, st, "still open and silent after another %u ms",
			 c->step_timeout_ms);
		run_fail(c, st, c->s->level, "The idle session stayed open: "
			 "no 421 and no close in the %u ms after the idle "
			 "time, so no server timeout was seen. RFC 5321 "
			 "4.5.3.2.7: \"An SMTP server SHOULD have a timeout "
			 "...\"", c->step_timeout_ms);
	} else if (r->wire_len == 0) {
		c->res->observed = strdup("no reply: not one byte");
		tx_event(c, st, "server hung: no reply within %u ms",
			 c->step_timeout_ms);
		c->res->hung = 1;
		run_fail(c, st, no_reply_level(c), "server hung %s: not one byte "
			 "of a reply within %u ms, and the session was "
			 "abandoned. %s", after, c->step_timeout_ms,
			 c->last_cmd_line ? "RFC 5321 4.2: \"Every command "
			 "MUST generate exactly one reply.\"" : "RFC 5321 "
			 "3.1: once the connection is open the server sends "
			 "its greeting (220, or 554).");
	} else if (quiet * 2 >= (long long)c->step_timeout_ms) {
		tx_reply(c, st, r);
		c->res->observed = partial_text(r);
		tx_event(c, st, "reply incomplete: nothing for the last %lld "
			 "ms", quiet);
		c->res->hung = 1;
		run_fail(c, st, no_reply_level(c), "The reply %s stopped after %zu "
			 "bytes: nothing more came for %lld ms, when the %u ms "
			 "step timeout passed (a partial reply, not a hang). "
			 "RFC 5321 4.2: \"Every command MUST generate exactly "
			 "one reply.\"", after, r->wire_len, quiet,
			 c->step_timeout_ms);
	} else {
		tx_reply(c, st, r);
		c->res->observed = partial_text(r);
		tx_event(c, st, "reply still arriving after %u ms",
			 c->step_timeout_ms);
		run_error(c, st, SC_ERR_TIMEOUT, "The reply %s was still "
			  "arriving when the %u ms step timeout passed (%zu "
			  "bytes so far, the last %lld ms ago): the server is "
			  "slow, not hung, and could not be judged; a longer "
			  "--step-timeout (or step-timeout: in the scenario) "
			  "would let it finish.", after, c->step_timeout_ms,
			  r->wire_len, quiet);
	}
	mark_failed_tx(c);
	abandon(c, st, s);
	return STEP_STOP;
}

/*
 * closed_when_idle - the server closed an idle session without a 421.
 * RFC 5321 3.8 allows a close after its timeout, so this is not the
 * MUST of a close in normal operation; the scenario's level applies.
 */
static int closed_when_idle(struct run_ctx *c, const struct sc_step *st,
			    const struct sc_reply *r)
{
	run_fail(c, st, c->s->level, "The server closed the idle session "
		 "without a 421 reply%s. RFC 5321 3.8 lets it close \"after "
		 "a timeout ... occurs waiting for the client\", but 421 is "
		 "the reply that says the service is \"closing transmission "
		 "channel\" (4.2.3): without it the client cannot tell the "
		 "server's timeout from a broken connection.",
		 r->wire_len ? " (it sent a partial reply first)" : "");
	return STEP_STOP;
}

/*
 * tls_broken_in_shutdown - after `shutdown` the bytes on a TLS session
 * were no TLS record: a server that writes its 421 past the TLS layer
 * (in plaintext) reaches no client, which is a close without 421 too.
 */
static int tls_broken_in_shutdown(struct run_ctx *c, const struct sc_step *st,
				  const struct sc_error *err)
{
	c->peer_lost = 1;
	tx_event(c, st, "read failed: %s", err->msg);
	set_expected_observed(c, &st->expect, NULL, "bytes that are no TLS "
			      "record, then the close");
	run_fail(c, st, c->s->level, "After it was told to shut down (line "
		 "%u) the server broke the TLS session (%s): what it sent is "
		 "no TLS record, as a 421 written in plaintext instead of "
		 "through TLS would be, so no 421 reached the client. RFC 5321 "
		 "3.8: \"An SMTP server that is forcibly shut down via external "
		 "means SHOULD attempt to send a line containing a 421 "
		 "response code to the SMTP client before exiting.\"",
		 c->shutdown_line, err->msg);
	return STEP_STOP;
}

/* judge_no_reply - timeouts, closes and floods instead of a reply */
static int judge_no_reply(struct run_ctx *c, const struct sc_step *st,
			  struct session *s, enum wait_outcome w,
			  struct sc_reply *r, struct sc_error *err)
{
	char after[200];

	after_what(c, after, sizeof(after));
	if (w == WAIT_ERROR && err->status == SC_ERR_INTERRUPTED)
		return run_interrupted(c, st);
	if (w == WAIT_ERROR && err->status == SC_ERR_TLS && c->shutdown_line)
		return tls_broken_in_shutdown(c, st, err);
	if (w == WAIT_ERROR) {
		c->peer_lost = 1;
		tx_event(c, st, "read failed: %s", err->msg);
		run_error(c, st, err->status, "reading the reply %s failed: "
			  "%s", after, err->msg);
		return STEP_STOP;
	}
	if (w == WAIT_TIMEOUT)
		return judge_timeout(c, st, s, r);
	if (r->wire_len > 0)
		tx_reply(c, st, r);
	if (w == WAIT_FLOOD) {
		set_expected_observed(c, &st->expect, NULL,
				      "a reply over the size bounds");
		run_fail(c, st, SC_LEVEL_MUST, "The reply %s exceeded %u "
			 "lines or %u bytes; reading stopped. %s", after,
			 (unsigned)SC_REPLY_MAX_LINES,
			 (unsigned)SC_REPLY_MAX_BYTES,
			 sc_reply_violation_text(SC_RV_FLOOD));
		return STEP_STOP;
	}
	c->peer_lost = 1;
	if (s->lost[0])
		tx_event(c, st, "connection lost: %s", s->lost);
	else
		tx_event(c, st, "server closed the connection");
	set_expected_observed(c, &st->expect, NULL, r->wire_len ?
			      "a partial reply, then the connection closed"
			      : "the connection closed without a reply");
	if (c->shutdown_line)
		return closed_in_shutdown(c, st, r);
	if (s->idled)
		return closed_when_idle(c, st, r);
	run_fail(c, st, no_reply_level(c), "The server %s the connection %s "
		 "without a 421 or 221 reply%s%s%s. RFC 5321 3.8: \"An SMTP "
		 "server MUST NOT intentionally close the connection under "
		 "normal operational circumstances\" except after 221 to "
		 "QUIT or after a 421 reply.", s->lost[0] ? "reset" :
		 "closed", after,
		 r->wire_len ? " (it sent a partial reply first)" : "",
		 s->lost[0] ? ": " : "", s->lost);
	return STEP_STOP;
}

/* judge_reply - the verdict on one expected reply */
int judge_reply(struct run_ctx *c, const struct sc_step *st,
		struct session *s, enum wait_outcome w, struct sc_reply *r,
		struct sc_error *err)
{
	char after[32];

	if (w != WAIT_REPLY)
		return judge_no_reply(c, st, s, w, r, err);
	tx_reply(c, st, r);
	if (violation_failure(c, st, s, r))
		return STEP_STOP;
	if (!expect_matches(&st->expect, r)) {
		if (r->code == 421)
			return unexpected_421(c, st, s, r);
		if (st->expect.premise)
			return premise_unmet(c, st, r);
		return mismatch(c, st, s, r);
	}
	if (!st->expect.then_closed)
		return STEP_NEXT;
	snprintf(after, sizeof(after), "after its %d reply", r->code);
	return expect_close(c, st, s, c->o->close_timeout_ms, after);
}

/*
 * run_crashed - the managed server crashed while this scenario ran:
 * whatever the steps concluded, the verdict is an ERROR that says how
 * it died and after which command, with the tail of its output.
 */
void run_crashed(struct run_ctx *c)
{
	struct sc_server *srv = c->o->server;
	char what[SC_SERVER_DESCRIBE_MAX], after[200];

	/* A death by a signal may have left a core: name it too. */
	sc_server_check_cores(srv);
	sc_server_describe(srv, what, sizeof(what));
	after_what(c, after, sizeof(after));
	tx_event(c, NULL, "server crashed: %s", what);
	run_error(c, NULL, SC_ERR_PROTOCOL, "server crashed: %s %s", what,
		  after);
	c->res->crashed = 1;
	c->res->fail_line = c->last_cmd_line;
	free(c->res->server_output);
	c->res->server_output = sc_server_output(srv, SC_SERVER_OUTPUT_TAIL,
						 &c->res->server_output_len);
	if (c->res->server_output == NULL)
		c->res->server_output_len = 0;
}

/* expect_close - the server must close now; anything else fails */
int expect_close(struct run_ctx *c, const struct sc_step *st,
		 struct session *s, unsigned timeout_ms, const char *after)
{
	struct sc_reply r;
	struct sc_error err;
	enum wait_outcome w;
	char what[200];
	int next = STEP_STOP;

	if (after != NULL)
		snprintf(what, sizeof(what), "%s", after);
	else
		after_what(c, what, sizeof(what));
	sc_error_clear(&err);
	w = session_wait_close(s, step_deadline(c, timeout_ms), &r, &err);
	if (w == WAIT_EOF) {
		tx_event(c, st, "server closed the connection");
		next = STEP_NEXT;
	} else if (w == WAIT_REPLY || w == WAIT_FLOOD) {
		tx_reply(c, st, &r);
		set_expected_observed(c, NULL, &r, NULL);
		c->res->expected = strdup("the server closes the connection");
		run_fail(c, st, c->s->level, "The server sent more data %s "
			 "instead of closing the connection: %s.", what,
			 c->res->observed);
	} else if (w == WAIT_TIMEOUT) {
		tx_event(c, st, "connection still open after %u ms",
			 timeout_ms);
		set_expected_observed(c, NULL, NULL, "the connection stayed "
				      "open");
		c->res->expected = strdup("the server closes the connection");
		run_fail(c, st, c->s->level, "The server did not close the "
			 "connection %s within %u ms.", what, timeout_ms);
	} else if (err.status == SC_ERR_INTERRUPTED) {
		next = run_interrupted(c, st);
	} else {
		run_error(c, st, err.status, "waiting for the close %s "
			  "failed: %s", what, err.msg);
	}
	sc_reply_free(&r);
	if (next == STEP_NEXT) {
		session_close(s);
		s->closed_line = st->line;
	}
	return next;
}
