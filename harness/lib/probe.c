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

/* probe_reply - read one reply with the step timeout */
static enum wait_outcome probe_reply(struct session *s,
				     const struct sc_run_options *o,
				     struct sc_reply *r, struct sc_error *err)
{
	return session_read_reply(s, sc_now_ms() + o->step_timeout_ms, r,
				  err);
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
	enum wait_outcome w = probe_reply(s, o, &r, err);

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

/* sc_probe - greet, EHLO ${client}, QUIT: learn banner and capabilities */
int sc_probe(const struct sc_run_options *o, struct sc_server_info *info,
	     struct sc_error *err)
{
	struct session s;

	memset(info, 0, sizeof(*info));
	info->greeting_code = -1;
	info->ehlo_code = -1;
	session_init(&s, "probe");
	if (session_connect(&s, o, sc_now_ms() + o->connect_timeout_ms,
			    err) != SC_OK)
		return probe_fail(info, "connect", err);
	info->reachable = 1;
	if (probe_greeting(&s, o, info, err) < 0) {
		probe_fail(info, "greeting", err);
	} else if (info->greeting_code == 220) {
		if (probe_ehlo(&s, o, info, err) < 0)
			probe_fail(info, "EHLO", err);
		else
			probe_quit(&s, o);
	}
	session_close(&s);
	return SC_OK;
}

/* sc_server_info_free - release the banner */
void sc_server_info_free(struct sc_server_info *info)
{
	free(info->banner);
	info->banner = NULL;
}
