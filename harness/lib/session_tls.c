/*
 * session_tls.c - TLS on a session: the handshake after STARTTLS
 * (RFC 3207 4), implicit TLS at connect (RFC 8314 3.3), and the
 * STARTTLS preamble `--tls starttls` runs before every scenario.
 *
 * RFC 3207 4.2: "Upon completion of the TLS handshake, the SMTP
 * protocol is reset to the initial state (the state in SMTP after a
 * server issues a 220 service ready greeting)."  So under --tls
 * starttls the scenario starts right after the handshake, in that
 * initial state; the greeting the server sent before STARTTLS is kept
 * and handed to the scenario as the session's first reply, so the
 * scenario's own `S: 220` and `C: EHLO` lines run unchanged (the EHLO
 * then goes inside TLS, as 4.2 asks).
 */
#include <stdio.h>
#include <string.h>
#include "smtpconf/ehlo.h"
#include "smtpconf/vars.h"
#include "session.h"

/* session_tls_start - handshake on the open session; see session.h */
int session_tls_start(struct session *s, struct sc_tls_ctx *ctx,
		      const char *host, long long deadline_ms,
		      struct sc_tls_info *info, struct sc_error *err)
{
	size_t extra = s->inlen - s->inpos;
	int rc;

	if (s->state != SESSION_OPEN && s->state != SESSION_PEER_CLOSED)
		return sc_error_set(err, SC_ERR_EOF, "connection is closed");
	if (sc_tls_active(&s->t))
		return sc_error_set(err, SC_ERR_USAGE, "the session is "
				    "already inside TLS");
	/* Bytes read past the 220 were meant for the plaintext layer; the
	 * handshake must start from a clean stream. */
	if (extra > 0)
		return sc_error_set(err, SC_ERR_PROTOCOL, "the server sent "
				    "%zu bytes after its 220 reply, before "
				    "the TLS handshake", extra);
	rc = sc_tls_start(ctx, &s->t, host, deadline_ms, info, err);
	if (rc == SC_OK) {
		sc_reply_parser_free(&s->parser);
		sc_reply_parser_init(&s->parser);
	}
	return rc;
}

/* log_bytes - hand an exchange to the transcript hook, if any */
static void log_bytes(const struct session_log *log, int is_send,
		      const char *bytes, size_t len, size_t wire_len)
{
	if (log != NULL && log->fn != NULL)
		log->fn(log->ctx, is_send, bytes, len, wire_len);
}

/* log_reply - a reply as it stood on the wire, CRLF after each line */
static void log_reply(const struct session_log *log, const struct sc_reply *r)
{
	struct sc_buf b;
	size_t i;

	if (log == NULL || log->fn == NULL)
		return;
	sc_buf_init(&b, SC_TRANSCRIPT_ENTRY_KEEP + 16);
	for (i = 0; i < r->nlines; i++) {
		sc_buf_append(&b, r->raw + r->lines[i].off, r->lines[i].len);
		sc_buf_puts(&b, "\r\n");
	}
	log->fn(log->ctx, 0, sc_buf_cstr(&b), b.len, r->wire_len);
	sc_buf_free(&b);
}

/* preamble_reply - read one reply; SC_OK only for a complete one */
static int preamble_reply(struct session *s, long long deadline_ms,
			  const char *what, struct sc_reply *r,
			  struct sc_error *err)
{
	enum wait_outcome w = session_read_reply(s, deadline_ms, r, err);

	if (w == WAIT_REPLY)
		return SC_OK;
	if (w == WAIT_EOF)
		return sc_error_set(err, SC_ERR_EOF, "--tls starttls: the "
				    "server closed the connection instead of "
				    "answering %s", what);
	if (w == WAIT_FLOOD)
		return sc_error_set(err, SC_ERR_LIMIT, "--tls starttls: the "
				    "reply to %s broke our bounds", what);
	if (err->status == SC_OK)
		sc_error_set(err, SC_ERR_PROTOCOL, "no reply");
	return sc_error_set(err, err->status, "--tls starttls: no reply to "
			    "%s: %s", what, err->msg);
}

/* preamble_command - send one command and read its reply */
static int preamble_command(struct session *s, const char *cmd,
			    long long deadline_ms,
			    const struct session_log *log, struct sc_reply *r,
			    struct sc_error *err)
{
	size_t len = strlen(cmd);

	log_bytes(log, 1, cmd, len, len);
	if (session_send(s, cmd, len, deadline_ms, err) != SC_OK)
		return err->status;
	if (preamble_reply(s, deadline_ms, cmd, r, err) != SC_OK)
		return err->status;
	log_reply(log, r);
	return SC_OK;
}

/* preamble_ehlo - EHLO must be 250 and advertise STARTTLS */
static int preamble_ehlo(struct session *s, const struct sc_run_options *o,
			 long long deadline_ms, const struct session_log *log,
			 struct sc_error *err)
{
	const char *client = o->vars ? sc_vars_get(o->vars, "client") : NULL;
	struct sc_capabilities caps;
	struct sc_reply r;
	char cmd[SC_VAR_VALUE_MAX + 16];
	int ok;

	snprintf(cmd, sizeof(cmd), "EHLO %s\r\n", client ? client
		 : "localhost");
	if (preamble_command(s, cmd, deadline_ms, log, &r, err) != SC_OK) {
		sc_reply_free(&r);
		return err->status;
	}
	memset(&caps, 0, sizeof(caps));
	ok = r.code == 250 && sc_ehlo_parse(&r, &caps) == SC_OK &&
	     sc_caps_find(&caps, "STARTTLS") != NULL;
	sc_reply_free(&r);
	if (ok)
		return SC_OK;
	return sc_error_set(err, SC_ERR_UNSUPPORTED, "--tls starttls: the "
			    "server does not advertise STARTTLS in its EHLO "
			    "reply");
}

/* session_starttls_preamble - greeting, EHLO, STARTTLS, handshake */
int session_starttls_preamble(struct session *s,
			      const struct sc_run_options *o,
			      struct sc_tls_ctx *ctx, long long deadline_ms,
			      const struct session_log *log,
			      struct sc_tls_info *info, struct sc_error *err)
{
	struct sc_reply r;
	int code;

	if (preamble_reply(s, deadline_ms, "the connection (greeting)", &r,
			   err) != SC_OK) {
		sc_reply_free(&r);
		return err->status;
	}
	code = r.code;
	log_reply(log, &r);	/* in wire order; judged later, see above */
	s->greeting = r;
	s->greeting_pending = 1;
	if (code != 220)
		return sc_error_set(err, SC_ERR_PROTOCOL, "--tls starttls: "
				    "the greeting is %d, not 220", code);
	if (preamble_ehlo(s, o, deadline_ms, log, err) != SC_OK)
		return err->status;
	if (preamble_command(s, "STARTTLS\r\n", deadline_ms, log, &r,
			     err) != SC_OK) {
		sc_reply_free(&r);
		return err->status;
	}
	code = r.code;
	sc_reply_free(&r);
	if (code != 220)
		return sc_error_set(err, SC_ERR_PROTOCOL, "--tls starttls: "
				    "STARTTLS was answered %d, not 220", code);
	return session_tls_start(s, ctx, o->host, deadline_ms, info, err);
}

/* session_tls_open - what --tls asks right after connect */
int session_tls_open(struct session *s, const struct sc_run_options *o,
		     struct sc_tls_ctx *ctx, long long deadline_ms,
		     const struct session_log *log, struct sc_tls_info *info,
		     struct sc_error *err)
{
	if (o->tls_mode == SC_TLS_IMPLICIT)
		return session_tls_start(s, ctx, o->host, deadline_ms, info,
					 err);
	if (o->tls_mode == SC_TLS_STARTTLS)
		return session_starttls_preamble(s, o, ctx, deadline_ms, log,
						 info, err);
	return SC_OK;
}
