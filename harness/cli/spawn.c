/*
 * spawn.c - `smtpconf run --spawn CMD`: start the server under test,
 * restart it after a crash, after a `shutdown` scenario or (with
 * --restart-each) before every scenario, and stop it at the end.
 * The process work is the library's (server.c); this file parses the
 * options and says what happened.
 */
#include <stdlib.h>
#include <string.h>
#include "smtpconf/escape.h"
#include "cli.h"
#include "spawn.h"

#define SHOW_LINES	20	/* lines of server output on the terminal */
#define SHOW_CLIP	300	/* bytes of one such line */

/* spawn_option - the value options; 1 taken, 0 not ours, -1 bad value */
int spawn_option(struct spawn_config *sp, const char *opt, const char *val)
{
	if (strcmp(opt, "--spawn") == 0)
		sp->spawn_cmd = val;
	else if (strcmp(opt, "--stop") == 0)
		sp->stop_cmd = val;
	else if (strcmp(opt, "--core-dir") == 0)
		sp->core_dir = val;
	else if (strcmp(opt, "--stop-signal") == 0)
		return (sp->stop_signal = sc_signal_parse(val)) > 0 ? 1 : -1;
	else if (strcmp(opt, "--spawn-timeout") == 0)
		return cli_parse_duration(val, &sp->spawn_timeout_ms) == 0 ?
		       1 : -1;
	else
		return 0;
	return val[0] != '\0' ? 1 : -1;
}

/* spawn_flag - --restart-each; 1 taken, 0 not ours */
int spawn_flag(struct spawn_config *sp, const char *arg)
{
	if (strcmp(arg, "--restart-each") != 0)
		return 0;
	sp->restart_each = 1;
	return 1;
}

/* spawn_check - options that need --spawn; -1 (message printed) if misused */
int spawn_check(const struct spawn_config *sp)
{
	if (sp->spawn_cmd != NULL)
		return 0;
	if (sp->restart_each || sp->stop_signal || sp->spawn_timeout_ms ||
	    sp->core_dir) {
		cli_usage_error("run", "--restart-each, --stop-signal, "
				"--spawn-timeout and --core-dir need --spawn "
				"COMMAND");
		return -1;
	}
	return 0;
}

/* show_output - the last lines of the server's output, escaped */
static void show_output(FILE *out, const char *text, size_t len)
{
	const char *p = text + len, *end = text + len, *nl;
	struct sc_buf b;
	size_t lines = 0;

	if (len > 0 && end[-1] == '\n')
		end--;
	/* Walk back SHOW_LINES lines from the end. */
	for (p = end; p > text && lines < SHOW_LINES; p--)
		if (p[-1] == '\n' && ++lines == SHOW_LINES)
			break;
	sc_buf_init(&b, 0);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		sc_buf_reset(&b);
		sc_escape_display(&b, p, (size_t)(nl - p), SHOW_CLIP);
		fprintf(out, "       | %s\n", sc_buf_cstr(&b));
		p = nl + 1;
	}
	sc_buf_free(&b);
}

/* report_failure - say why the server could not be (re)started */
static void report_failure(struct spawn_config *sp, const char *what,
			   const struct sc_error *err)
{
	size_t len = 0;
	char *text;

	snprintf(sp->why, sizeof(sp->why), "server could not be %s: %s",
		 what, err->msg);
	fprintf(stderr, "smtpconf: %s\n", sp->why);
	text = sc_server_output(&sp->server, SC_SERVER_OUTPUT_TAIL, &len);
	if (text != NULL && len > 0) {
		fprintf(stderr, "smtpconf: its output ended with:\n");
		show_output(stderr, text, len);
	}
	free(text);
	sp->failed = 1;
}

/* spawn_start - start the server when asked; -1 (printed) on failure */
int spawn_start(struct spawn_config *sp, struct sc_run_options *ro)
{
	struct sc_server_options so;
	struct sc_error err;

	if (sp->spawn_cmd == NULL && sp->stop_cmd == NULL)
		return 0;
	sc_server_options_init(&so);
	so.spawn_cmd = sp->spawn_cmd;
	so.stop_cmd = sp->stop_cmd;
	so.core_dir = sp->core_dir;
	if (sp->stop_signal > 0)
		so.stop_signal = sp->stop_signal;
	if (sp->spawn_timeout_ms)
		so.spawn_timeout_ms = sp->spawn_timeout_ms;
	snprintf(so.host, sizeof(so.host), "%s", ro->host);
	snprintf(so.port, sizeof(so.port), "%s", ro->port);
	so.interrupted = ro->interrupted;
	sc_error_clear(&err);
	if (sc_server_init(&sp->server, &so, &err) != SC_OK) {
		snprintf(sp->why, sizeof(sp->why), "%s", err.msg);
		fprintf(stderr, "smtpconf: %s\n", err.msg);
		sp->failed = 1;
		return -1;
	}
	sp->managed = 1;
	ro->server = &sp->server;
	if (sc_server_start(&sp->server, &err) != SC_OK) {
		report_failure(sp, "started", &err);
		return -1;
	}
	return 0;
}

/* needs_restart - crashed, hung, shut down, gone, or a fresh one each time */
static int needs_restart(struct spawn_config *sp, size_t i,
			 const struct sc_result *prev)
{
	struct sc_server *s = &sp->server;
	enum sc_server_fate f = sc_server_poll(s);
	char what[SC_SERVER_DESCRIBE_MAX];

	if (s->stopping || (sp->restart_each && i > 0))
		return 1;
	if (sp->spawn_cmd != NULL && f == SC_SERVER_RUNNING &&
	    prev != NULL && prev->hung) {
		/* A hung server would make every scenario wait it out. */
		fprintf(stderr, "smtpconf: the server stopped answering in "
			"the last scenario; restarting it\n");
		return 1;
	}
	if (sp->spawn_cmd == NULL || f == SC_SERVER_RUNNING)
		return 0;
	if (prev != NULL && prev->crashed)
		return 1;	/* already charged to that scenario */
	/* It died after the last scenario's check: say so, not silently. */
	sc_server_describe(s, what, sizeof(what));
	fprintf(stderr, "smtpconf: between scenarios the server %s; "
		"restarting it\n", what);
	return 1;
}

/* spawn_before - before scenario i (prev ran last): restart if needed */
int spawn_before(struct spawn_config *sp, size_t i,
		 const struct sc_result *prev)
{
	struct sc_error err;

	if (!sp->managed)
		return 0;
	if (sp->failed)
		return -1;
	if (!needs_restart(sp, i, prev))
		return 0;
	sc_error_clear(&err);
	if (sc_server_restart(&sp->server, &err) != SC_OK) {
		report_failure(sp, "restarted", &err);
		return -1;
	}
	return 0;
}

/* spawn_show_crash - the tail of the server's output under a crashed result */
void spawn_show_crash(FILE *out, const struct sc_result *r)
{
	if (!r->crashed || r->server_output == NULL ||
	    r->server_output_len == 0)
		return;
	fprintf(out, "       server output (last lines):\n");
	show_output(out, r->server_output, r->server_output_len);
}

/* spawn_finish - stop the server at the end of the run */
void spawn_finish(struct spawn_config *sp)
{
	struct sc_error err;
	char what[SC_SERVER_DESCRIBE_MAX];
	int known;

	if (!sp->managed || sp->spawn_cmd == NULL)
		return;
	known = sc_server_crashed(&sp->server);
	sc_error_clear(&err);
	if (sc_server_stop(&sp->server, &err) != SC_OK)
		fprintf(stderr, "smtpconf: %s\n", err.msg);
	/* A leak report at exit belongs to no scenario, but is a bug. */
	if (!known && sp->server.fate == SC_SERVER_SANITIZER) {
		sc_server_describe(&sp->server, what, sizeof(what));
		fprintf(stderr, "smtpconf: warning: while stopping, the "
			"server %s\n", what);
	}
}

/* spawn_free - kill what is left and release */
void spawn_free(struct spawn_config *sp)
{
	if (sp->managed)
		sc_server_free(&sp->server);
	sp->managed = 0;
}
