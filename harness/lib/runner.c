/*
 * runner.c - running one scenario against a server.
 *
 * RFC 5321 4.2: "an SMTP client ... MUST determine its actions only by
 * the reply code"; every command generates exactly one reply
 * (4.1.1.2 ... 4.3.2).  The runner walks the scenario's steps through
 * a table of handlers, one per step kind.  The first broken rule
 * decides the verdict and stops the scenario: later mismatches would
 * only be consequences of the first.
 *
 * Besides what the scenario expects, every reply is checked against
 * the reply grammar (RFC 5321 4.2), and a close without 421 or 221
 * is a failure wherever it happens (RFC 5321 3.8).  When smtpconf
 * manages the server (server.c), it is checked before every step and
 * after the scenario: a crash overrides whatever the steps concluded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "smtpconf/runner.h"
#include "smtpconf/server.h"
#include "runner_int.h"

/* step_fn - one handler per step kind; returns STEP_NEXT or STEP_STOP */
typedef int (*step_fn)(struct run_ctx *c, const struct sc_step *st);

static int step_send(struct run_ctx *c, const struct sc_step *st);
static int step_expect(struct run_ctx *c, const struct sc_step *st);
static int step_closed(struct run_ctx *c, const struct sc_step *st);
static int step_close(struct run_ctx *c, const struct sc_step *st);
static int step_session(struct run_ctx *c, const struct sc_step *st);
static int step_sleep(struct run_ctx *c, const struct sc_step *st);
static int step_timeout(struct run_ctx *c, const struct sc_step *st);
static int step_shutdown(struct run_ctx *c, const struct sc_step *st);

/* The step table: indexed by enum sc_step_kind. */
static const struct step_entry {
	const char *name;
	step_fn fn;
} step_table[] = {
	[SC_STEP_SEND] = { "send", step_send },
	[SC_STEP_EXPECT] = { "expect", step_expect },
	[SC_STEP_CLOSED] = { "closed", step_closed },
	[SC_STEP_CLOSE] = { "close", step_close },
	[SC_STEP_SESSION] = { "session", step_session },
	[SC_STEP_SLEEP] = { "sleep", step_sleep },
	[SC_STEP_TIMEOUT] = { "timeout", step_timeout },
	[SC_STEP_STARTTLS] = { "starttls", step_starttls },
	[SC_STEP_SHUTDOWN] = { "shutdown", step_shutdown },
	[SC_STEP_IDLE] = { "idle", step_idle },
};

/* sc_run_options_init - defaults from limits.h, TCP connect */
void sc_run_options_init(struct sc_run_options *o, const struct sc_vars *vars)
{
	memset(o, 0, sizeof(*o));
	strncpy(o->host, "127.0.0.1", sizeof(o->host) - 1);
	strncpy(o->port, "25", sizeof(o->port) - 1);
	o->connect_timeout_ms = SC_DEFAULT_CONNECT_TIMEOUT_MS;
	o->step_timeout_ms = SC_DEFAULT_STEP_TIMEOUT_MS;
	o->scenario_timeout_ms = SC_DEFAULT_SCENARIO_TIMEOUT_MS;
	o->close_timeout_ms = SC_DEFAULT_CLOSE_TIMEOUT_MS;
	o->vars = vars;
}

/* step_deadline - now + step timeout, never past the scenario's deadline */
long long step_deadline(const struct run_ctx *c, unsigned ms)
{
	long long d = sc_now_ms() + ms;

	return d < c->deadline ? d : c->deadline;
}

/* current_session - the session steps act on, connecting it on first use */
struct session *current_session(struct run_ctx *c, const struct sc_step *st)
{
	struct session *s = c->cur;
	struct sc_error err;
	long long deadline;

	if (s->state == SESSION_CLOSED) {
		run_error(c, st, SC_ERR_USAGE, "session '%s' was closed at "
			  "line %u and cannot be used again", s->name,
			  s->closed_line);
		return NULL;
	}
	if (s->state != SESSION_NEW)
		return s;
	sc_error_clear(&err);
	deadline = step_deadline(c, c->o->connect_timeout_ms);
	if (session_connect(s, c->o, deadline, &err) != SC_OK) {
		c->res->unreachable = err.status == SC_ERR_CONNECT ||
				      err.status == SC_ERR_TIMEOUT;
		c->peer_lost = 1;
		tx_event(c, st, "connect failed: %s", err.msg);
		run_error(c, st, err.status, "cannot open session '%s': %s",
			  s->name, err.msg);
		return NULL;
	}
	tx_event(c, st, "connected to %s", s->t.peer);
	if (open_session_tls(c, st, s) != STEP_NEXT)
		return NULL;
	return s;
}

/*
 * The variables whose values are secrets: the test password and every
 * form that carries it.  What the transcript and the reports show of a
 * send has them replaced; only the wire (and a --pcap capture) has
 * them.
 */
static const char *const secret_vars[] = {
	"auth_pass", "auth_plain", "auth_plain_wrong", "auth_pass_b64",
};

#define NSECRETS (sizeof(secret_vars) / sizeof(secret_vars[0]))

/* The secret values of this run that are set, looked up once per send. */
struct secrets {
	const char *value[NSECRETS];
	size_t len[NSECRETS];
	size_t count;
};

/* secrets_find - the secret variables that have a value */
static void secrets_find(const struct sc_vars *vars, struct secrets *sec)
{
	const char *v;
	size_t i;

	sec->count = 0;
	for (i = 0; i < NSECRETS; i++) {
		v = sc_vars_get(vars, secret_vars[i]);
		if (v == NULL || *v == '\0')
			continue;
		sec->value[sec->count] = v;
		sec->len[sec->count++] = strlen(v);
	}
}

/* secret_at - the length of a secret value that starts at p, or 0 */
static size_t secret_at(const struct secrets *sec, const char *p,
			size_t left)
{
	size_t i;

	for (i = 0; i < sec->count; i++)
		if (sec->len[i] <= left &&
		    memcmp(p, sec->value[i], sec->len[i]) == 0)
			return sec->len[i];
	return 0;
}

/*
 * redact - bytes as the reports may show them: secrets as <secret>.
 * When in is only the head of a longer send (cut), a secret may start
 * in its last bytes and go on past them: the output stops early
 * enough that such a secret is never shown in part.
 */
static void redact(const struct sc_vars *vars, const char *in, size_t len,
		   int cut, struct sc_buf *out)
{
	struct secrets sec;
	size_t i, start = 0, n, longest = 0, shown = len;

	secrets_find(vars, &sec);
	for (i = 0; i < sec.count; i++)
		if (sec.len[i] > longest)
			longest = sec.len[i];
	if (cut && longest > 0)
		shown = len >= longest ? len - (longest - 1) : 0;
	for (i = 0; sec.count > 0 && i < shown;) {
		n = secret_at(&sec, in + i, len - i);
		if (n == 0) {
			i++;
			continue;
		}
		sc_buf_append(out, in + start, i - start);
		sc_buf_puts(out, "<secret>");
		i += n;
		start = i;
	}
	if (start < shown)
		sc_buf_append(out, in + start, shown - start);
}

/*
 * before_send - what the server sent while no reply was owed.  After
 * the greeting, before the first command, any reply is unsolicited:
 * the scenario stops there (a 421 is kept for the next expectation,
 * since RFC 5321 3.8 allows it at any time).  Later, the bytes are
 * only counted, so a mismatch can say that the reply it judged may
 * belong to an earlier command; the verdict itself never rests on
 * how the server's bytes were timed.
 */
static int before_send(struct run_ctx *c, const struct sc_step *st,
		       struct session *s)
{
	struct sc_reply r;
	struct sc_error err;
	enum wait_outcome w;
	int next;

	s->early_bytes = 0;
	if (s->owed || s->nreplies == 0)
		return STEP_NEXT;
	s->early_bytes = session_pending(s);
	if (s->early_bytes == 0 || s->nsent > 0)
		return STEP_NEXT;
	sc_error_clear(&err);
	w = session_read_reply(s, step_deadline(c, c->step_timeout_ms), &r,
			       &err);
	if (w == WAIT_REPLY && r.code == 421) {
		session_hold(s, &r);
		return STEP_NEXT;
	}
	next = judge_unsolicited(c, st, w, &r, &err);
	sc_reply_free(&r);
	return next;
}

/*
 * Bytes of a send's head, the part the transcript and messages show:
 * what a transcript entry keeps, and room for a secret that starts
 * inside that and ends past it (redact cuts such a secret off).
 */
#define SEND_HEAD_BYTES	(SC_TRANSCRIPT_ENTRY_KEEP + SC_VAR_VALUE_MAX)

/* show_send - the transcript entry and the last-command text of a send */
static void show_send(struct run_ctx *c, const struct sc_step *st,
		      const struct sc_expansion *x)
{
	struct sc_buf head, shown;
	struct sc_error err;

	sc_buf_init(&head, SEND_HEAD_BYTES);
	sc_buf_init(&shown, 2 * SEND_HEAD_BYTES);
	sc_error_clear(&err);
	if (sc_expansion_copy(x, SEND_HEAD_BYTES, &head, &err) == SC_OK)
		redact(c->o->vars, sc_buf_cstr(&head), head.len,
		       head.len < x->total, &shown);
	tx_add(c, SC_TX_SEND, st, sc_buf_cstr(&shown), shown.len, x->total);
	remember_command(c, st, sc_buf_cstr(&shown), shown.len);
	sc_buf_free(&shown);
	sc_buf_free(&head);
}

/* Where the blocks of a send go. */
struct send_sink {
	struct session *s;
	long long deadline_ms;
};

/* send_block - sc_emit_fn: one block of a send, onto the wire */
static int send_block(void *ctx, const char *bytes, size_t len,
		      struct sc_error *err)
{
	struct send_sink *k = ctx;

	session_note_block(k->s, bytes, len);
	return session_send(k->s, bytes, len, k->deadline_ms, err);
}

/*
 * step_send - expand the template and write it: in one write, unless
 * it is longer than SC_SEND_BLOCK_BYTES (a big DATA body), which goes
 * out a block at a time and is never held in memory whole.
 */
static int step_send(struct run_ctx *c, const struct sc_step *st)
{
	struct session *s = current_session(c, st);
	struct sc_expansion x;
	struct send_sink sink;
	struct sc_error err;
	int rc;

	if (s == NULL || before_send(c, st, s) == STEP_STOP)
		return STEP_STOP;
	sc_error_clear(&err);
	if (sc_template_prepare(&st->send, c->o->vars, c->caps, &x,
				&err) != SC_OK) {
		run_error(c, st, err.status, "line %u: %s", st->line,
			  err.msg);
		sc_expansion_free(&x);
		return STEP_STOP;
	}
	show_send(c, st, &x);
	s->idled = 0;
	sink.s = s;
	sink.deadline_ms = step_deadline(c, c->step_timeout_ms);
	session_note_begin(s);
	rc = x.total == 0 ? session_send(s, "", 0, sink.deadline_ms, &err)
			  : sc_expansion_emit(&x, SC_SEND_BLOCK_BYTES,
					      SIZE_MAX, send_block, &sink,
					      &err);
	session_note_end(s);
	sc_expansion_free(&x);
	if (rc == SC_OK)
		return STEP_NEXT;
	if (rc == SC_ERR_INTERRUPTED)
		return run_interrupted(c, st);
	/* The server may have replied (421) before it closed: the next
	 * expectation reads what arrived and judges; the write failure
	 * itself is only recorded. */
	tx_event(c, st, "write failed: %s", err.msg);
	return STEP_NEXT;
}

/* step_expect - read one reply and judge it */
static int step_expect(struct run_ctx *c, const struct sc_step *st)
{
	struct session *s = current_session(c, st);
	struct sc_reply r;
	struct sc_error err;
	enum wait_outcome w;
	int next;

	if (s == NULL)
		return STEP_STOP;
	if (s->greeting_pending)
		return take_pending_greeting(c, st, s);
	sc_error_clear(&err);
	w = session_read_reply(s, step_deadline(c, c->step_timeout_ms), &r,
			       &err);
	next = judge_reply(c, st, s, w, &r, &err);
	sc_reply_free(&r);
	return next;
}

/* step_closed - the server must close the connection now */
static int step_closed(struct run_ctx *c, const struct sc_step *st)
{
	struct session *s = current_session(c, st);

	if (s == NULL)
		return STEP_STOP;
	return expect_close(c, st, s, c->step_timeout_ms, NULL);
}

/* step_close - close our side */
static int step_close(struct run_ctx *c, const struct sc_step *st)
{
	struct session *s = c->cur;

	if (s->state == SESSION_OPEN || s->state == SESSION_PEER_CLOSED)
		tx_event(c, st, "client closed the connection");
	session_close(s);
	s->closed_line = st->line;
	return STEP_NEXT;
}

/* step_session - switch to a named session (created on first use) */
static int step_session(struct run_ctx *c, const struct sc_step *st)
{
	size_t i;

	for (i = 0; i < c->nsessions; i++)
		if (strcmp(c->sessions[i].name, st->session) == 0) {
			c->cur = &c->sessions[i];
			return STEP_NEXT;
		}
	if (c->nsessions >= SC_SCENARIO_MAX_SESSIONS) {
		run_error(c, st, SC_ERR_LIMIT, "too many sessions");
		return STEP_STOP;
	}
	session_init(&c->sessions[c->nsessions], st->session);
	c->cur = &c->sessions[c->nsessions++];
	return STEP_NEXT;
}

/* step_sleep - pause, in short slices so Ctrl-C stays responsive */
static int step_sleep(struct run_ctx *c, const struct sc_step *st)
{
	struct timespec ts;
	long long until, left;
	unsigned ms;

	if (step_duration(c, st, &ms) != SC_OK)
		return STEP_STOP;
	until = step_deadline(c, ms);

	while ((left = until - sc_now_ms()) > 0) {
		if (c->o->interrupted && *c->o->interrupted)
			return run_interrupted(c, st);
		if (left > 100)
			left = 100;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
	return STEP_NEXT;
}

/* step_timeout - change the per-step deadline for the steps that follow */
static int step_timeout(struct run_ctx *c, const struct sc_step *st)
{
	return step_duration(c, st, &c->step_timeout_ms) == SC_OK ?
	       STEP_NEXT : STEP_STOP;
}

/*
 * step_shutdown - ask the managed server to shut down (the stop
 * signal or the --stop command) and go on at once: the sessions stay
 * open, so the steps that follow can expect the 421 that RFC 5321
 * 3.8 asks of a server that is shutting down.
 */
static int step_shutdown(struct run_ctx *c, const struct sc_step *st)
{
	struct sc_server *srv = c->o->server;
	struct sc_error err;

	if (srv == NULL) {
		run_error(c, st, SC_ERR_UNSUPPORTED, "line %u: shutdown needs "
			  "--spawn or --stop", st->line);
		return STEP_STOP;
	}
	sc_error_clear(&err);
	if (sc_server_stop_begin(srv, &err) != SC_OK) {
		run_error(c, st, err.status, "line %u: cannot shut the "
			  "server down: %s", st->line, err.msg);
		return STEP_STOP;
	}
	if (srv->stop[0] != '\0')
		tx_event(c, st, "shutdown: ran the stop command");
	else
		tx_event(c, st, "shutdown: sent %s to process group %ld",
			 sc_signal_name(srv->o.stop_signal), (long)srv->pid);
	snprintf(c->last_cmd, sizeof(c->last_cmd), "shutdown");
	c->last_cmd_line = st->line;
	c->shutdown_line = st->line;
	return STEP_NEXT;
}

/*
 * server_crashed - has the managed server crashed?  After a session
 * lost the server, its death may not be reaped yet: wait a little.
 * With cores, new core files count too (looked for once a scenario).
 */
static int server_crashed(struct run_ctx *c, unsigned settle_ms, int cores)
{
	struct sc_server *srv = c->o->server;

	if (settle_ms)
		sc_server_settle(srv, settle_ms);
	else
		sc_server_poll(srv);
	/* A session process may have died alone: only its core says so. */
	if (cores)
		sc_server_check_cores(srv);
	if (!sc_server_crashed(srv))
		return 0;
	run_crashed(c);
	return 1;
}

/* has_shutdown - 1 when the scenario shuts the server down */
static int has_shutdown(const struct sc_scenario *s)
{
	size_t i;

	for (i = 0; i < s->nsteps; i++)
		if (s->steps[i].kind == SC_STEP_SHUTDOWN)
			return 1;
	return 0;
}

/* run_steps - walk the steps until one stops the scenario */
static void run_steps(struct run_ctx *c)
{
	const struct sc_step *st;
	size_t i;

	for (i = 0; i < c->s->nsteps; i++) {
		st = &c->s->steps[i];
		if (c->o->interrupted && *c->o->interrupted) {
			run_interrupted(c, st);
			return;
		}
		if (c->o->server != NULL && server_crashed(c, 0, 0))
			return;
		if (sc_now_ms() >= c->deadline) {
			run_fail(c, st, c->s->level, "the scenario ran out of "
				 "time (%u ms) before line %u",
				 c->scenario_timeout_ms, st->line);
			return;
		}
		/* After on-421: end-session, the ended session's steps are
		 * skipped up to the next switch to another session. */
		if (c->cur->ended_by_421 && st->kind != SC_STEP_SESSION)
			continue;
		if (step_table[st->kind].fn(c, st) == STEP_STOP)
			return;
	}
	c->res->verdict = SC_VERDICT_PASS;
}

/*
 * ctx_init - set up the context for one scenario; c comes zeroed from
 * calloc (it is a megabyte: zeroing it twice was a measurable part of
 * the harness's CPU per dialogue)
 */
static void ctx_init(struct run_ctx *c, const struct sc_scenario *s,
		     const struct sc_run_options *o,
		     const struct sc_capabilities *caps, struct sc_result *res)
{
	c->s = s;
	c->o = o;
	c->caps = caps;
	c->res = res;
	c->t0 = sc_now_ms();
	c->scenario_timeout_ms = s->timeout_ms ? s->timeout_ms
				 : o->scenario_timeout_ms;
	c->deadline = c->t0 + c->scenario_timeout_ms;
	c->step_timeout_ms = s->step_timeout_ms ? s->step_timeout_ms
			     : o->step_timeout_ms;
	session_init(&c->sessions[0], "main");
	c->nsessions = 1;
	c->cur = &c->sessions[0];
	/* What the server printed before belongs to earlier scenarios. */
	if (o->server != NULL) {
		sc_server_poll(o->server);
		c->out_mark = sc_server_output_total(o->server);
	}
}

/*
 * attach_output - what the managed server printed while this scenario
 * ran, clipped to its last SC_SERVER_OUTPUT_TAIL bytes.  A crash has
 * already attached the tail of everything, which may start earlier.
 */
static void attach_output(struct run_ctx *c)
{
	struct sc_server *srv = c->o->server;
	struct sc_result *res = c->res;

	if (srv == NULL || res->server_output != NULL)
		return;
	sc_server_poll(srv);
	res->server_output = sc_server_output_since(srv, c->out_mark,
						    SC_SERVER_OUTPUT_TAIL,
						    &res->server_output_len);
	if (res->server_output != NULL && res->server_output_len == 0) {
		free(res->server_output);
		res->server_output = NULL;
	}
	if (res->server_output == NULL)
		res->server_output_len = 0;
}

/* sc_run_scenario - run one scenario; see runner.h */
int sc_run_scenario(const struct sc_scenario *s, const struct sc_run_options *o,
		    const struct sc_capabilities *caps, struct sc_result *res)
{
	struct run_ctx *c;
	char why[512];
	size_t i;

	memset(res, 0, sizeof(*res));
	res->scenario = s;
	res->verdict = SC_VERDICT_ERROR;
	if (s->slow && !o->slow) {
		res->verdict = SC_VERDICT_SKIP;
		res->reason = strdup("takes minutes (it waits for the "
				     "server's timeout): run with --slow");
		return SC_OK;
	}
	if (o->server == NULL && has_shutdown(s)) {
		res->verdict = SC_VERDICT_SKIP;
		res->reason = strdup("needs --spawn or --stop (it shuts the "
				     "server down)");
		return SC_OK;
	}
	if (!sc_conds_hold_vars(s, caps, o->vars, why, sizeof(why))) {
		res->verdict = SC_VERDICT_SKIP;
		res->reason = strdup(why);
		return SC_OK;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return SC_ERR_NOMEM;
	ctx_init(c, s, o, caps, res);
	run_steps(c);
	if (o->server != NULL && !c->res->crashed)
		server_crashed(c, c->peer_lost ? SC_SERVER_SETTLE_MS : 0, 1);
	for (i = 0; i < c->nsessions; i++)
		session_close(&c->sessions[i]);
	attach_output(c);
	run_tls_free(c);
	res->duration_ms = sc_now_ms() - c->t0;
	free(c);
	return SC_OK;
}
