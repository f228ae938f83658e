/*
 * capture.c - `smtpconf run --pcap FILE|DIR`.
 *
 * With a file, every session of the run (the probe included) goes into
 * it; with a directory (an existing one, or a path ending in '/'),
 * each scenario gets DIR/ID.pcap, '/' in the id becoming '.'.  Each
 * file is committed (renamed into place) as soon as its sessions are
 * over, so Ctrl-C leaves complete captures of everything that ran.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "capture.h"

/* capture_tap - the run's observer factory: a tap on the open file */
static int capture_tap(void *ctx, const char *session, struct sc_tcp_tap *out,
		       struct sc_error *err)
{
	struct capture *c = ctx;

	(void)session;
	if (c->cur == NULL)
		return SC_OK;	/* nothing open: this connection is not kept */
	return sc_pcap_tap(c->cur, out, err);
}

/* capture_check - decide file or directory; -1 (printed) when unusable */
int capture_check(struct capture *c, struct sc_run_options *ro)
{
	struct stat st;
	size_t len;

	if (c->path == NULL)
		return 0;
	len = strlen(c->path);
	if (len == 0) {
		cli_usage_error("run", "--pcap needs a file or directory");
		return -1;
	}
	if (stat(c->path, &st) == 0 && S_ISDIR(st.st_mode))
		c->per_scenario = 1;
	else if (c->path[len - 1] == '/') {
		if (mkdir(c->path, 0755) < 0 && errno != EEXIST) {
			cli_usage_error("run", "--pcap %s: %s", c->path,
					strerror(errno));
			return -1;
		}
		c->per_scenario = 1;
	}
	ro->tap = capture_tap;
	ro->tap_ctx = c;
	return 0;
}

/* open_file - start a capture at path; a failure is said once */
static void open_file(struct capture *c, const char *path)
{
	struct sc_error err;

	sc_error_clear(&err);
	if (sc_pcap_open(path, &c->cur, &err) == SC_OK)
		return;
	fprintf(stderr, "smtpconf: %s\n", err.msg);
	c->failed = 1;
}

/* close_file - commit the open capture */
static void close_file(struct capture *c)
{
	struct sc_error err;

	if (c->cur == NULL)
		return;
	sc_error_clear(&err);
	if (sc_pcap_close(c->cur, &err) != SC_OK) {
		fprintf(stderr, "smtpconf: %s\n", err.msg);
		c->failed = 1;
	}
	c->cur = NULL;
}

/* capture_begin - before the probe: open the single file */
void capture_begin(struct capture *c)
{
	if (c->path != NULL && !c->per_scenario)
		open_file(c, c->path);
}

/* capture_scenario - before a scenario: its own file in directory mode */
void capture_scenario(struct capture *c, const struct sc_scenario *s)
{
	char path[4096];
	size_t len, i;
	int n, slash;

	if (c->path == NULL || !c->per_scenario)
		return;
	len = strlen(c->path);
	slash = c->path[len - 1] == '/';
	n = snprintf(path, sizeof(path), "%s%s%s.pcap", c->path,
		     slash ? "" : "/", s->id);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "smtpconf: --pcap: path too long for %s\n",
			s->id);
		c->failed = 1;
		return;
	}
	for (i = len + !slash; path[i] != '\0'; i++)
		if (path[i] == '/')
			path[i] = '.';
	open_file(c, path);
}

/* capture_scenario_end - after a scenario: commit its file */
void capture_scenario_end(struct capture *c)
{
	if (c->per_scenario)
		close_file(c);
}

/* capture_finish - commit what is open; -1 when any capture failed */
int capture_finish(struct capture *c)
{
	close_file(c);
	return c->failed ? -1 : 0;
}
