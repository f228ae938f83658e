/*
 * runner_idle.c - leaving a session idle, and durations from variables.
 *
 * RFC 5321 4.5.3.2.7: "An SMTP server SHOULD have a timeout of at
 * least 5 minutes while it is awaiting the next command from the
 * sender."  3.8 lets it close "after a timeout ... occurs waiting for
 * the client to send a command or data", and 421 is the reply that
 * says the service is closing the channel (4.2.2, 4.2.3).  The `idle`
 * step sends nothing for its duration: anything the server does in
 * that time (a reply, a 421, a close) comes before the bound and fails
 * at the scenario's level.  After it, the session is marked idle until
 * the next send, so the judge reads a close or a silence there as the
 * server's timeout (or its absence), not as a hang or a broken rule
 * of normal operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/escape.h"
#include "runner_int.h"

/* step_duration - the step's duration, from its variables if it has any */
int step_duration(struct run_ctx *c, const struct sc_step *st, unsigned *ms)
{
	struct sc_buf b;
	struct sc_error err;
	char show[80];
	int rc;

	*ms = st->ms;
	if (st->send.npieces == 0)
		return SC_OK;
	sc_buf_init(&b, SC_VAR_VALUE_MAX);
	sc_error_clear(&err);
	rc = sc_template_expand(&st->send, c->o->vars, c->caps, &b, &err);
	if (rc == SC_OK &&
	    sc_duration_parse(sc_buf_cstr(&b), b.len, ms) != SC_OK) {
		snprintf(show, sizeof(show), "%.60s", sc_buf_cstr(&b));
		rc = sc_error_set(&err, SC_ERR_USAGE, "'%s' is not a "
				  "duration like 300s (1 ms to 1 hour)", show);
	}
	sc_buf_free(&b);
	if (rc != SC_OK)
		run_error(c, st, rc, "line %u: %s", st->line, err.msg);
	return rc;
}

/* idle_broken - the server did something before the idle time was up */
static int idle_broken(struct run_ctx *c, const struct sc_step *st,
		       struct session *s, enum wait_outcome w,
		       const struct sc_reply *r, long long after_ms,
		       unsigned ms)
{
	struct sc_buf what;

	sc_buf_init(&what, 0);
	if (r->wire_len > 0) {
		sc_buf_puts(&what, "sent \"");
		sc_escape_display(&what, r->raw ? r->raw : "", r->raw_len,
				  120);
		sc_buf_puts(&what, w == WAIT_EOF ? "\" and closed the "
			    "connection" : "\"");
	} else {
		sc_buf_puts(&what, "closed the connection without a reply");
	}
	free(c->res->expected);
	free(c->res->observed);
	c->res->expected = strdup("nothing: the session stays open and "
				  "silent");
	c->res->observed = strdup(sc_buf_cstr(&what));
	if (w == WAIT_EOF)
		tx_event(c, st, "server closed the connection");
	run_fail(c, st, c->s->level, "The server did not wait for the idle "
		 "client: %lld ms into the %u ms idle time (line %u) it %s.",
		 after_ms, ms, st->line, sc_buf_cstr(&what));
	sc_buf_free(&what);
	if (w == WAIT_EOF) {
		session_close(s);
		s->closed_line = st->line;
	}
	return STEP_STOP;
}

/* step_idle - send nothing for the duration; the server must do nothing */
int step_idle(struct run_ctx *c, const struct sc_step *st)
{
	struct session *s = current_session(c, st);
	long long t0 = sc_now_ms();
	struct sc_reply r;
	struct sc_error err;
	enum wait_outcome w;
	unsigned ms;
	int next;

	if (s == NULL || step_duration(c, st, &ms) != SC_OK)
		return STEP_STOP;
	tx_event(c, st, "idle for %u ms: smtpconf sends nothing", ms);
	sc_error_clear(&err);
	w = session_read_reply(s, step_deadline(c, ms), &r, &err);
	if (w == WAIT_TIMEOUT && r.wire_len == 0 &&
	    sc_now_ms() - t0 >= (long long)ms) {
		tx_event(c, st, "the server sent nothing and kept the session "
			 "open");
		s->idled = 1;
		next = STEP_NEXT;
	} else if (w == WAIT_TIMEOUT && r.wire_len == 0) {
		/* The scenario's own deadline cut the idle time short. */
		run_fail(c, st, c->s->level, "the scenario ran out of time "
			 "(%u ms) during the %u ms idle time at line %u",
			 c->scenario_timeout_ms, ms, st->line);
		next = STEP_STOP;
	} else if (w == WAIT_ERROR && err.status == SC_ERR_INTERRUPTED) {
		next = run_interrupted(c, st);
	} else if (w == WAIT_ERROR) {
		run_error(c, st, err.status, "reading while idle failed: %s",
			  err.msg);
		next = STEP_STOP;
	} else {
		if (r.wire_len > 0)
			tx_add(c, SC_TX_REPLY, st, r.raw ? r.raw : "",
			       r.raw_len, r.wire_len);
		next = idle_broken(c, st, s, w, &r, sc_now_ms() - t0, ms);
	}
	sc_reply_free(&r);
	return next;
}
