/*
 * runner_tls.c - the `starttls` step and `--tls` at connect.
 *
 * RFC 3207 4: the server answers STARTTLS with "220 Ready to start
 * TLS", and "After receiving a 220 response to a STARTTLS command, the
 * client MUST start the TLS negotiation".  A server that said 220 has
 * promised a handshake: when it then cannot complete one (garbage, a
 * close or reset mid-handshake, an alert, silence), the advertised
 * STARTTLS does not work, and that is a MUST failure, with OpenSSL's
 * reason.  With --tls-verify, a certificate that does not verify is a
 * security-level failure.  Only local trouble (no memory, no TLS
 * context) is an ERROR.  Under --tls implicit or starttls, a session
 * that cannot enter TLS cannot run its scenario at all: an ERROR.
 */
#include <stdio.h>
#include <string.h>
#include "runner_int.h"

/* The transcript hook's context: the run and the step being run. */
struct log_ctx {
	struct run_ctx *c;
	const struct sc_step *st;
};

/* tls_ctx - the run's TLS settings, or defaults made on first use */
static struct sc_tls_ctx *tls_ctx(struct run_ctx *c, struct sc_error *err)
{
	struct sc_tls_options def;

	if (c->o->tls != NULL)
		return c->o->tls;
	if (c->own_tls == NULL) {
		memset(&def, 0, sizeof(def));
		if (sc_tls_ctx_new(&def, &c->own_tls, err) != SC_OK)
			return NULL;
	}
	return c->own_tls;
}

/* run_tls_free - release the default TLS settings, if made */
void run_tls_free(struct run_ctx *c)
{
	sc_tls_ctx_free(c->own_tls);
	c->own_tls = NULL;
}

/* tls_established - transcript line and result record of a handshake */
static void tls_established(struct run_ctx *c, const struct sc_step *st,
			    struct session *s, const struct sc_tls_info *in,
			    unsigned line)
{
	tx_event(c, st, "TLS established: %s, %s; certificate: %s%s%s%s; "
		 "verification: %s", in->protocol, in->cipher,
		 in->have_cert ? "subject " : "none",
		 in->have_cert ? in->subject : "",
		 in->have_cert ? ", issuer " : "",
		 in->have_cert ? in->issuer : "", in->verify);
	sc_result_add_tls(c->res, s->name, line, in);
}

/* preamble_log - the --tls starttls exchange goes into the transcript */
static void preamble_log(void *ctx, int is_send, const char *bytes,
			 size_t len, size_t wire_len)
{
	struct log_ctx *l = ctx;

	tx_add(l->c, is_send ? SC_TX_SEND : SC_TX_REPLY, l->st, bytes, len,
	       wire_len);
}

/* sc_tls_mode_name - "none", "starttls", "implicit" */
const char *sc_tls_mode_name(enum sc_tls_mode m)
{
	return m == SC_TLS_IMPLICIT ? "implicit" : m == SC_TLS_STARTTLS
	       ? "starttls" : "none";
}

/* open_session_tls - after connect: nothing, implicit TLS or the preamble */
int open_session_tls(struct run_ctx *c, const struct sc_step *st,
		     struct session *s)
{
	struct log_ctx lc = { c, st };
	struct session_log log = { preamble_log, &lc };
	struct sc_tls_ctx *ctx;
	struct sc_tls_info info;
	struct sc_error err;
	int rc;

	if (c->o->tls_mode == SC_TLS_NONE)
		return STEP_NEXT;
	sc_error_clear(&err);
	ctx = tls_ctx(c, &err);
	if (ctx == NULL)
		rc = (int)err.status;
	else
		rc = session_tls_open(s, c->o, ctx, step_deadline(c,
				      c->step_timeout_ms), &log, &info, &err);
	if (rc == SC_OK) {
		tls_established(c, st, s, &info, 0);
		return STEP_NEXT;
	}
	if (rc == SC_ERR_INTERRUPTED)
		return run_interrupted(c, st);
	tx_event(c, st, "%s", err.msg);
	/* The server cannot be reached over the transport asked for. */
	c->res->unreachable = rc != SC_ERR_NOMEM;
	run_error(c, st, rc, "cannot open session '%s' with --tls %s: %s",
		  s->name, sc_tls_mode_name(c->o->tls_mode), err.msg);
	session_close(s);
	s->closed_line = st->line;
	return STEP_STOP;
}

/* take_pending_greeting - judge the greeting read before STARTTLS */
int take_pending_greeting(struct run_ctx *c, const struct sc_step *st,
			  struct session *s)
{
	struct sc_reply r = s->greeting;
	struct sc_error err;
	int next;

	s->greeting_pending = 0;
	memset(&s->greeting, 0, sizeof(s->greeting));
	sc_error_clear(&err);
	tx_event(c, st, "the greeting read before STARTTLS (--tls "
		 "starttls), judged as this session's first reply");
	next = judge_reply(c, st, s, WAIT_REPLY, &r, &err);
	sc_reply_free(&r);
	return next;
}

/* step_starttls - TLS handshake on the current session */
int step_starttls(struct run_ctx *c, const struct sc_step *st)
{
	struct session *s = current_session(c, st);
	struct sc_tls_ctx *ctx;
	struct sc_tls_info info;
	struct sc_error err;
	enum sc_level level = SC_LEVEL_MUST;
	int rc;

	if (s == NULL)
		return STEP_STOP;
	sc_error_clear(&err);
	if (sc_tls_active(&s->t)) {
		run_error(c, st, SC_ERR_USAGE, "line %u: session '%s' is "
			  "already inside TLS (RFC 3207 4.2: a client MUST "
			  "NOT start TLS twice)", st->line, s->name);
		return STEP_STOP;
	}
	ctx = tls_ctx(c, &err);
	if (ctx == NULL) {
		run_error(c, st, err.status, "line %u: %s", st->line, err.msg);
		return STEP_STOP;
	}
	tx_event(c, st, "TLS handshake");
	rc = session_tls_start(s, ctx, c->o->host, step_deadline(c,
			       c->step_timeout_ms), &info, &err);
	if (rc == SC_OK) {
		tls_established(c, st, s, &info, st->line);
		return STEP_NEXT;
	}
	if (rc == SC_ERR_INTERRUPTED)
		return run_interrupted(c, st);
	if (rc == SC_ERR_NOMEM || rc == SC_ERR_USAGE) {
		run_error(c, st, rc, "line %u: %s", st->line, err.msg);
		return STEP_STOP;
	}
	tx_event(c, st, "TLS handshake failed: %s", err.msg);
	if (strstr(err.msg, "certificate verify failed") != NULL)
		level = SC_LEVEL_SECURITY;
	run_fail(c, st, level, "the server answered STARTTLS with 220, "
		 "which promises a TLS handshake (RFC 3207 4), but the "
		 "handshake failed: %s", err.msg);
	return STEP_STOP;
}
