/*
 * probe.c - learning the server before the scenarios run.
 *
 * One session reads the greeting, sends EHLO and QUIT, and keeps the
 * banner and the advertised capabilities: when: conditions and
 * ${ehlo.*} variables of every scenario are decided from them, and
 * the reports show them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/runner.h"
#include "session.h"

/*
 * probe_reply - read one reply with the step timeout; when there is
 * no reply, err says why in words (a flood or a cut reply leave no
 * transport error of their own).
 */
static enum wait_outcome probe_reply(struct session *s,
				     const struct sc_run_options *o,
				     struct sc_reply *r, struct sc_error *err)
{
	enum wait_outcome w;

	w = session_read_reply(s, sc_now_ms() + o->step_timeout_ms, r, err);
	if (w == WAIT_FLOOD)
		sc_error_set(err, SC_ERR_LIMIT, "the reply exceeded %u lines "
			     "or %u bytes (smtpconf stopped reading)",
			     (unsigned)SC_REPLY_MAX_LINES,
			     (unsigned)SC_REPLY_MAX_BYTES);
	else if (w == WAIT_TIMEOUT && r->wire_len > 0)
		sc_error_set(err, SC_ERR_TIMEOUT, "only %zu bytes of a reply "
			     "within %u ms", r->wire_len, o->step_timeout_ms);
	else if (w == WAIT_EOF && s->lost[0])
		sc_error_set(err, SC_ERR_EOF, "%s after %zu bytes of a reply",
			     s->lost, r->wire_len);
	else if (w == WAIT_EOF)
		sc_error_set(err, SC_ERR_EOF, "connection closed after %zu "
			     "bytes of a reply", r->wire_len);
	return w;
}

/* probe_fail - record why the server could not be probed */
static int probe_fail(struct sc_server_info *info, const char *what,
		      const struct sc_error *err)
{
	snprintf(info->error, sizeof(info->error), "%s: %.400s", what,
		 err->msg[0] ? err->msg : "connection closed");
	return SC_OK;
}

/* probe_greeting - keep the greeting's code and text */
static int probe_greeting(struct session *s, const struct sc_run_options *o,
			  struct sc_server_info *info, struct sc_error *err)
{
	struct sc_reply r;
	enum wait_outcome w;

	/* Under --tls starttls the greeting came before the handshake. */
	if (s->greeting_pending) {
		r = s->greeting;
		s->greeting_pending = 0;
		memset(&s->greeting, 0, sizeof(s->greeting));
		w = WAIT_REPLY;
	} else {
		w = probe_reply(s, o, &r, err);
	}
	if (w != WAIT_REPLY) {
		sc_reply_free(&r);
		return -1;
	}
	info->greeting_code = r.code;
	info->banner = malloc(r.raw_len + 1);
	if (info->banner != NULL) {
		memcpy(info->banner, r.raw ? r.raw : "", r.raw_len);
		info->banner[r.raw_len] = '\0';
		info->banner_len = r.raw_len;
	}
	sc_reply_free(&r);
	return 0;
}

/* probe_ehlo - send EHLO and parse the capabilities */
static int probe_ehlo(struct session *s, const struct sc_run_options *o,
		      struct sc_server_info *info, struct sc_error *err)
{
	const char *client = sc_vars_get(o->vars, "client");
	struct sc_buf cmd;
	struct sc_reply r;
	enum wait_outcome w;
	int rc;

	sc_buf_init(&cmd, 0);
	sc_buf_printf(&cmd, "EHLO %s\r\n", client ? client : "localhost");
	rc = session_send(s, cmd.data, cmd.len,
			  sc_now_ms() + o->step_timeout_ms, err);
	sc_buf_free(&cmd);
	if (rc != SC_OK)
		return -1;
	w = probe_reply(s, o, &r, err);
	if (w != WAIT_REPLY) {
		sc_reply_free(&r);
		return -1;
	}
	info->ehlo_code = r.code;
	if (r.code == 250)
		sc_ehlo_parse(&r, &info->caps);
	sc_reply_free(&r);
	return 0;
}

/* probe_quit - end politely; the answer does not matter here */
static void probe_quit(struct session *s, const struct sc_run_options *o)
{
	struct sc_reply r;
	struct sc_error err;

	sc_error_clear(&err);
	if (session_send(s, "QUIT\r\n", 6, sc_now_ms() + o->step_timeout_ms,
			 &err) != SC_OK)
		return;
	probe_reply(s, o, &r, &err);
	sc_reply_free(&r);
}

/*
 * probe_starttls - on a plaintext run, learn what TLS the advertised
 * STARTTLS gives (for the reports), then QUIT inside TLS.  A failure
 * is recorded, not judged: the rfc3207 scenarios do the judging.
 */
static void probe_starttls(struct session *s, const struct sc_run_options *o,
			   struct sc_tls_ctx *ctx, struct sc_server_info *info)
{
	struct sc_reply r;
	struct sc_error err;
	long long deadline = sc_now_ms() + o->step_timeout_ms;
	int code;

	sc_error_clear(&err);
	if (session_send(s, "STARTTLS\r\n", 10, deadline, &err) != SC_OK ||
	    probe_reply(s, o, &r, &err) != WAIT_REPLY) {
		snprintf(info->tls_error, sizeof(info->tls_error), "STARTTLS: "
			 "%.400s", err.msg[0] ? err.msg : "no reply");
		return;
	}
	code = r.code;
	sc_reply_free(&r);
	if (code != 220) {
		snprintf(info->tls_error, sizeof(info->tls_error), "STARTTLS "
			 "was answered %d", code);
		return;
	}
	if (session_tls_start(s, ctx, o->host, deadline, &info->tls,
			      &err) != SC_OK) {
		snprintf(info->tls_error, sizeof(info->tls_error), "%.500s",
			 err.msg);
		return;
	}
	probe_quit(s, o);
}

/* probe_session - greeting, EHLO, then STARTTLS (plaintext runs) or QUIT */
static void probe_session(struct session *s, const struct sc_run_options *o,
			  struct sc_tls_ctx *ctx, struct sc_server_info *info,
			  struct sc_error *err)
{
	if (o->tls_mode != SC_TLS_NONE &&
	    session_tls_open(s, o, ctx, sc_now_ms() + o->step_timeout_ms,
			     NULL, &info->tls, err) != SC_OK) {
		snprintf(info->tls_error, sizeof(info->tls_error), "%.500s",
			 err->msg);
		if (s->greeting_pending)
			probe_greeting(s, o, info, err);
		/* Not reachable over the transport the run asked for. */
		info->reachable = 0;
		sc_error_set(err, SC_ERR_TLS, "%s", info->tls_error);
		probe_fail(info, o->tls_mode == SC_TLS_IMPLICIT ?
			   "--tls implicit" : "--tls starttls", err);
		return;
	}
	if (probe_greeting(s, o, info, err) < 0) {
		probe_fail(info, "greeting", err);
		return;
	}
	/* Before any command: EHLO's reply could not be told from what
	 * is waiting. */
	if (s->nsent == 0 && session_pending(s) > 0) {
		sc_error_set(err, SC_ERR_PROTOCOL, "the server sent more data "
			     "after its greeting, before any command");
		probe_fail(info, "greeting", err);
		return;
	}
	if (info->greeting_code != 220)
		return;
	if (probe_ehlo(s, o, info, err) < 0) {
		probe_fail(info, "EHLO", err);
		return;
	}
	if (o->tls_mode == SC_TLS_NONE && ctx != NULL &&
	    sc_caps_find(&info->caps, "STARTTLS") != NULL)
		probe_starttls(s, o, ctx, info);
	else
		probe_quit(s, o);
}

/* sc_probe - greet, EHLO ${client}, QUIT: learn banner and capabilities */
int sc_probe(const struct sc_run_options *o, struct sc_server_info *info,
	     struct sc_error *err)
{
	struct sc_tls_options defaults;
	struct sc_tls_ctx *own = NULL, *ctx = o->tls;
	struct session s;

	memset(info, 0, sizeof(*info));
	info->greeting_code = -1;
	info->ehlo_code = -1;
	info->tls_mode = o->tls_mode;
	memset(&defaults, 0, sizeof(defaults));
	if (ctx == NULL && sc_tls_ctx_new(&defaults, &own, err) == SC_OK)
		ctx = own;
	session_init(&s, "probe");
	if (session_connect(&s, o, sc_now_ms() + o->connect_timeout_ms,
			    err) != SC_OK) {
		sc_tls_ctx_free(own);
		return probe_fail(info, "connect", err);
	}
	info->reachable = 1;
	if (ctx == NULL && o->tls_mode != SC_TLS_NONE) {
		info->reachable = 0;
		probe_fail(info, "TLS", err);
	}
	else
		probe_session(&s, o, ctx, info, err);
	session_close(&s);
	sc_tls_ctx_free(own);
	return SC_OK;
}

/* sc_server_info_free - release the banner */
void sc_server_info_free(struct sc_server_info *info)
{
	free(info->banner);
	info->banner = NULL;
}
