/*
 * spawn.h - `smtpconf run --spawn`: the CLI side of the managed server
 * (options, start, restarts between scenarios, messages).
 */
#ifndef SMTPCONF_SPAWN_H
#define SMTPCONF_SPAWN_H

#include <stdio.h>
#include "smtpconf/result.h"
#include "smtpconf/runner.h"
#include "smtpconf/server.h"

struct spawn_config {
	const char *spawn_cmd;		/* --spawn */
	const char *stop_cmd;		/* --stop */
	const char *core_dir;		/* --core-dir */
	int stop_signal;		/* --stop-signal, 0 = default */
	unsigned spawn_timeout_ms;	/* --spawn-timeout, 0 = default */
	int restart_each;		/* --restart-each */
	int managed;			/* server is initialised */
	int failed;			/* a start or restart failed: exit 3 */
	char why[1200];			/* why it failed, for the results */
	struct sc_server server;
};

/* spawn_option - the value options; 1 taken, 0 not ours, -1 bad value */
int spawn_option(struct spawn_config *sp, const char *opt, const char *val);
/* spawn_flag - --restart-each; 1 taken, 0 not ours */
int spawn_flag(struct spawn_config *sp, const char *arg);
/* spawn_check - options that need --spawn; -1 (message printed) if misused */
int spawn_check(const struct spawn_config *sp);
/* spawn_start - start the server when asked; -1 (printed) on failure */
int spawn_start(struct spawn_config *sp, struct sc_run_options *ro);
/* spawn_before - before scenario i: restart if needed; -1 when that failed */
int spawn_before(struct spawn_config *sp, size_t i,
		 const struct sc_result *prev);
/* spawn_show_crash - the tail of the server's output under a crashed result */
void spawn_show_crash(FILE *out, const struct sc_result *r);
/* spawn_finish - stop the server at the end of the run */
void spawn_finish(struct spawn_config *sp);
/* spawn_free - kill what is left and release */
void spawn_free(struct spawn_config *sp);

#endif
